//! Abuse limits on the anonymous entry points that cost us something: a
//! sign-up or sign-in costs a password hash (CPU and memory), a verification
//! SMS costs money, a password reset both. Each is limited per client address
//! and over everyone at once; the counts live in PostgreSQL
//! (`db::rate_limits`), so every replica of core shares them.
//!
//! Checked before any other work of the operation, so a refused request costs
//! one upsert per limit and nothing else.

use crate::app::{Error, Result};
use chrono::{TimeDelta, Utc};
use db::DbPool;
use db::rate_limits::{EVERYONE, Limit, Verdict};
use domain::ErrorCode;
use platform::config::{ConfigError, Env};
use std::sync::atomic::{AtomicI64, Ordering};

/// One operation's limits: at most `per_client` calls from one address and
/// `everyone` calls in all, in each `window`. A maximum of 0 turns that limit off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationLimit {
    pub per_client: u32,
    pub everyone: u32,
    pub window: TimeDelta,
}

/// The operations limited here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limited {
    SignUp,
    SignIn,
    VerificationSms,
    PasswordReset,
}

impl Limited {
    /// (per-client scope, everyone scope) in `rate_limit_windows`.
    fn scopes(self) -> (&'static str, &'static str) {
        match self {
            Limited::SignUp => ("core.sign_up.ip", "core.sign_up.all"),
            Limited::SignIn => ("core.sign_in.ip", "core.sign_in.all"),
            Limited::VerificationSms => ("core.verification_sms.ip", "core.verification_sms.all"),
            Limited::PasswordReset => ("core.reset_password.ip", "core.reset_password.all"),
        }
    }

    fn plural(self) -> &'static str {
        match self {
            Limited::SignUp => "sign-ups",
            Limited::SignIn => "sign-in attempts",
            Limited::VerificationSms => "verification messages",
            Limited::PasswordReset => "password resets",
        }
    }
}

/// Every limit, from the environment (see the README's table of limits).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AbuseLimits {
    pub sign_up: OperationLimit,
    pub sign_in: OperationLimit,
    pub verification_sms: OperationLimit,
    pub password_reset: OperationLimit,
}

impl AbuseLimits {
    pub fn from_env(env: &Env) -> Result<Self, ConfigError> {
        Ok(AbuseLimits {
            sign_up: operation(
                env,
                [
                    "SIGN_UP_LIMIT_PER_IP",
                    "SIGN_UP_LIMIT_ALL",
                    "SIGN_UP_LIMIT_WINDOW_SECS",
                ],
                (10, 200, 3600),
            )?,
            sign_in: operation(
                env,
                [
                    "SIGN_IN_LIMIT_PER_IP",
                    "SIGN_IN_LIMIT_ALL",
                    "SIGN_IN_LIMIT_WINDOW_SECS",
                ],
                (60, 1200, 600),
            )?,
            verification_sms: operation(
                env,
                [
                    "VERIFICATION_SMS_LIMIT_PER_IP",
                    "VERIFICATION_SMS_LIMIT_ALL",
                    "VERIFICATION_SMS_LIMIT_WINDOW_SECS",
                ],
                (10, 200, 3600),
            )?,
            password_reset: operation(
                env,
                [
                    "RESET_PASSWORD_LIMIT_PER_IP",
                    "RESET_PASSWORD_LIMIT_ALL",
                    "RESET_PASSWORD_LIMIT_WINDOW_SECS",
                ],
                (10, 100, 3600),
            )?,
        })
    }

    fn of(&self, op: Limited) -> OperationLimit {
        match op {
            Limited::SignUp => self.sign_up,
            Limited::SignIn => self.sign_in,
            Limited::VerificationSms => self.verification_sms,
            Limited::PasswordReset => self.password_reset,
        }
    }
}

fn operation(
    env: &Env,
    [per_client, everyone, window]: [&'static str; 3],
    defaults: (u32, u32, i64),
) -> Result<OperationLimit, ConfigError> {
    let secs: i64 = env.parse(window, defaults.2)?;
    if !(1..=86_400).contains(&secs) {
        return Err(ConfigError::Invalid {
            name: window,
            reason: format!("expected 1 to 86400 seconds, got {secs}"),
        });
    }
    Ok(OperationLimit {
        per_client: env.parse(per_client, defaults.0)?,
        everyone: env.parse(everyone, defaults.1)?,
        window: TimeDelta::seconds(secs),
    })
}

/// Counts one call of `op` from the caller's address and from everyone, and
/// refuses it with `TOO_MANY_ATTEMPTS` (saying when to retry) past either limit.
pub async fn check(
    pool: &DbPool,
    limits: &AbuseLimits,
    client_ip: Option<&str>,
    op: Limited,
) -> Result<()> {
    let limit = limits.of(op);
    let (client_scope, everyone_scope) = op.scopes();
    let now = Utc::now();
    let mut conn = crate::app::conn(pool).await?;
    // Requests whose address is unknown share one count rather than none.
    let client = client_ip.unwrap_or("unknown");
    let counted = [
        (client_scope, limit.per_client, client, "from your network"),
        (everyone_scope, limit.everyone, EVERYONE, "right now"),
    ];
    for (scope, max, subject, whose) in counted {
        if max == 0 {
            continue;
        }
        let rule = Limit {
            scope,
            max,
            window: limit.window,
        };
        if let Verdict::Refused { retry_after_secs } = rule.hit(&mut conn, subject, now).await? {
            tracing::warn!(scope, "abuse limit reached");
            return Err(Error::with_message(
                ErrorCode::TooManyAttempts,
                format!(
                    "Too many {} {whose}. Please try again in {retry_after_secs} seconds.",
                    op.plural()
                ),
            ));
        }
    }
    prune_now_and_then(&mut conn, now).await;
    Ok(())
}

/// When this process last pruned old windows (unix seconds).
static LAST_PRUNE: AtomicI64 = AtomicI64::new(0);

/// Drops windows that ended more than a day ago (the longest window is a
/// day), at most once an hour per process: the table stays about a day long.
async fn prune_now_and_then(
    conn: &mut diesel_async::AsyncPgConnection,
    now: chrono::DateTime<Utc>,
) {
    let last = LAST_PRUNE.load(Ordering::Relaxed);
    let due = now.timestamp() - last >= 3600;
    if due
        && LAST_PRUNE
            .compare_exchange(last, now.timestamp(), Ordering::Relaxed, Ordering::Relaxed)
            .is_ok()
        && let Err(e) = db::rate_limits::prune(conn, now - TimeDelta::days(2)).await
    {
        tracing::warn!(error = %e, "pruning rate-limit windows failed");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_overrides() {
        let limits = AbuseLimits::from_env(&Env::from_pairs([
            ("SIGN_UP_LIMIT_PER_IP", "3"),
            ("SIGN_IN_LIMIT_WINDOW_SECS", "60"),
        ]))
        .expect("valid");
        assert_eq!(limits.sign_up.per_client, 3);
        assert_eq!(limits.sign_up.everyone, 200);
        assert_eq!(limits.sign_in.window, TimeDelta::seconds(60));
        assert_eq!(limits.password_reset.everyone, 100);
        assert!(
            AbuseLimits::from_env(&Env::from_pairs([("SIGN_UP_LIMIT_WINDOW_SECS", "0")])).is_err()
        );
        assert!(AbuseLimits::from_env(&Env::from_pairs([("SIGN_UP_LIMIT_ALL", "-1")])).is_err());
    }
}
