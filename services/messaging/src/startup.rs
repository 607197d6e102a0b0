//! Wiring: configuration in, a listening server out.

use crate::config::Config;
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
        config.common.start_with(pool, |_| {})
    }
}
