//! What the account entry points are configured with. Core's `Settings`
//! holds one and the use cases get it as an argument: `accounts` reads no
//! settings of its own (and `settings` depends on `accounts`, not back).

use crate::accounts::limits::AbuseLimits;
use crate::accounts::passwords::HashingBound;
use platform::config::{ConfigError, Env};

#[derive(Debug, Clone)]
pub struct Policy {
    /// Failed sign-ins within the window before a phone number is locked.
    pub sign_in_max_failures: i32,
    pub sign_in_window_secs: i64,
    pub sign_in_lock_secs: i64,
    /// Whether sign-up needs a phone proof (`PHONE_VERIFICATION`, default optional).
    pub phone_verification: PhoneVerification,
    /// Per-client and global limits of sign-up, sign-in, verification SMS
    /// and password reset (`SIGN_UP_LIMIT_PER_IP` and friends).
    pub limits: AbuseLimits,
    /// How many password hashes run at once and may wait
    /// (`PASSWORD_HASH_CONCURRENCY`, `PASSWORD_HASH_QUEUE`).
    pub password_hashing: HashingBound,
}

impl Policy {
    pub fn from_env(env: &Env) -> Result<Self, ConfigError> {
        Ok(Policy {
            sign_in_max_failures: env.parse("SIGN_IN_MAX_FAILURES", 5)?,
            sign_in_window_secs: env.parse("SIGN_IN_WINDOW_SECS", 15 * 60)?,
            sign_in_lock_secs: env.parse("SIGN_IN_LOCK_SECS", 15 * 60)?,
            phone_verification: PhoneVerification::from_env(env)?,
            limits: AbuseLimits::from_env(env)?,
            password_hashing: HashingBound::from_env(env)?,
        })
    }
}

/// Whether sign-up needs a phone proof (`PHONE_VERIFICATION`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneVerification {
    /// Every sign-up presents a proof of its phone number.
    Required,
    /// A proof is checked when given; the original client, which knows no
    /// proofs, keeps signing up without one.
    Optional,
}

impl PhoneVerification {
    pub fn from_env(env: &Env) -> Result<Self, ConfigError> {
        match env.string("PHONE_VERIFICATION", "optional").trim() {
            "required" => Ok(PhoneVerification::Required),
            "optional" => Ok(PhoneVerification::Optional),
            other => Err(ConfigError::Invalid {
                name: "PHONE_VERIFICATION",
                reason: format!("expected required or optional, got `{other}`"),
            }),
        }
    }
}
