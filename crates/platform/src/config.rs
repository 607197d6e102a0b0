//! Configuration comes only from environment variables (documented in
//! `.env.example`); every variable has a default that works on a developer's
//! machine, except the secrets, which `make run` generates locally.

use std::collections::{BTreeSet, HashMap};
use std::process::ExitCode;
use std::str::FromStr;
use std::sync::{Arc, Mutex, PoisonError};

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{name} is required: {hint}")]
    Missing {
        name: &'static str,
        hint: &'static str,
    },
    #[error("{name} has an invalid value: {reason}")]
    Invalid { name: &'static str, reason: String },
}

/// A source of variables: the process environment, or a map in tests.
///
/// It remembers the name of every variable asked for (clones share the
/// record), so `<service> config check` can say exactly which variables a
/// service reads, and the deployment drift test (`tests/e2e/tests/compose.rs`)
/// can refuse a variable that a deployment sets but nothing reads.
#[derive(Debug, Clone, Default)]
pub struct Env {
    overrides: Option<HashMap<String, String>>,
    read: Arc<Mutex<BTreeSet<String>>>,
}

impl Env {
    pub fn process() -> Self {
        Env::default()
    }

    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let map = pairs
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        Env {
            overrides: Some(map),
            read: Arc::default(),
        }
    }

    /// The names of the variables asked for so far, set or not.
    pub fn names_read(&self) -> BTreeSet<String> {
        self.read
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The variable's value; an empty value counts as unset.
    pub fn get(&self, name: &str) -> Option<String> {
        self.read
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(name.to_owned());
        let value = match &self.overrides {
            Some(map) => map.get(name).cloned(),
            None => std::env::var(name).ok(),
        };
        value.filter(|v| !v.trim().is_empty())
    }

    pub fn string(&self, name: &'static str, default: &str) -> String {
        self.get(name).unwrap_or_else(|| default.to_owned())
    }

    pub fn required(&self, name: &'static str, hint: &'static str) -> Result<String, ConfigError> {
        self.get(name).ok_or(ConfigError::Missing { name, hint })
    }

    pub fn parse<T>(&self, name: &'static str, default: T) -> Result<T, ConfigError>
    where
        T: FromStr,
        T::Err: std::fmt::Display,
    {
        match self.get(name) {
            None => Ok(default),
            Some(raw) => raw
                .trim()
                .parse()
                .map_err(|e: T::Err| ConfigError::Invalid {
                    name,
                    reason: e.to_string(),
                }),
        }
    }

    pub fn flag(&self, name: &'static str, default: bool) -> Result<bool, ConfigError> {
        match self.get(name).as_deref().map(str::trim) {
            None => Ok(default),
            Some("1" | "true" | "yes" | "on") => Ok(true),
            Some("0" | "false" | "no" | "off") => Ok(false),
            Some(other) => Err(ConfigError::Invalid {
                name,
                reason: format!("expected true or false, got `{other}`"),
            }),
        }
    }
}

/// `<service> config check`: `loaded` is the service's configuration as
/// serving would load it from `env` (its `Config::from_env`), reduced to
/// where it listens. Prints one JSON line — `ok`, the listen `host` and
/// `port` or the `error`, and every variable name the service `read` — and
/// exits 0 when the configuration loads, 1 when it does not. No value is
/// printed, so secrets cannot leak. Operators run it against a deployment's
/// environment; the drift test runs it against docker-compose.yml's and the
/// Kubernetes overlays'.
pub fn check_command(env: &Env, loaded: Result<HttpConfig, ConfigError>) -> ExitCode {
    let read: Vec<String> = env.names_read().into_iter().collect();
    let (report, code) = match loaded {
        Ok(http) => (
            serde_json::json!({ "ok": true, "host": http.host, "port": http.port, "read": read }),
            ExitCode::SUCCESS,
        ),
        Err(e) => (
            serde_json::json!({ "ok": false, "error": e.to_string(), "read": read }),
            ExitCode::FAILURE,
        ),
    };
    println!("{report}");
    code
}

/// Where a service listens.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    pub host: String,
    pub port: u16,
}

impl HttpConfig {
    pub fn from_env(
        env: &Env,
        port_var: &'static str,
        default_port: u16,
    ) -> Result<Self, ConfigError> {
        Ok(HttpConfig {
            host: env.string("HOST", "127.0.0.1"),
            port: env.parse(port_var, default_port)?,
        })
    }
}

/// The shared database.
#[derive(Clone)]
pub struct DatabaseConfig {
    pub url: String,
    pub pool_size: usize,
}

impl std::fmt::Debug for DatabaseConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DatabaseConfig")
            .field("url", &db::migrations::redact_url(&self.url))
            .field("pool_size", &self.pool_size)
            .finish()
    }
}

pub const DEFAULT_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/marketbill";

impl DatabaseConfig {
    pub fn from_env(env: &Env) -> Result<Self, ConfigError> {
        Ok(DatabaseConfig {
            url: env.string("DATABASE_URL", DEFAULT_DATABASE_URL),
            pool_size: env.parse("DATABASE_POOL_SIZE", default_pool_size())?,
        })
    }
}

/// PostgreSQL's own sizing guideline, twice the cores plus one: connections
/// beyond what the cores can run only queue inside PostgreSQL, where every
/// request's statements then wait behind everyone's. The zero-config set-up
/// runs PostgreSQL beside the services, so this machine's cores are its cores;
/// set DATABASE_POOL_SIZE when it runs elsewhere. Measured on 2 cores (the
/// wholesaler's day view, 8 clients): 10 connections gave p99 47-59 ms, 5 gave
/// 34-41 ms at the same throughput.
pub fn default_pool_size() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    2 * cores + 1
}

/// How services find each other.
#[derive(Debug, Clone)]
pub struct PeerUrls {
    pub core: String,
    pub receipt: String,
    pub messaging: String,
    pub scheduler: String,
}

impl PeerUrls {
    pub fn from_env(env: &Env) -> Self {
        let url = |name: &'static str, default: &str| {
            env.string(name, default).trim_end_matches('/').to_owned()
        };
        PeerUrls {
            core: url("CORE_URL", "http://127.0.0.1:8080"),
            receipt: url("RECEIPT_URL", "http://127.0.0.1:8081"),
            messaging: url("MESSAGING_URL", "http://127.0.0.1:8082"),
            scheduler: url("SCHEDULER_URL", "http://127.0.0.1:8083"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_apply_when_unset_or_blank() {
        let env = Env::from_pairs([("CORE_PORT", " ")]);
        let http = HttpConfig::from_env(&env, "CORE_PORT", 8080).expect("defaults");
        assert_eq!(http.port, 8080);
        assert_eq!(http.host, "127.0.0.1");
    }

    #[test]
    fn invalid_values_name_the_variable() {
        let env = Env::from_pairs([("CORE_PORT", "eighty")]);
        let err = HttpConfig::from_env(&env, "CORE_PORT", 8080).expect_err("invalid port");
        assert!(
            err.to_string()
                .starts_with("CORE_PORT has an invalid value"),
            "{err}"
        );
    }

    #[test]
    fn flags_accept_common_spellings() {
        let env = Env::from_pairs([("A", "yes"), ("B", "0"), ("C", "maybe")]);
        assert!(env.flag("A", false).expect("valid"));
        assert!(!env.flag("B", true).expect("valid"));
        assert!(env.flag("C", true).is_err());
        assert!(env.flag("D", true).expect("default"));
    }

    #[test]
    fn database_url_is_redacted_in_debug() {
        let env = Env::from_pairs([("DATABASE_URL", "postgres://app:hunter2@db/marketbill")]);
        let db = DatabaseConfig::from_env(&env).expect("valid");
        assert!(!format!("{db:?}").contains("hunter2"));
    }

    #[test]
    fn every_name_asked_for_is_recorded_set_or_not() {
        let env = Env::from_pairs([("CORE_PORT", "9000"), ("UNUSED", "x")]);
        let copy = env.clone();
        HttpConfig::from_env(&copy, "CORE_PORT", 8080).expect("valid");
        let read: Vec<String> = env.names_read().into_iter().collect();
        assert_eq!(read, ["CORE_PORT", "HOST"]);
    }

    #[test]
    fn peer_urls_drop_trailing_slashes() {
        let env = Env::from_pairs([("RECEIPT_URL", "http://receipt:8081/")]);
        assert_eq!(PeerUrls::from_env(&env).receipt, "http://receipt:8081");
    }
}
