//! The core service's configuration, from the environment.

use crate::settings::Settings;
use platform::config::{ConfigError, Env};
use platform::server::CommonConfig;

pub const DEFAULT_PORT: u16 = 8080;

/// Core's HTTP workers unless `HTTP_WORKERS` says otherwise: one. Each worker
/// is a thread with its own runtime, and a pooled connection's driver runs on
/// the worker that opened it, so with two workers about half of the
/// statements cross threads and back (a wake-up and a context switch each
/// way). Core's own CPU per request is about a seventh of PostgreSQL's, so one
/// worker keeps up with what the database answers; pods scale out instead.
/// Measured on 2 cores (`make bench-core`, day view, 8 clients): core's CPU
/// per request 0.33-0.35 ms with two workers, 0.28 ms with one, and the p50
/// ratio to the SQL floor 1.16-1.17× against 1.11-1.13×.
const DEFAULT_WORKERS: usize = 1;

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
        let mut common = CommonConfig::from_env(env, "CORE_PORT", DEFAULT_PORT)?;
        common.workers = env.parse("HTTP_WORKERS", DEFAULT_WORKERS)?;
        Ok(Config {
            common,
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

    #[test]
    fn one_worker_unless_told_otherwise() {
        let keys = [
            ("JWT_PUBLIC_KEY", "public"),
            ("JWT_SIGNING_KEY", "signing"),
            ("SERVICE_TOKEN", "service"),
        ];
        let default = Config::from_env(&Env::from_pairs(keys)).expect("config");
        assert_eq!(default.common.workers, 1);
        let mut told = keys.to_vec();
        told.push(("HTTP_WORKERS", "3"));
        let told = Config::from_env(&Env::from_pairs(told)).expect("config");
        assert_eq!(told.common.workers, 3);
        let mut wrong = keys.to_vec();
        wrong.push(("HTTP_WORKERS", "many"));
        assert!(Config::from_env(&Env::from_pairs(wrong)).is_err());
    }
}
