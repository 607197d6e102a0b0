//! The nightly cart → order batch (22:00 KST): every open cart with a chosen
//! wholesaler is ordered through the same pipeline as `orderCartItems`, one
//! retailer per transaction, so one failure does not stop the others. A
//! Postgres advisory lock keeps it to one instance at a time; the log row is
//! written outside the orders' transactions so a failed run is still logged.

use crate::app::Error;
use crate::trading::ordering::place_order;
use chrono::{DateTime, NaiveTime, Utc};
use db::DbPool;
use db::batch_logs::BatchOutcome;
use diesel::sql_types::{BigInt, Bool};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use domain::ErrorCode;
use std::time::Duration;

/// Advisory lock key of the batch ("MBBATCH1" as ASCII bytes).
const BATCH_LOCK: i64 = 0x4D42_4241_5443_4831;

#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    #[error("another instance is running the batch")]
    AlreadyRunning,
    #[error("database: {0}")]
    Database(String),
}

impl From<diesel::result::Error> for BatchError {
    fn from(e: diesel::result::Error) -> Self {
        BatchError::Database(e.to_string())
    }
}

#[derive(diesel::QueryableByName)]
struct Locked {
    #[diesel(sql_type = Bool)]
    locked: bool,
}

async fn try_lock(conn: &mut AsyncPgConnection) -> Result<bool, diesel::result::Error> {
    let row: Locked = diesel::sql_query("SELECT pg_try_advisory_lock($1) AS locked")
        .bind::<BigInt, _>(BATCH_LOCK)
        .get_result(conn)
        .await?;
    Ok(row.locked)
}

async fn unlock(conn: &mut AsyncPgConnection) -> Result<(), diesel::result::Error> {
    diesel::sql_query("SELECT pg_advisory_unlock($1)")
        .bind::<BigInt, _>(BATCH_LOCK)
        .execute(conn)
        .await?;
    Ok(())
}

/// Runs the batch once and returns what its log row says.
pub async fn run(pool: &DbPool) -> Result<BatchOutcome, BatchError> {
    let mut conn = pool
        .get()
        .await
        .map_err(|e| BatchError::Database(e.to_string()))?;
    if !try_lock(&mut conn).await? {
        return Err(BatchError::AlreadyRunning);
    }
    let result = run_locked(&mut conn).await;
    unlock(&mut conn).await?;
    result
}

async fn run_locked(conn: &mut AsyncPgConnection) -> Result<BatchOutcome, BatchError> {
    let log_id = db::batch_logs::start(conn).await?;
    let mut outcome = BatchOutcome::default();
    let retailers = match db::carts::retailers_with_orderable_carts(conn).await {
        Ok(retailers) => retailers,
        Err(e) => {
            outcome.err_logs = format!("listing carts: {e}");
            outcome.failed_retailer_count = 1;
            db::batch_logs::finish(conn, log_id, &outcome).await?;
            return Ok(outcome);
        }
    };
    for retailer in retailers {
        let placed = conn
            .transaction(async |conn| {
                let placed = place_order(conn, retailer, None).await?;
                let items = db::orders::live_items_of_sheet(conn, placed.sheet.id).await?;
                Ok::<_, Error>((placed, items.len()))
            })
            .await;
        match placed {
            Ok((placed, items)) => {
                outcome.order_sheet_count += 1;
                outcome.cart_item_count += i32::try_from(placed.cart_lines).unwrap_or(i32::MAX);
                outcome.order_item_count += i32::try_from(items).unwrap_or(i32::MAX);
            }
            // The retailer ordered (or emptied the cart) since the listing.
            Err(e)
                if matches!(
                    e.code(),
                    ErrorCode::NoShoppingSession | ErrorCode::NoCartItem
                ) => {}
            Err(e) => {
                let e = e.into_domain();
                outcome.failed_retailer_count += 1;
                outcome.err_logs.push_str(&format!(
                    "retailer {retailer}: {} {}\n",
                    e.code.name(),
                    e.message
                ));
            }
        }
    }
    db::batch_logs::finish(conn, log_id, &outcome).await?;
    tracing::info!(
        sheets = outcome.order_sheet_count,
        failed = outcome.failed_retailer_count,
        "nightly order batch finished"
    );
    Ok(outcome)
}

/// How long until the next `at` (KST wall clock) after `now`.
pub fn until_next(now: DateTime<Utc>, at: NaiveTime) -> Duration {
    let local = now.with_timezone(&domain::time::KST);
    let today = local.date_naive().and_time(at);
    let next = if local.naive_local() < today {
        today
    } else {
        today + chrono::Duration::days(1)
    };
    let next_utc = domain::time::from_kst_wall_clock(next);
    (next_utc - now).to_std().unwrap_or_default()
}

/// Runs the batch every day at `at` KST until the process stops.
pub fn spawn_nightly(pool: DbPool, at: NaiveTime) {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(until_next(Utc::now(), at)).await;
            match run(&pool).await {
                Ok(_) => {}
                Err(BatchError::AlreadyRunning) => {
                    tracing::info!("nightly order batch already running elsewhere")
                }
                Err(e) => tracing::error!(error = %e, "nightly order batch failed"),
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::until_next;
    use chrono::{NaiveTime, TimeZone, Utc};

    #[test]
    fn next_run_is_tonight_at_ten_kst_or_tomorrow() {
        let at = NaiveTime::from_hms_opt(22, 0, 0).expect("time");
        // 12:00 UTC = 21:00 KST → one hour.
        let now = Utc
            .with_ymd_and_hms(2026, 11, 25, 12, 0, 0)
            .single()
            .expect("time");
        assert_eq!(until_next(now, at).as_secs(), 3600);
        // 13:00 UTC = 22:00 KST exactly → tomorrow.
        let now = Utc
            .with_ymd_and_hms(2026, 11, 25, 13, 0, 0)
            .single()
            .expect("time");
        assert_eq!(until_next(now, at).as_secs(), 24 * 3600);
    }
}
