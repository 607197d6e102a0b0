//! What every request shares, built once by [`crate::Application`].

use crate::pdf::Fonts;
use crate::stamp::Stamps;
use crate::storage::Storage;
use platform::api::messaging::MessagingClient;
use std::sync::Arc;

/// What every handler shares.
pub struct AppState {
    pub pool: db::DbPool,
    pub fonts: Fonts,
    pub storage: Storage,
    pub stamps: Arc<Stamps>,
    pub messaging: MessagingClient,
    pub public_base_url: String,
    pub app_base_url: String,
}
