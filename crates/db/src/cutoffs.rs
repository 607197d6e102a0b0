//! Wholesalers' order cut-offs (`order_cutoffs`) and florists' change
//! requests after them (`order_change_requests`).

use crate::statement::prepared;
use chrono::{DateTime, Utc};
use diesel::sql_types::{Array, BigInt, Bool, Jsonb, Nullable, SmallInt, Text, Timestamptz};
use diesel::{OptionalExtension, QueryableByName};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct CutoffRow {
    #[diesel(sql_type = BigInt)]
    pub wholesaler_id: i64,
    #[diesel(sql_type = Array<SmallInt>)]
    pub cutoff_minutes: Vec<i16>,
    #[diesel(sql_type = Bool)]
    pub edit_after_cutoff: bool,
}

/// The stored schedules of these wholesalers (absent: the default).
pub async fn of_wholesalers(
    conn: &mut AsyncPgConnection,
    ids: &[i64],
) -> diesel::QueryResult<Vec<CutoffRow>> {
    prepared(
        "SELECT wholesaler_id, cutoff_minutes, edit_after_cutoff FROM order_cutoffs \
         WHERE wholesaler_id = ANY($1)",
    )
    .bind::<Array<BigInt>, _>(ids)
    .load(conn)
    .await
}

pub async fn save(
    conn: &mut AsyncPgConnection,
    wholesaler_id: i64,
    minutes: &[i16],
    edit_after_cutoff: bool,
    by: i64,
) -> diesel::QueryResult<CutoffRow> {
    prepared(
        "INSERT INTO order_cutoffs (wholesaler_id, cutoff_minutes, edit_after_cutoff, updated_by) \
         VALUES ($1, $2, $3, $4) \
         ON CONFLICT (wholesaler_id) DO UPDATE SET cutoff_minutes = EXCLUDED.cutoff_minutes, \
           edit_after_cutoff = EXCLUDED.edit_after_cutoff, updated_by = EXCLUDED.updated_by \
         RETURNING wholesaler_id, cutoff_minutes, edit_after_cutoff",
    )
    .bind::<BigInt, _>(wholesaler_id)
    .bind::<Array<SmallInt>, _>(minutes)
    .bind::<Bool, _>(edit_after_cutoff)
    .bind::<BigInt, _>(by)
    .get_result(conn)
    .await
}

#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct ChangeRequestRow {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = BigInt)]
    pub order_sheet_id: i64,
    #[diesel(sql_type = BigInt)]
    pub retailer_id: i64,
    #[diesel(sql_type = BigInt)]
    pub wholesaler_id: i64,
    #[diesel(sql_type = Jsonb)]
    pub changes: serde_json::Value,
    #[diesel(sql_type = Nullable<Text>)]
    pub message: Option<String>,
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub answer: Option<String>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub answered_by: Option<i64>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub answered_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
}

const REQUEST_COLUMNS: &str = "id, order_sheet_id, retailer_id, wholesaler_id, changes, message, \
     status, answer, answered_by, answered_at, created_at";

/// Files a request; a sheet with an open one refuses a second (unique
/// index), which the caller reports.
pub async fn insert_request(
    conn: &mut AsyncPgConnection,
    sheet_id: i64,
    retailer_id: i64,
    wholesaler_id: i64,
    changes: &serde_json::Value,
    message: Option<&str>,
) -> diesel::QueryResult<ChangeRequestRow> {
    prepared(format!(
        "INSERT INTO order_change_requests (order_sheet_id, retailer_id, wholesaler_id, changes, message) \
         VALUES ($1, $2, $3, $4, $5) RETURNING {REQUEST_COLUMNS}"
    ))
    .bind::<BigInt, _>(sheet_id)
    .bind::<BigInt, _>(retailer_id)
    .bind::<BigInt, _>(wholesaler_id)
    .bind::<Jsonb, _>(changes)
    .bind::<Nullable<Text>, _>(message)
    .get_result(conn)
    .await
}

/// A request locked for its answer.
pub async fn request_for_update(
    conn: &mut AsyncPgConnection,
    id: i64,
) -> diesel::QueryResult<Option<ChangeRequestRow>> {
    prepared(format!(
        "SELECT {REQUEST_COLUMNS} FROM order_change_requests WHERE id = $1 FOR UPDATE"
    ))
    .bind::<BigInt, _>(id)
    .get_result(conn)
    .await
    .optional()
}

pub async fn answer_request(
    conn: &mut AsyncPgConnection,
    id: i64,
    accepted: bool,
    answer: Option<&str>,
    by: i64,
) -> diesel::QueryResult<ChangeRequestRow> {
    prepared(format!(
        "UPDATE order_change_requests SET status = CASE WHEN $2 THEN 'ACCEPTED' ELSE 'DECLINED' END, \
           answer = $3, answered_by = $4, answered_at = now() \
         WHERE id = $1 RETURNING {REQUEST_COLUMNS}"
    ))
    .bind::<BigInt, _>(id)
    .bind::<Bool, _>(accepted)
    .bind::<Nullable<Text>, _>(answer)
    .bind::<BigInt, _>(by)
    .get_result(conn)
    .await
}

/// Requests of these sheets, newest first (a sheet has few).
pub async fn requests_of_sheets(
    conn: &mut AsyncPgConnection,
    sheet_ids: &[i64],
) -> diesel::QueryResult<Vec<ChangeRequestRow>> {
    prepared(format!(
        "SELECT {REQUEST_COLUMNS} FROM order_change_requests WHERE order_sheet_id = ANY($1) \
         ORDER BY created_at DESC, id DESC"
    ))
    .bind::<Array<BigInt>, _>(sheet_ids)
    .load(conn)
    .await
}
