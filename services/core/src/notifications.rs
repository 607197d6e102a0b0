//! Delivers the SMS queued in `notification_outbox` to the messaging service
//! after the transactions that queued them committed. A messaging outage only
//! delays delivery (retries with backoff, forever for retryable failures); the
//! row's idempotency key makes a redelivery after a lost answer send nothing new.

use chrono::Utc;
use db::DbPool;
use db::outbox::OutboxRow;
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

pub fn backoff_secs(attempts: i32) -> i64 {
    let exponent = u32::try_from(attempts.clamp(0, 16)).unwrap_or(16);
    2_i64.saturating_pow(exponent).min(MAX_BACKOFF_SECS)
}

fn args_of(row: &OutboxRow) -> Vec<String> {
    row.args
        .as_array()
        .map(|values| {
            values
                .iter()
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

async fn deliver(
    pool: &DbPool,
    messaging: &MessagingClient,
    row: OutboxRow,
) -> Result<(), db::DbError> {
    let request = SendSms {
        to: row.recipient.clone(),
        template: row.template.clone(),
        args: args_of(&row),
    };
    let outcome = messaging
        .send(&request, &row.idempotency_key.to_string())
        .await;
    let mut conn = pool.get().await?;
    match outcome {
        Ok(log) => db::outbox::mark_sent(&mut conn, row.id, log.id).await?,
        Err(e) if e.is_retryable() => {
            let retry_at = Utc::now() + chrono::Duration::seconds(backoff_secs(row.attempts + 1));
            tracing::warn!(outbox_id = row.id, template = %row.template, error = %e, "SMS delivery postponed");
            db::outbox::mark_failed(&mut conn, row.id, &e.to_string(), Some(retry_at)).await?
        }
        Err(e) => {
            tracing::error!(outbox_id = row.id, template = %row.template, error = %e, "SMS refused by messaging");
            db::outbox::mark_failed(&mut conn, row.id, &e.to_string(), None).await?
        }
    }
    Ok(())
}

/// One round: claims what is due and delivers it. Returns how many were due.
pub async fn deliver_due(pool: &DbPool, messaging: &MessagingClient) -> Result<usize, db::DbError> {
    let rows = {
        let mut conn = pool.get().await?;
        db::outbox::claim_due(&mut conn, BATCH, LEASE_SECS).await?
    };
    let due = rows.len();
    for row in rows {
        deliver(pool, messaging, row).await?;
    }
    Ok(due)
}

pub fn spawn_worker(pool: DbPool, messaging: MessagingClient, wakeup: Wakeup, poll: Duration) {
    tokio::spawn(async move {
        loop {
            match deliver_due(&pool, &messaging).await {
                Ok(n) if n as i64 == BATCH => continue,
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "outbox round failed"),
            }
            tokio::select! {
                () = wakeup.0.notified() => {}
                () = tokio::time::sleep(poll) => {}
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
