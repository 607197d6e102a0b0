//! Delivers the SMS queued in `notification_outbox` to the messaging service
//! after the transactions that queued them committed. A messaging outage or a
//! provider refusal only delays delivery (retries with backoff, up to
//! `OUTBOX_MAX_ATTEMPTS`, then the row is FAILED with its last error). A row is
//! SENT only when messaging reports the provider accepted it.
//!
//! Idempotency: a redelivery after a lost answer reuses the row's key, so a
//! send that did happen is not repeated; after a refusal nothing was sent, so
//! the next attempt uses a new key (the key plus the refusal count), or
//! messaging would answer the recorded refusal again.

use chrono::Utc;
use db::DbPool;
use db::outbox::{Miss, OutboxRow};
use platform::api::messaging::{MessagingClient, SendSms};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

/// How many rows one round claims, and how long a claim lasts.
const BATCH: i64 = 50;
const LEASE_SECS: i64 = 60;
/// Longest wait between two attempts of one notification.
const MAX_BACKOFF_SECS: i64 = 300;

/// Wakes the worker at once (after a commit that queued something) instead of
/// at its next poll.
#[derive(Clone, Default)]
pub struct Wakeup(Arc<Notify>);

impl Wakeup {
    pub fn wake(&self) {
        self.0.notify_one();
    }
}

/// The sign-in link an SMS gives its recipient's group (`retail` /
/// `wholesale`), under `APP_BASE_URL`.
pub fn sign_in_url(app_base_url: &str, group: &str) -> String {
    format!(
        "{app_base_url}/{group}/signin?utm_source=marketbill&utm_medium={group}&utm_campaign=message"
    )
}

pub fn backoff_secs(attempts: i32) -> i64 {
    let exponent = u32::try_from(attempts.clamp(0, 16)).unwrap_or(16);
    2_i64.saturating_pow(exponent).min(MAX_BACKOFF_SECS)
}

/// An argument queued as `@link:<group>` becomes the group's sign-in link
/// at delivery: order alerts are queued deep in the ordering pipeline (also
/// by the batch and standing orders), which need not know `APP_BASE_URL`.
pub const LINK_PREFIX: &str = "@link:";

fn args_of(row: &OutboxRow, app_base_url: &str) -> Vec<String> {
    let args: Vec<String> = row
        .args
        .as_array()
        .map(|values| {
            values
                .iter()
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let last = args.len().saturating_sub(1);
    args.into_iter()
        .enumerate()
        .map(|(i, arg)| match arg.strip_prefix(LINK_PREFIX) {
            Some(group @ ("retail" | "wholesale")) if i == last => sign_in_url(app_base_url, group),
            _ => arg,
        })
        .collect()
}

/// How the worker paces itself.
#[derive(Debug, Clone, Copy)]
pub struct Pace {
    /// How often it looks for due rows when nothing wakes it.
    pub poll: Duration,
    /// Attempts before a notification is given up.
    pub max_attempts: i32,
}

/// The idempotency key of the row's next attempt (see the module comment).
pub fn delivery_key(row: &OutboxRow) -> String {
    match row.refusals {
        0 => row.idempotency_key.to_string(),
        n => format!("{}-retry-{n}", row.idempotency_key),
    }
}

/// When the attempt after `attempts` failed ones runs, or None to give up.
fn next_attempt(attempts: i32, pace: Pace) -> Option<chrono::DateTime<Utc>> {
    (attempts < pace.max_attempts)
        .then(|| Utc::now() + chrono::Duration::seconds(backoff_secs(attempts)))
}

async fn deliver(
    pool: &DbPool,
    messaging: &MessagingClient,
    row: OutboxRow,
    pace: Pace,
    app_base_url: &str,
) -> Result<(), db::DbError> {
    let request = SendSms {
        to: row.recipient.clone(),
        template: row.template.clone(),
        args: args_of(&row, app_base_url),
    };
    let outcome = messaging.send(&request, &delivery_key(&row)).await;
    let mut conn = pool.get().await?;
    let (miss, error, retry_at) = match outcome {
        Ok(log) if log.succeeded() => {
            platform::metrics::outbox_delivery("sent");
            return Ok(db::outbox::mark_sent(&mut conn, row.id, log.id).await?);
        }
        Ok(log) => {
            let code = log.error_code.as_deref().unwrap_or("unknown");
            let error = format!("provider refused (sms log {}, {code})", log.id);
            (Miss::Refused, error, next_attempt(row.attempts + 1, pace))
        }
        Err(e) if e.is_retryable() => (
            Miss::Unanswered,
            e.to_string(),
            next_attempt(row.attempts + 1, pace),
        ),
        // Messaging refused the request itself (a bad template or number):
        // asking again cannot help.
        Err(e) => (Miss::Refused, e.to_string(), None),
    };
    match retry_at {
        Some(_) => {
            platform::metrics::outbox_delivery("postponed");
            tracing::warn!(outbox_id = row.id, template = %row.template, %error, "SMS delivery postponed");
        }
        None => {
            platform::metrics::outbox_delivery("given_up");
            tracing::error!(outbox_id = row.id, template = %row.template, %error, "SMS delivery given up");
        }
    }
    db::outbox::mark_failed(&mut conn, row.id, miss, &error, retry_at).await?;
    Ok(())
}

/// One round: claims what is due and delivers it. Returns how many were due.
pub async fn deliver_due(
    pool: &DbPool,
    messaging: &MessagingClient,
    pace: Pace,
    app_base_url: &str,
) -> Result<usize, db::DbError> {
    let rows = {
        let mut conn = pool.get().await?;
        db::outbox::claim_due(&mut conn, BATCH, LEASE_SECS).await?
    };
    let due = rows.len();
    for row in rows {
        deliver(pool, messaging, row, pace, app_base_url).await?;
    }
    Ok(due)
}

/// The backlog for `/metrics`: PENDING notifications and the age of the
/// oldest, read at scrape time (so it is true whatever the worker is doing).
pub async fn sample_backlog(pool: DbPool) {
    use diesel::sql_types::{BigInt, Double};
    use diesel_async::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Backlog {
        #[diesel(sql_type = BigInt)]
        pending: i64,
        #[diesel(sql_type = Double)]
        oldest_age_secs: f64,
    }
    let read = async {
        let mut conn = pool.get().await.map_err(db::DbError::from)?;
        diesel::sql_query(
            "SELECT count(*) AS pending, \
             coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 AS oldest_age_secs \
             FROM notification_outbox WHERE status = 'PENDING'",
        )
        .get_result::<Backlog>(&mut conn)
        .await
        .map_err(db::DbError::from)
    };
    match read.await {
        Ok(b) => platform::metrics::outbox_backlog(b.pending, b.oldest_age_secs),
        Err(e) => tracing::warn!(error = %e, "metrics: cannot read the outbox backlog"),
    }
}

pub fn spawn_worker(
    pool: DbPool,
    messaging: MessagingClient,
    wakeup: Wakeup,
    pace: Pace,
    app_base_url: String,
) {
    tokio::spawn(async move {
        loop {
            match deliver_due(&pool, &messaging, pace, &app_base_url).await {
                Ok(n) if n as i64 == BATCH => continue,
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "outbox round failed"),
            }
            tokio::select! {
                () = wakeup.0.notified() => {}
                () = tokio::time::sleep(pace.poll) => {}
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::backoff_secs;

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(backoff_secs(1), 2);
        assert_eq!(backoff_secs(3), 8);
        assert_eq!(backoff_secs(40), 300);
    }
}
