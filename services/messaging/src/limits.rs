//! The limits that protect SMS spend, counted in PostgreSQL
//! (`db::rate_limits`, fixed one-hour windows) so every replica shares them.
//!
//! Each kind of send has its own buckets, so one cannot use up another's:
//! `/v1/verifications` counts per phone, per client address and over all
//! clients; `/v1/sms` counts per template and recipient. Core's
//! `sendVerificationSms` goes through `/v1/sms`, so whoever calls it with a
//! stranger's number cannot lock that stranger out of `/v1/verifications`.
//!
//! Hits are made inside the transaction that writes the send, so a request
//! refused by a later check (or failing) leaves no count behind.

use crate::error::Error;
use crate::template::Template;
use chrono::{DateTime, TimeDelta, Utc};
use db::rate_limits::{Limit, Verdict};
use diesel_async::AsyncPgConnection;

pub const WINDOW: TimeDelta = TimeDelta::hours(1);

/// Windows older than this are deleted now and then: every limit here is
/// hourly, and two days leave room for other services' longer windows.
pub const KEEP_WINDOWS: TimeDelta = TimeDelta::days(2);

pub const VERIFICATION_PER_PHONE: &str = "messaging.verification.phone";
pub const VERIFICATION_PER_IP: &str = "messaging.verification.ip";
pub const VERIFICATION_TOTAL: &str = "messaging.verification.all";

/// The bucket of one template's sends to one recipient through `/v1/sms`.
pub fn template_scope(template: Template) -> &'static str {
    match template {
        Template::Default => "messaging.sms.Default.to",
        Template::Verification => "messaging.sms.Verification.to",
        Template::ApplyBizConnection => "messaging.sms.ApplyBizConnection.to",
        Template::ConfirmBizConnection => "messaging.sms.ConfirmBizConnection.to",
        Template::RejectBizConnection => "messaging.sms.RejectBizConnection.to",
        Template::IssueOrderSheetReceipt => "messaging.sms.IssueOrderSheetReceipt.to",
        Template::OrderPlaced => "messaging.sms.OrderPlaced.to",
        Template::OrderPriced => "messaging.sms.OrderPriced.to",
        Template::ChangeRequestAccepted => "messaging.sms.ChangeRequestAccepted.to",
        Template::ChangeRequestDeclined => "messaging.sms.ChangeRequestDeclined.to",
    }
}

/// Counts one hit of `subject` against `max` per hour; `message` tells a
/// refused client what was exhausted (never whom).
pub async fn hit(
    conn: &mut AsyncPgConnection,
    scope: &'static str,
    max: u32,
    subject: &str,
    now: DateTime<Utc>,
    message: &'static str,
) -> Result<(), Error> {
    let limit = Limit {
        scope,
        max,
        window: WINDOW,
    };
    match limit.hit(conn, subject, now).await? {
        Verdict::Allowed => Ok(()),
        Verdict::Refused { retry_after_secs } => {
            tracing::info!(limit = scope, "rate limit reached");
            Err(Error::RateLimited {
                retry_after: retry_after_secs,
                message,
            })
        }
    }
}

/// How often old windows are deleted.
const PRUNE_EVERY: std::time::Duration = std::time::Duration::from_secs(15 * 60);

/// Deletes old windows in the background for as long as the service runs
/// (every replica does it; deleting what another already deleted is free).
pub fn spawn_pruning(pool: db::DbPool) {
    actix_web::rt::spawn(async move {
        let mut ticks = tokio::time::interval(PRUNE_EVERY);
        loop {
            ticks.tick().await;
            let pruned = async {
                let mut conn = pool.get().await.map_err(db::DbError::from)?;
                db::rate_limits::prune(&mut conn, Utc::now() - KEEP_WINDOWS)
                    .await
                    .map_err(db::DbError::from)
            }
            .await;
            match pruned {
                Ok(rows) => tracing::debug!(rows, "old rate-limit windows deleted"),
                Err(e) => tracing::warn!(error = %e, "rate-limit windows not pruned"),
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_are_distinct_and_fit_their_column() {
        let mut scopes: Vec<&str> = Template::ALL.into_iter().map(template_scope).collect();
        scopes.extend([
            VERIFICATION_PER_PHONE,
            VERIFICATION_PER_IP,
            VERIFICATION_TOTAL,
        ]);
        let count = scopes.len();
        scopes.sort_unstable();
        scopes.dedup();
        assert_eq!(scopes.len(), count);
        assert!(scopes.iter().all(|s| s.len() <= 64));
    }
}
