//! The core service's configuration, from the environment.

use platform::config::{ConfigError, Env};
use platform::server::CommonConfig;

pub const DEFAULT_PORT: u16 = 8080;

#[derive(Debug, Clone)]
pub struct Config {
    pub common: CommonConfig,
}

impl Config {
    pub fn from_env(env: &Env) -> Result<Self, ConfigError> {
        Ok(Config {
            common: CommonConfig::from_env(env, "CORE_PORT", DEFAULT_PORT)?,
        })
    }
}
