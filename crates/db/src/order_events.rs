//! The live order board's events: a `pg_notify` on [`CHANNEL`] written inside
//! the transaction of the change it tells of. PostgreSQL delivers a
//! notification only when that transaction commits (and never for one that
//! rolls back), to every listening connection, so every core replica hears
//! every change whoever wrote it (core, the receipt service, the batch).
//!
//! The payload is small JSON of ids only, with no names, prices or memos:
//! it crosses every listener, and subscribers re-query what they show.
//! `{"kind":"PRICED","orderSheetId":1,"wholesalerId":2,"retailerId":3,
//!   "changeRequestId":null,"at":"2025-01-01T00:00:00.123456+00:00"}`

use diesel::QueryResult;
use diesel::sql_types::{Array, BigInt, Nullable, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

/// The notification channel every core instance listens on.
pub const CHANNEL: &str = "order_events";

/// What happened to an order sheet. The wire names are the GraphQL enum's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrderEventKind {
    Placed,
    Changed,
    Cancelled,
    Priced,
    ChangeRequested,
    ChangeRequestAnswered,
    StatementIssued,
}

impl OrderEventKind {
    pub const ALL: [OrderEventKind; 7] = [
        OrderEventKind::Placed,
        OrderEventKind::Changed,
        OrderEventKind::Cancelled,
        OrderEventKind::Priced,
        OrderEventKind::ChangeRequested,
        OrderEventKind::ChangeRequestAnswered,
        OrderEventKind::StatementIssued,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderEventKind::Placed => "PLACED",
            OrderEventKind::Changed => "CHANGED",
            OrderEventKind::Cancelled => "CANCELLED",
            OrderEventKind::Priced => "PRICED",
            OrderEventKind::ChangeRequested => "CHANGE_REQUESTED",
            OrderEventKind::ChangeRequestAnswered => "CHANGE_REQUEST_ANSWERED",
            OrderEventKind::StatementIssued => "STATEMENT_ISSUED",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// Notifies `kind` for each of `sheet_ids` (one notification per sheet; ids
/// that name no sheet notify nothing), reading each sheet's parties from its
/// row (a removed sheet keeps its row). Call it inside the change's
/// transaction: outside one, it is delivered at once, whatever follows.
pub async fn notify(
    conn: &mut AsyncPgConnection,
    kind: OrderEventKind,
    sheet_ids: &[i64],
    change_request_id: Option<i64>,
) -> QueryResult<()> {
    if sheet_ids.is_empty() {
        return Ok(());
    }
    // clock_timestamp: `now()` is the transaction's start, which may be
    // long before the change a subscriber is told about.
    crate::statement::prepared(
        "SELECT pg_notify('order_events', json_build_object( \
           'kind', $1::text, 'orderSheetId', s.id, 'wholesalerId', s.wholesaler_id, \
           'retailerId', s.retailer_id, 'changeRequestId', $3::int8, \
           'at', clock_timestamp())::text) \
         FROM order_sheets s WHERE s.id = ANY($2) ORDER BY s.id",
    )
    .bind::<Text, _>(kind.as_str())
    .bind::<Array<BigInt>, _>(sheet_ids)
    .bind::<Nullable<BigInt>, _>(change_request_id)
    .execute(conn)
    .await
    .map(drop)
}

/// A connection of its own that listens on [`CHANNEL`]: read its
/// notifications with `notifications_stream`. Not from the pool: it stays
/// open as long as the listener runs.
pub async fn listen(database_url: &str) -> diesel::ConnectionResult<AsyncPgConnection> {
    let mut conn = AsyncPgConnection::establish(database_url).await?;
    crate::statement::prepared("LISTEN order_events")
        .unprepared()
        .execute(&mut conn)
        .await
        .map_err(|e| diesel::ConnectionError::BadConnection(e.to_string()))?;
    Ok(conn)
}

/// Whether the listening connection still answers (an idle one may have
/// been dropped without a word).
pub async fn still_listening(conn: &mut AsyncPgConnection) -> QueryResult<()> {
    crate::statement::prepared("SELECT 1")
        .execute(conn)
        .await
        .map(drop)
}
