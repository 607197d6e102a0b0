//! Wiring: configuration in, a listening server out.

use crate::app::Peers;
use crate::config::Config;
use crate::http::GraphqlState;
use crate::notifications::Wakeup;
use actix_web::web;
use platform::api::messaging::MessagingClient;
use platform::api::receipt::ReceiptClient;
use platform::auth::{TokenIssuer, TokenVerifier};
use platform::config::Env;
use platform::server::{Running, StartupError};
use platform::service_client::ServiceClient;
use std::sync::Arc;

pub struct Application;

impl Application {
    pub async fn from_env(env: &Env) -> Result<Running, StartupError> {
        Self::build(Config::from_env(env)?).await
    }

    /// Connects, checks the schema, binds (port 0 picks a free port) and starts.
    pub async fn build(config: Config) -> Result<Running, StartupError> {
        let pool = config.common.connect_database().await?;
        let settings = &config.settings;
        let client = |name: &'static str, url: &str, timeout| {
            ServiceClient::new(name, url, &config.common.service_token, timeout)
        };
        let peers = Arc::new(Peers {
            receipt: ReceiptClient::new(client(
                "receipt",
                &config.common.peers.receipt,
                settings.receipt_timeout,
            )),
            messaging: MessagingClient::new(client(
                "messaging",
                &config.common.peers.messaging,
                settings.messaging_timeout,
            )),
        });
        let wakeup = Wakeup::default();
        crate::notifications::spawn_worker(
            pool.clone(),
            peers.messaging.clone(),
            wakeup.clone(),
            crate::notifications::Pace {
                poll: settings.outbox_poll,
                max_attempts: settings.outbox_max_attempts,
            },
            settings.app_base_url.clone(),
        );
        if settings.order_batch_at.is_some() {
            crate::trading::batch::spawn_nightly(pool.clone());
        }
        let live = crate::live::socket::LiveState::new(config.common.cors.clone());
        crate::live::listener::spawn(config.common.database.url.clone(), live.feed.clone());
        let state = web::Data::new(GraphqlState {
            schema: crate::graphql::shared(),
            pool: pool.clone(),
            peers,
            wakeup,
            issuer: TokenIssuer::from_signing_key(&config.jwt_signing_key)?,
            verifier: TokenVerifier::from_public_key(&config.common.jwt_public_key)?,
            settings: Arc::new(config.settings.clone()),
            live,
        });
        let outbox_pool = pool.clone();
        let backlog = web::Data::new(platform::metrics::ScrapeHook::new(move || {
            crate::notifications::sample_backlog(outbox_pool.clone())
        }));
        config.common.start_with(pool, move |cfg| {
            cfg.app_data(state.clone())
                .app_data(backlog.clone())
                .configure(crate::http::routes);
        })
    }
}
