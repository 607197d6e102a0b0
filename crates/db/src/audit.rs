//! The audit timeline (`audit_events`): who changed an order sheet, its lines,
//! prices, custom lines and statements, or a trading-partner link, when, and
//! what the changed fields were before and after.
//!
//! Every writer calls [`record`] (or [`record_all`] for many rows of one
//! change) inside its own transaction: an event commits with its change or
//! not at all. The table is append-only; the database refuses to change or
//! remove an event.

use crate::statement::prepared;
use chrono::{DateTime, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{Array, BigInt, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::{Map, Value};

/// What changed. The stored names are the API's enum values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Subject {
    OrderSheet,
    OrderItem,
    CustomOrderItem,
    Receipt,
    BizConnection,
    /// A florist's request to change a sheet after its cut-off.
    ChangeRequest,
}

impl Subject {
    pub const ALL: [Subject; 6] = [
        Subject::OrderSheet,
        Subject::OrderItem,
        Subject::CustomOrderItem,
        Subject::Receipt,
        Subject::BizConnection,
        Subject::ChangeRequest,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Subject::OrderSheet => "ORDER_SHEET",
            Subject::OrderItem => "ORDER_ITEM",
            Subject::CustomOrderItem => "CUSTOM_ORDER_ITEM",
            Subject::Receipt => "RECEIPT",
            Subject::BizConnection => "BIZ_CONNECTION",
            Subject::ChangeRequest => "CHANGE_REQUEST",
        }
    }

    pub fn parse(s: &str) -> Option<Subject> {
        Subject::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// How it changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// A sheet ordered from a cart (by its florist or the nightly batch).
    Placed,
    Deleted,
    /// An order line's unit price set or changed (one by one or in bulk).
    Priced,
    /// A custom line written for the first time.
    Added,
    /// A custom line's fields changed.
    Updated,
    /// A statement issued for the sheet.
    Issued,
    /// A florist applied to a wholesaler.
    Applied,
    Confirmed,
    Rejected,
    /// A link removed with one of its accounts.
    Removed,
    /// A sheet cancelled by its florist before the cut-off.
    Cancelled,
    /// A change request filed by the florist.
    Requested,
    /// A change request accepted (and applied) by the wholesaler.
    Accepted,
    /// A change request declined by the wholesaler.
    Declined,
}

impl Action {
    pub const ALL: [Action; 14] = [
        Action::Placed,
        Action::Deleted,
        Action::Priced,
        Action::Added,
        Action::Updated,
        Action::Issued,
        Action::Applied,
        Action::Confirmed,
        Action::Rejected,
        Action::Removed,
        Action::Cancelled,
        Action::Requested,
        Action::Accepted,
        Action::Declined,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Placed => "PLACED",
            Action::Deleted => "DELETED",
            Action::Priced => "PRICED",
            Action::Added => "ADDED",
            Action::Updated => "UPDATED",
            Action::Issued => "ISSUED",
            Action::Applied => "APPLIED",
            Action::Confirmed => "CONFIRMED",
            Action::Rejected => "REJECTED",
            Action::Removed => "REMOVED",
            Action::Cancelled => "CANCELLED",
            Action::Requested => "REQUESTED",
            Action::Accepted => "ACCEPTED",
            Action::Declined => "DECLINED",
        }
    }

    pub fn parse(s: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// One change to record. `before` and `after` carry only the fields that
/// changed (see [`changed`]), named as the API names them, and never phone
/// numbers, tokens or message bodies.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    pub wholesaler_id: i64,
    pub retailer_id: i64,
    /// The sheet whose history shows it (None: a trading-partner link).
    pub order_sheet_id: Option<i64>,
    pub subject: Subject,
    pub subject_id: i64,
    pub action: Action,
    /// None: the system (the nightly batch, a service acting on its own).
    pub actor_id: Option<i64>,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// The fields of `fields` (name, before, after) whose values differ, as the
/// `before` and `after` objects; None when nothing changed (no event then).
pub fn changed(fields: Vec<(&str, Value, Value)>) -> Option<(Value, Value)> {
    let mut before = Map::new();
    let mut after = Map::new();
    for (name, old, new) in fields {
        if old != new {
            before.insert(name.to_owned(), old);
            after.insert(name.to_owned(), new);
        }
    }
    (!after.is_empty()).then_some((Value::Object(before), Value::Object(after)))
}

/// Appends one event, in the caller's transaction.
pub async fn record(conn: &mut AsyncPgConnection, event: &NewEvent) -> diesel::QueryResult<()> {
    record_all(conn, std::slice::from_ref(event)).await
}

/// Appends the events of one change (a bulk price, a sheet's custom lines)
/// in one statement, in the caller's transaction.
pub async fn record_all(
    conn: &mut AsyncPgConnection,
    events: &[NewEvent],
) -> diesel::QueryResult<()> {
    if events.is_empty() {
        return Ok(());
    }
    let column = |f: fn(&NewEvent) -> i64| events.iter().map(f).collect::<Vec<i64>>();
    let optional = |f: fn(&NewEvent) -> Option<i64>| events.iter().map(f).collect::<Vec<_>>();
    let name = |f: fn(&NewEvent) -> &'static str| events.iter().map(f).collect::<Vec<_>>();
    let json = |f: fn(&NewEvent) -> &Option<Value>| {
        events
            .iter()
            .map(|e| f(e).as_ref().map(Value::to_string))
            .collect::<Vec<Option<String>>>()
    };
    prepared(
        "INSERT INTO audit_events (wholesaler_id, retailer_id, order_sheet_id, subject, subject_id, \
           action, actor_id, before, after) \
         SELECT w, r, s, subj, sid, act, actor, b::jsonb, a::jsonb \
         FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::bigint[], \
                     $6::text[], $7::bigint[], $8::text[], $9::text[]) \
           AS e(w, r, s, subj, sid, act, actor, b, a)",
    )
    .bind::<Array<BigInt>, _>(column(|e| e.wholesaler_id))
    .bind::<Array<BigInt>, _>(column(|e| e.retailer_id))
    .bind::<Array<Nullable<BigInt>>, _>(optional(|e| e.order_sheet_id))
    .bind::<Array<Text>, _>(name(|e| e.subject.as_str()))
    .bind::<Array<BigInt>, _>(column(|e| e.subject_id))
    .bind::<Array<Text>, _>(name(|e| e.action.as_str()))
    .bind::<Array<Nullable<BigInt>>, _>(optional(|e| e.actor_id))
    .bind::<Array<Nullable<Text>>, _>(json(|e| &e.before))
    .bind::<Array<Nullable<Text>>, _>(json(|e| &e.after))
    .execute(conn)
    .await?;
    Ok(())
}

/// A recorded event; `before` and `after` as JSON text.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct EventRow {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = BigInt)]
    pub wholesaler_id: i64,
    #[diesel(sql_type = BigInt)]
    pub retailer_id: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub order_sheet_id: Option<i64>,
    #[diesel(sql_type = Text)]
    pub subject: String,
    #[diesel(sql_type = BigInt)]
    pub subject_id: i64,
    #[diesel(sql_type = Text)]
    pub action: String,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub actor_id: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    pub before: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub after: Option<String>,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
}

const EVENT_COLUMNS: &str = "e.id, e.wholesaler_id, e.retailer_id, e.order_sheet_id, \
     e.subject::text AS subject, e.subject_id, e.action::text AS action, e.actor_id, \
     e.before::text AS before, e.after::text AS after, e.created_at";

fn direction(descending: bool) -> &'static str {
    if descending { "DESC" } else { "ASC" }
}

/// One page of history per sheet, every sheet in one statement (a page of
/// sheets asking for their history costs one statement).
pub async fn page_per_sheet(
    conn: &mut AsyncPgConnection,
    sheet_ids: &[i64],
    descending: bool,
    offset: i64,
    limit: i64,
) -> diesel::QueryResult<Vec<EventRow>> {
    let direction = direction(descending);
    prepared(format!(
        "SELECT id, wholesaler_id, retailer_id, order_sheet_id, subject, subject_id, action, \
           actor_id, before, after, created_at FROM ( \
           SELECT {EVENT_COLUMNS}, row_number() OVER ( \
             PARTITION BY e.order_sheet_id ORDER BY e.created_at {direction}, e.id {direction}) AS rn \
           FROM audit_events e WHERE e.order_sheet_id = ANY($1) \
         ) ranked WHERE rn > $2 AND rn <= $2 + $3 ORDER BY order_sheet_id, rn"
    ))
    .bind::<Array<BigInt>, _>(sheet_ids)
    .bind::<BigInt, _>(offset)
    .bind::<BigInt, _>(limit)
    .load(conn)
    .await
}

/// Which of a wholesaler's events a timeline shows: [from, to) and,
/// optionally, one florist's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimelineFilter {
    pub wholesaler_id: i64,
    pub retailer_id: Option<i64>,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

// The florist is spelled out per case (never `$2 IS NULL OR …`), as
// `orders::Party::filter` explains.
fn retailer_filter(filter: &TimelineFilter) -> &'static str {
    if filter.retailer_id.is_some() {
        "e.retailer_id = $2"
    } else {
        "$2::bigint IS NULL"
    }
}

/// A page of the wholesaler's timeline.
pub async fn timeline(
    conn: &mut AsyncPgConnection,
    filter: &TimelineFilter,
    descending: bool,
    offset: i64,
    limit: i64,
) -> diesel::QueryResult<Vec<EventRow>> {
    let direction = direction(descending);
    let retailer = retailer_filter(filter);
    prepared(format!(
        "SELECT {EVENT_COLUMNS} FROM audit_events e \
         WHERE e.wholesaler_id = $1 AND {retailer} AND e.created_at >= $3 AND e.created_at < $4 \
         ORDER BY e.created_at {direction}, e.id {direction} OFFSET $5 LIMIT $6"
    ))
    .bind::<BigInt, _>(filter.wholesaler_id)
    .bind::<Nullable<BigInt>, _>(filter.retailer_id)
    .bind::<Timestamptz, _>(filter.from)
    .bind::<Timestamptz, _>(filter.to)
    .bind::<BigInt, _>(offset)
    .bind::<BigInt, _>(limit)
    .load(conn)
    .await
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// How many events the timeline's filter matches.
pub async fn timeline_count(
    conn: &mut AsyncPgConnection,
    filter: &TimelineFilter,
) -> diesel::QueryResult<i64> {
    let retailer = retailer_filter(filter);
    let row: Count = prepared(format!(
        "SELECT count(*)::int8 AS n FROM audit_events e \
         WHERE e.wholesaler_id = $1 AND {retailer} AND e.created_at >= $3 AND e.created_at < $4"
    ))
    .bind::<BigInt, _>(filter.wholesaler_id)
    .bind::<Nullable<BigInt>, _>(filter.retailer_id)
    .bind::<Timestamptz, _>(filter.from)
    .bind::<Timestamptz, _>(filter.to)
    .get_result(conn)
    .await?;
    Ok(row.n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_changed_fields_are_kept() {
        let (before, after) = changed(vec![
            ("price", json!(100), json!(200)),
            ("quantity", json!(3), json!(3)),
        ])
        .expect("a change");
        assert_eq!(before, json!({"price": 100}));
        assert_eq!(after, json!({"price": 200}));
        assert!(changed(vec![("price", json!(1), json!(1))]).is_none());
    }

    #[test]
    fn names_round_trip() {
        for s in Subject::ALL {
            assert_eq!(Subject::parse(s.as_str()), Some(s));
        }
        for a in Action::ALL {
            assert_eq!(Action::parse(a.as_str()), Some(a));
        }
    }
}
