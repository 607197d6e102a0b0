//! The scheduler's run log: one `flower_batch_process_logs` row per (run,
//! category), inserted as RUNNING when the run starts and finished as
//! SUCCESS/FAILURE together with its `flower_batch_upload_logs` row (the fetch
//! statistics). Callers write these outside the ingest transaction, so a failed
//! run still leaves its FAILURE row and a crashed one stays visibly RUNNING.

use crate::schema::{flower_batch_process_logs as process, flower_batch_upload_logs as upload};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

pub const RUNNING: &str = "RUNNING";
pub const SUCCESS: &str = "SUCCESS";
pub const FAILURE: &str = "FAILURE";

/// Inserts the RUNNING row of one category of a run.
pub async fn start(
    conn: &mut AsyncPgConnection,
    base_date: NaiveDate,
    flower_gubn: i16,
) -> QueryResult<i64> {
    diesel::insert_into(process::table)
        .values((
            process::status.eq(RUNNING),
            process::base_date.eq(base_date),
            process::flower_gubn.eq(flower_gubn),
        ))
        .returning(process::id)
        .get_result(conn)
        .await
}

/// The outcome of one category of a run.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub succeeded: bool,
    /// The run's error for FAILURE; rejected-row reasons go to the upload log.
    pub error: String,
    pub pages: i32,
    pub rows_fetched: i64,
    pub rows_rejected: i64,
    pub rejection_log: String,
    pub new_flower_count: i64,
    pub new_flower_type_count: i64,
    pub affected_flower_count: i64,
    pub bidding_dates_added: i64,
    pub duration_ms: i64,
}

/// Writes the upload log and finishes the process log row (one transaction).
pub async fn finish(
    conn: &mut AsyncPgConnection,
    process_log_id: i64,
    base_date: NaiveDate,
    flower_gubn: i16,
    outcome: &Outcome,
) -> QueryResult<()> {
    use diesel_async::AsyncConnection;
    conn.transaction(async |conn| {
        let upload_id: i64 = diesel::insert_into(upload::table)
            .values((
                upload::success.eq(outcome.rows_fetched - outcome.rows_rejected),
                upload::failure.eq(outcome.rows_rejected),
                upload::total.eq(outcome.rows_fetched),
                upload::err_logs.eq(&outcome.rejection_log),
                upload::base_date.eq(base_date),
                upload::flower_gubn.eq(flower_gubn),
            ))
            .returning(upload::id)
            .get_result(conn)
            .await?;
        diesel::update(process::table.find(process_log_id))
            .set((
                process::status.eq(if outcome.succeeded { SUCCESS } else { FAILURE }),
                process::err_logs.eq(&outcome.error),
                process::pages.eq(outcome.pages),
                process::rows_fetched.eq(outcome.rows_fetched),
                process::rows_rejected.eq(outcome.rows_rejected),
                process::new_flower_count.eq(outcome.new_flower_count),
                process::new_flower_type_count.eq(outcome.new_flower_type_count),
                process::affected_flower_count.eq(outcome.affected_flower_count),
                process::bidding_dates_added.eq(outcome.bidding_dates_added),
                process::duration_ms.eq(outcome.duration_ms),
                process::finished_at.eq(diesel::dsl::now),
                process::upload_log_id.eq(upload_id),
            ))
            .execute(conn)
            .await?;
        Ok(())
    })
    .await
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = process)]
pub struct RunRow {
    pub id: i64,
    pub status: String,
    pub base_date: Option<NaiveDate>,
    pub flower_gubn: Option<i16>,
    pub pages: i32,
    pub rows_fetched: i64,
    pub rows_rejected: i64,
    pub new_flower_count: i64,
    pub new_flower_type_count: i64,
    pub affected_flower_count: i64,
    pub bidding_dates_added: i64,
    pub duration_ms: i64,
    pub err_logs: String,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub upload_log_id: Option<i64>,
}

/// The most recent runs (live rows), newest first.
pub async fn recent(conn: &mut AsyncPgConnection, limit: i64) -> QueryResult<Vec<RunRow>> {
    process::table
        .filter(process::deleted_at.is_null())
        .order(process::id.desc())
        .limit(limit)
        .select(RunRow::as_select())
        .load(conn)
        .await
}
