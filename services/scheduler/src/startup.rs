//! Wiring: configuration in, a listening server out.

use crate::access::TriggerToken;
use crate::auction_api::AuctionApi;
use crate::config::Config;
use crate::daily;
use crate::sync::{FeedSource, Syncer};
use actix_web::web;
use platform::config::Env;
use platform::cors::CorsPolicy;
use platform::server::{Running, StartupError};

pub struct Application;

impl Application {
    pub async fn from_env(env: &Env) -> Result<Running, StartupError> {
        Self::build(Config::from_env(env)?).await
    }

    /// Connects, checks the schema, binds (port 0 picks a free port) and starts.
    pub async fn build(mut config: Config) -> Result<Running, StartupError> {
        // Called by cron, never by a browser: no page of any origin may read it.
        config.common.cors = CorsPolicy::Closed;
        let pool = config.common.connect_database().await?;
        let api = AuctionApi::new(config.auction_api.clone()).map_err(StartupError::Other)?;
        if !api.is_configured() {
            tracing::warn!("AUCTION_API_KEY is not set: auction syncs will be refused");
        }
        let syncer = Syncer::new(pool.clone(), FeedSource::Api(api));
        if let Some(at) = config.daily_at {
            daily::spawn(syncer.clone(), at);
        }
        let syncer = web::Data::new(syncer);
        let trigger = web::Data::new(TriggerToken(config.trigger_token.clone()));
        let upload = web::Data::new(config.upload);
        let runs_pool = pool.clone();
        let last_success = web::Data::new(platform::metrics::ScrapeHook::new(move || {
            crate::sync::sample_last_success(runs_pool.clone())
        }));
        config.common.start_with(pool, move |cfg| {
            cfg.app_data(syncer.clone())
                .app_data(last_success.clone())
                .app_data(trigger.clone())
                .app_data(upload.clone());
            crate::openapi::routes(cfg);
            platform::openapi::serve(cfg, crate::openapi::json());
        })
    }
}
