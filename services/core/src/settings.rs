//! Core's own settings beyond the common ones.

use platform::config::{ConfigError, Env};

#[derive(Debug, Clone)]
pub struct Settings {
    /// Base of the links sent in SMS (`<base>/retail/signin?...`). The original
    /// sent a broken `$marketbill.co.kr/...`; we send a real URL.
    pub app_base_url: String,
    /// Sign-up, sign-in and recovery: throttles, limits, phone proofs and
    /// password hashing (see `accounts::policy`).
    pub accounts: crate::accounts::policy::Policy,
    /// KST time of the nightly cart → order batch; None = off (`ORDER_BATCH_AT=off`).
    pub order_batch_at: Option<chrono::NaiveTime>,
    /// How often the SMS outbox is polled when nothing wakes it.
    pub outbox_poll: std::time::Duration,
    /// Attempts before a notification is given up as FAILED (`OUTBOX_MAX_ATTEMPTS`).
    pub outbox_max_attempts: i32,
    pub receipt_timeout: std::time::Duration,
    pub messaging_timeout: std::time::Duration,
    /// Take the client address from the last `X-Forwarded-For` entry (only
    /// behind our own proxy, which appends it); otherwise the TCP peer.
    pub trust_forwarded_for: bool,
    /// Whether list views are answered by their read models (`READ_MODELS`,
    /// default on; off answers them from the resolvers, see `graphql::read_model`).
    pub read_models: bool,
    /// How often a live board's grant is checked again (`LIVE_RECHECK_SECS`).
    pub live_recheck: std::time::Duration,
}

impl Settings {
    pub fn from_env(env: &Env) -> Result<Self, ConfigError> {
        Ok(Settings {
            app_base_url: env
                .string("APP_BASE_URL", "https://marketbill.co.kr")
                .trim_end_matches('/')
                .to_owned(),
            accounts: crate::accounts::policy::Policy::from_env(env)?,
            order_batch_at: batch_time(&env.string("ORDER_BATCH_AT", "22:00"))?,
            outbox_poll: std::time::Duration::from_millis(env.parse("OUTBOX_POLL_MS", 1000)?),
            outbox_max_attempts: env.parse("OUTBOX_MAX_ATTEMPTS", 12)?,
            receipt_timeout: std::time::Duration::from_secs(env.parse("RECEIPT_TIMEOUT_SECS", 60)?),
            messaging_timeout: std::time::Duration::from_secs(
                env.parse("MESSAGING_TIMEOUT_SECS", 10)?,
            ),
            trust_forwarded_for: env.flag("TRUST_FORWARDED_FOR", false)?,
            read_models: env.flag("READ_MODELS", true)?,
            live_recheck: std::time::Duration::from_secs(
                env.parse::<u64>("LIVE_RECHECK_SECS", 30)?.max(1),
            ),
        })
    }
}

fn batch_time(value: &str) -> Result<Option<chrono::NaiveTime>, ConfigError> {
    if value.eq_ignore_ascii_case("off") {
        return Ok(None);
    }
    chrono::NaiveTime::parse_from_str(value, "%H:%M")
        .map(Some)
        .map_err(|_| ConfigError::Invalid {
            name: "ORDER_BATCH_AT",
            reason: format!("expected HH:MM (KST) or off, got {value:?}"),
        })
}
