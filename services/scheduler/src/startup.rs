//! Wiring: configuration in, a listening server out.

use crate::config::Config;
use actix_web::web;
use platform::config::Env;
use platform::server::{Running, StartupError};

pub struct Application;

impl Application {
    pub async fn from_env(env: &Env) -> Result<Running, StartupError> {
        Self::build(Config::from_env(env)?).await
    }

    /// Connects, checks the schema, binds (port 0 picks a free port) and starts.
    pub async fn build(config: Config) -> Result<Running, StartupError> {
        let pool = config.common.connect_database().await?;
        let auth = web::Data::new(config.common.auth_state()?);
        let listener = platform::server::bind(&config.common.http)?;
        let pool = web::Data::new(pool);
        Ok(platform::server::start(
            listener,
            config.common.workers,
            move |cfg| {
                cfg.app_data(pool.clone()).app_data(auth.clone());
            },
        )?)
    }
}
