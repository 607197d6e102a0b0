//! Notifications to deliver after a transaction commits. A mutation inserts
//! its SMS request here in the same transaction as its change, so a messaging
//! outage can delay a notification but never lose it; the idempotency key makes
//! redelivery send at most once.

use crate::schema::notification_outbox;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = notification_outbox)]
pub struct OutboxRow {
    pub id: i64,
    pub template: String,
    pub recipient: String,
    pub args: serde_json::Value,
    pub idempotency_key: uuid::Uuid,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    /// Attempts the provider refused (see the migration `outbox_refusals`).
    pub refusals: i32,
}

pub async fn enqueue(
    conn: &mut AsyncPgConnection,
    template: &str,
    recipient: &str,
    args: &[String],
) -> QueryResult<OutboxRow> {
    diesel::insert_into(notification_outbox::table)
        .values((
            notification_outbox::template.eq(template),
            notification_outbox::recipient.eq(recipient),
            notification_outbox::args.eq(serde_json::json!(args)),
            notification_outbox::idempotency_key.eq(uuid::Uuid::new_v4()),
        ))
        .returning(OutboxRow::as_returning())
        .get_result(conn)
        .await
}

/// Queues a notification unless one with this key is already queued: the
/// same event reported twice (a retried request) is delivered once.
pub async fn enqueue_once(
    conn: &mut AsyncPgConnection,
    template: &str,
    recipient: &str,
    args: &[String],
    key: uuid::Uuid,
) -> QueryResult<usize> {
    diesel::insert_into(notification_outbox::table)
        .values((
            notification_outbox::template.eq(template),
            notification_outbox::recipient.eq(recipient),
            notification_outbox::args.eq(serde_json::json!(args)),
            notification_outbox::idempotency_key.eq(key),
        ))
        .on_conflict(notification_outbox::idempotency_key)
        .do_nothing()
        .execute(conn)
        .await
}

/// Claims up to `limit` due notifications for delivery by leasing them for
/// `lease_secs` (their next attempt moves past the lease). No lock is held
/// while the caller talks to the messaging service, and a worker that dies
/// mid-delivery only delays the row until the lease ends; rows claimed by
/// another worker are skipped, so two workers never deliver one concurrently.
pub async fn claim_due(
    conn: &mut AsyncPgConnection,
    limit: i64,
    lease_secs: i64,
) -> QueryResult<Vec<OutboxRow>> {
    crate::statement::prepared(
        "UPDATE notification_outbox SET next_attempt_at = now() + make_interval(secs => $2) \
         WHERE id IN (SELECT id FROM notification_outbox \
                      WHERE status = 'PENDING' AND next_attempt_at <= now() \
                      ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED) \
         RETURNING id, template, recipient, args, idempotency_key, status, attempts, next_attempt_at, last_error, refusals",
    )
    .bind::<diesel::sql_types::BigInt, _>(limit)
    .bind::<diesel::sql_types::Double, _>(lease_secs as f64)
    .load(conn)
    .await
}

pub async fn mark_sent(conn: &mut AsyncPgConnection, id: i64, sms_log_id: i64) -> QueryResult<()> {
    diesel::update(notification_outbox::table.filter(notification_outbox::id.eq(id)))
        .set((
            notification_outbox::status.eq("SENT"),
            notification_outbox::sms_log_id.eq(sms_log_id),
            notification_outbox::attempts.eq(notification_outbox::attempts + 1),
            notification_outbox::last_error.eq(None::<String>),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// How an attempt that did not deliver ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Miss {
    /// No answer (timeout, messaging down): the send may have happened.
    Unanswered,
    /// Messaging answered that the provider refused: nothing was sent.
    Refused,
}

/// Records an attempt that did not deliver: retried at `retry_at`, or given
/// up (`FAILED`, kept with its last error) when `retry_at` is None.
pub async fn mark_failed(
    conn: &mut AsyncPgConnection,
    id: i64,
    miss: Miss,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
) -> QueryResult<()> {
    let refused = i32::from(miss == Miss::Refused);
    let status = if retry_at.is_some() {
        "PENDING"
    } else {
        "FAILED"
    };
    diesel::update(notification_outbox::table.filter(notification_outbox::id.eq(id)))
        .set((
            notification_outbox::attempts.eq(notification_outbox::attempts + 1),
            notification_outbox::refusals.eq(notification_outbox::refusals + refused),
            notification_outbox::last_error.eq(error),
            notification_outbox::status.eq(status),
            notification_outbox::next_attempt_at.eq(retry_at.unwrap_or_else(Utc::now)),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Pending notifications that are due, oldest first.
pub async fn due(
    conn: &mut AsyncPgConnection,
    now: DateTime<Utc>,
    limit: i64,
) -> QueryResult<Vec<OutboxRow>> {
    notification_outbox::table
        .filter(notification_outbox::status.eq("PENDING"))
        .filter(notification_outbox::next_attempt_at.le(now))
        .order(notification_outbox::id.asc())
        .limit(limit)
        .select(OutboxRow::as_select())
        .load(conn)
        .await
}

pub async fn all(conn: &mut AsyncPgConnection) -> QueryResult<Vec<OutboxRow>> {
    notification_outbox::table
        .order(notification_outbox::id.asc())
        .select(OutboxRow::as_select())
        .load(conn)
        .await
}
