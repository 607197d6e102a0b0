//! The scheduler's writes: the aT auction feed into the catalogue
//! (`public_bidding_flowers`, `flower_types`, `flowers`, `bidding_flowers`),
//! its run logs, and wholesalers' own auction purchase lines.
//!
//! Every write is set-based: one statement per table for a whole batch, with
//! the rows passed as arrays and `unnest`ed, so a 3,000-row day is a handful of
//! round trips and no statement hits PostgreSQL's bind-parameter limit.

pub mod auction_results;
pub mod catalogue;
pub mod run_logs;

use diesel::sql_types::{BigInt, Bool};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

/// Namespace of the per-day sync lock (the two-integer advisory-lock key space,
/// which never collides with single-bigint keys used elsewhere).
const SYNC_LOCK_NAMESPACE: i32 = 727_274_301;

#[derive(diesel::QueryableByName)]
struct Locked {
    #[diesel(sql_type = Bool)]
    locked: bool,
}

/// Takes the sync lock of one auction day for the current transaction, without
/// waiting: `false` when another run of that day holds it. Released at commit
/// or rollback, so a crashed run can never leave it behind.
pub async fn try_lock_sync_day(
    conn: &mut AsyncPgConnection,
    yyyymmdd: i32,
) -> diesel::QueryResult<bool> {
    let row: Locked =
        crate::statement::prepared("SELECT pg_try_advisory_xact_lock($1, $2) AS locked")
            .bind::<diesel::sql_types::Integer, _>(SYNC_LOCK_NAMESPACE)
            .bind::<diesel::sql_types::Integer, _>(yyyymmdd)
            .get_result(conn)
            .await?;
    Ok(row.locked)
}

#[derive(diesel::QueryableByName)]
pub(crate) struct Count {
    #[diesel(sql_type = BigInt)]
    pub(crate) n: i64,
}
