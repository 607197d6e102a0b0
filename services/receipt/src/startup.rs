//! Wiring: configuration in, a listening server out.

use crate::config::Config;
use crate::pdf::Fonts;
use crate::stamp::{Lookup, Stamps, SystemLookup};
use crate::state::AppState;
use crate::storage::Storage;
use actix_web::web;
use platform::api::messaging::MessagingClient;
use platform::config::Env;
use platform::server::{Running, StartupError};
use platform::service_client::ServiceClient;
use std::sync::Arc;

pub struct Application;

impl Application {
    pub async fn from_env(env: &Env) -> Result<Running, StartupError> {
        Self::build(Config::from_env(env)?).await
    }

    /// Connects, checks the schema and the fonts, binds (port 0 picks a free
    /// port) and starts.
    pub async fn build(config: Config) -> Result<Running, StartupError> {
        Self::build_with_lookup(config, Arc::new(SystemLookup)).await
    }

    /// As [`Application::build`], with the host lookup of seal-stamp fetches
    /// given (tests play a DNS server that answers differently each time).
    pub async fn build_with_lookup(
        config: Config,
        lookup: Arc<dyn Lookup>,
    ) -> Result<Running, StartupError> {
        let fonts = Fonts::load(&config.font_dir).map_err(|e| {
            StartupError::Other(format!(
                "fonts: {e} (set RECEIPT_FONT_DIR or install fonts-nanum with `make tools`)"
            ))
        })?;
        let pool = config.common.connect_database().await?;
        let messaging = MessagingClient::new(ServiceClient::new(
            "messaging",
            &config.common.peers.messaging,
            &config.common.service_token,
            config.notify_timeout,
        ));
        let storage = Storage::from_config(&config.storage).await;
        let stamps = Stamps::new(&config.stamp, pool.clone(), storage.clone(), lookup)
            .map_err(|e| StartupError::Other(format!("seal stamp client: {e}")))?;
        let state = web::Data::new(AppState {
            pool: pool.clone(),
            fonts,
            storage,
            stamps,
            messaging,
            public_base_url: config.public_base_url.clone(),
            app_base_url: config.app_base_url.clone(),
        });
        config.common.start_with(pool, move |cfg| {
            cfg.app_data(state.clone());
            crate::http::routes(cfg);
            platform::openapi::serve(cfg, crate::http::openapi::json());
        })
    }
}
