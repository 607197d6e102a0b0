//! Notifications to deliver after a transaction commits. A mutation inserts
//! its SMS request here in the same transaction as its change, so a messaging
//! outage can delay a notification but never lose it; the idempotency key makes
//! redelivery send at most once.

use crate::schema::notification_outbox;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

#[derive(Debug, Clone, Queryable, Selectable)]
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
