//! Wiring: configuration in, a listening server out.

use crate::config::{Config, ProviderConfig};
use crate::provider::{RecordProvider, SensProvider, SmsProvider};
use crate::sending::Messenger;
use crate::verification::code_key;
use actix_web::web;
use platform::config::Env;
use platform::server::{Running, StartupError};
use std::sync::Arc;

pub struct Application;

impl Application {
    pub async fn from_env(env: &Env) -> Result<Running, StartupError> {
        Self::build(Config::from_env(env)?).await
    }

    /// Connects, checks the schema, binds (port 0 picks a free port) and starts.
    pub async fn build(config: Config) -> Result<Running, StartupError> {
        let pool = config.common.connect_database().await?;
        let provider: Arc<dyn SmsProvider> = match &config.provider {
            ProviderConfig::Record => Arc::new(RecordProvider),
            ProviderConfig::Sens(sens) => Arc::new(
                SensProvider::new(sens.clone())
                    .map_err(|e| StartupError::Other(format!("SENS client: {e}")))?,
            ),
        };
        tracing::info!(provider = provider.name(), "sms provider");
        crate::limits::spawn_pruning(pool.clone());
        let messenger = web::Data::new(Messenger {
            pool: pool.clone(),
            provider,
            allowlist: config.allowlist.clone(),
            limits: config.limits,
            code_key: code_key(&config.code_secret),
            trust_forwarded_for: config.trust_forwarded_for,
        });
        config.common.start_with(pool, move |cfg| {
            cfg.app_data(messenger.clone());
            crate::routes::configure(cfg);
            platform::openapi::serve(cfg, crate::openapi::json());
        })
    }
}
