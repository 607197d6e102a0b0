//! The scheduler service's configuration, from the environment.

use chrono::NaiveTime;
use platform::config::{ConfigError, DatabaseConfig, Env};
use platform::server::CommonConfig;
use std::time::Duration;

pub const DEFAULT_PORT: u16 = 8083;
/// The aT open API (화훼유통정보시스템), kind f001 = daily auction results.
pub const DEFAULT_AUCTION_API_URL: &str = "https://flower.at.or.kr/api/returnData.api";

/// A credential from the environment. Its `Debug` never shows the value, so a
/// logged configuration cannot leak it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// How to reach the aT API.
#[derive(Debug, Clone)]
pub struct AuctionApiConfig {
    pub url: String,
    /// `serviceKey`; `None` = not configured (runs refuse to start).
    pub key: Option<Secret>,
    /// `countPerPage`; paging stops at the first page shorter than this.
    pub page_size: u32,
    /// Stops a server that ignores paging from looping forever.
    pub max_pages: u32,
    /// Whole-request timeout of one call.
    pub timeout: Duration,
    /// Extra attempts after a network error or HTTP 5xx (not after `resultCd` ≠ 0).
    pub retries: u32,
    /// First back-off delay; doubled on each further retry.
    pub retry_delay: Duration,
}

impl AuctionApiConfig {
    pub fn from_env(env: &Env) -> Result<Self, ConfigError> {
        let page_size: u32 = env.parse("AUCTION_API_PAGE_SIZE", 1000)?;
        if page_size == 0 {
            return Err(ConfigError::Invalid {
                name: "AUCTION_API_PAGE_SIZE",
                reason: "must be at least 1".to_owned(),
            });
        }
        Ok(AuctionApiConfig {
            url: env.string("AUCTION_API_URL", DEFAULT_AUCTION_API_URL),
            key: env.get("AUCTION_API_KEY").map(|k| Secret::new(k.trim())),
            page_size,
            max_pages: env.parse("AUCTION_API_MAX_PAGES", 100)?,
            timeout: Duration::from_millis(env.parse("AUCTION_API_TIMEOUT_MS", 30_000)?),
            retries: env.parse("AUCTION_API_RETRIES", 2)?,
            retry_delay: Duration::from_millis(env.parse("AUCTION_API_RETRY_DELAY_MS", 500)?),
        })
    }
}

/// How much of an auction-result upload is read, and for how long. The body
/// is read whole before a database connection is taken, so a slow sender
/// holds nothing but its own socket, and only until the timeout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadLimits {
    pub max_bytes: usize,
    pub body_timeout: Duration,
}

impl UploadLimits {
    pub fn from_env(env: &Env) -> Result<Self, ConfigError> {
        Ok(UploadLimits {
            // 20,000 lines of CSV stay well below 8 MiB.
            max_bytes: env.parse("SCHEDULER_UPLOAD_MAX_BYTES", 8 << 20)?,
            body_timeout: Duration::from_secs(env.parse("SCHEDULER_UPLOAD_TIMEOUT_SECS", 30)?),
        })
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    pub common: CommonConfig,
    pub auction_api: AuctionApiConfig,
    pub upload: UploadLimits,
    /// The bearer token cron presents to `POST /v1/jobs/auction-sync`.
    pub trigger_token: Option<Secret>,
    /// Optional daily run at this KST wall-clock time (`SCHEDULER_CRON=HH:MM`).
    pub daily_at: Option<NaiveTime>,
}

impl Config {
    pub fn from_env(env: &Env) -> Result<Self, ConfigError> {
        Ok(Config {
            common: CommonConfig::from_env(env, "SCHEDULER_PORT", DEFAULT_PORT)?,
            auction_api: AuctionApiConfig::from_env(env)?,
            upload: UploadLimits::from_env(env)?,
            trigger_token: env.get("SCHEDULER_TRIGGER_TOKEN").map(Secret::new),
            daily_at: daily_at(env)?,
        })
    }
}

/// What the command-line tasks need: the database and the API, no HTTP keys.
#[derive(Debug, Clone)]
pub struct TaskConfig {
    pub database: DatabaseConfig,
    pub auction_api: AuctionApiConfig,
}

impl TaskConfig {
    pub fn from_env(env: &Env) -> Result<Self, ConfigError> {
        Ok(TaskConfig {
            database: DatabaseConfig::from_env(env)?,
            auction_api: AuctionApiConfig::from_env(env)?,
        })
    }
}

fn daily_at(env: &Env) -> Result<Option<NaiveTime>, ConfigError> {
    env.get("SCHEDULER_CRON")
        .map(|raw| {
            NaiveTime::parse_from_str(raw.trim(), "%H:%M").map_err(|_| ConfigError::Invalid {
                name: "SCHEDULER_CRON",
                reason: format!("expected a daily KST time HH:MM, got `{raw}`"),
            })
        })
        .transpose()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn the_service_key_never_shows_in_debug_output() {
        let env = Env::from_pairs([("AUCTION_API_KEY", "0123456789ABCDEF0123456789ABCDEF")]);
        let config = AuctionApiConfig::from_env(&env).unwrap();
        assert_eq!(
            config.key.as_ref().map(Secret::expose),
            Some("0123456789ABCDEF0123456789ABCDEF")
        );
        assert!(!format!("{config:?}").contains("0123456789ABCDEF"));
    }

    /// The whole service configuration, as a startup log would print it.
    #[test]
    fn debug_output_shows_no_secret() {
        let env = Env::from_pairs([
            ("JWT_PUBLIC_KEY", "k"),
            ("SERVICE_TOKEN", "service-token-5521"),
            ("DATABASE_URL", "postgres://app:db-password-4417@db:5432/mb"),
            ("AUCTION_API_KEY", "0123456789ABCDEF0123456789ABCDEF"),
            ("SCHEDULER_TRIGGER_TOKEN", "cron-token-2290"),
        ]);
        let config = Config::from_env(&env).unwrap();
        let shown = format!("{config:?} {config:#?}");
        for secret in [
            "service-token-5521",
            "db-password-4417",
            "0123456789ABCDEF",
            "cron-token-2290",
        ] {
            assert!(!shown.contains(secret), "{secret} shows in {shown}");
        }
        assert_eq!(config.upload.max_bytes, 8 << 20);
        assert_eq!(config.upload.body_timeout, Duration::from_secs(30));
    }

    #[test]
    fn defaults_point_at_the_at_endpoint_without_a_key() {
        let config = AuctionApiConfig::from_env(&Env::from_pairs([])).unwrap();
        assert_eq!(config.url, DEFAULT_AUCTION_API_URL);
        assert!(config.key.is_none());
        assert_eq!(config.page_size, 1000);
        assert_eq!(config.retries, 2);
    }

    #[test]
    fn the_daily_schedule_is_an_hh_mm_time_or_off() {
        let at = |v: &'static str| daily_at(&Env::from_pairs([("SCHEDULER_CRON", v)]));
        assert_eq!(at("06:30").unwrap(), NaiveTime::from_hms_opt(6, 30, 0));
        assert_eq!(daily_at(&Env::from_pairs([])).unwrap(), None);
        for bad in ["25:00", "0 6 * * *", "6h"] {
            assert!(at(bad).is_err(), "{bad}");
        }
        let zero_pages = Env::from_pairs([("AUCTION_API_PAGE_SIZE", "0")]);
        assert!(AuctionApiConfig::from_env(&zero_pages).is_err());
    }
}
