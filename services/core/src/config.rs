//! The core service's configuration, from the environment.

use crate::settings::Settings;
use platform::config::{ConfigError, Env};
use platform::server::CommonConfig;

pub const DEFAULT_PORT: u16 = 8080;

#[derive(Clone)]
pub struct Config {
    pub common: CommonConfig,
    /// Ed25519 PKCS#8 (base64): only core can mint tokens.
    pub jwt_signing_key: String,
    pub settings: Settings,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("common", &self.common)
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl Config {
    pub fn from_env(env: &Env) -> Result<Self, ConfigError> {
        Ok(Config {
            common: CommonConfig::from_env(env, "CORE_PORT", DEFAULT_PORT)?,
            jwt_signing_key: env
                .required("JWT_SIGNING_KEY", "generate local keys with `make keys`")?,
            settings: Settings::from_env(env)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_shows_no_secret() {
        let env = Env::from_pairs([
            ("JWT_PUBLIC_KEY", "public-key-is-fine"),
            ("JWT_SIGNING_KEY", "signing-key-secret"),
            ("SERVICE_TOKEN", "service-token-secret"),
            (
                "DATABASE_URL",
                "postgres://app:db-password-secret@db/marketbill",
            ),
        ]);
        let shown = format!("{:?}", Config::from_env(&env).expect("config"));
        assert!(shown.contains("public-key-is-fine"), "{shown}");
        for secret in [
            "signing-key-secret",
            "service-token-secret",
            "db-password-secret",
        ] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
    }
}
