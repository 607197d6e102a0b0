//! The cart → order batch: every open cart with a chosen wholesaler is
//! ordered at that wholesaler's cut-off (the first one after the cart last
//! changed: `domain::cutoff`, 22:00 KST unless the wholesaler set its own),
//! through the same pipeline as `orderCartItems`, one retailer per
//! transaction, so one failure does not stop the others. It runs every
//! minute, so each wholesaler's cut-off is honoured within a minute. A
//! Postgres advisory lock keeps it to one instance at a time; the log row is
//! written outside the orders' transactions so a failed run is still logged.

use crate::app::Error;
use crate::trading::ordering::place_order;
use chrono::{DateTime, Utc};
use db::DbPool;
use db::batch_logs::BatchOutcome;
use diesel::sql_types::{BigInt, Bool};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use domain::ErrorCode;
use domain::cutoff::CutoffSchedule;
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

/// Which carts a run orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    /// Those whose cut-off has come (the minute-by-minute runner).
    AtCutoff,
    /// Every orderable cart now (an operator's run, the original's batch).
    All,
}

/// Runs the batch once and returns what its log row says.
pub async fn run(pool: &DbPool) -> Result<BatchOutcome, BatchError> {
    run_for(pool, Due::All).await
}

/// Runs the batch once for the carts `due` selects.
pub async fn run_for(pool: &DbPool, due: Due) -> Result<BatchOutcome, BatchError> {
    let mut conn = pool
        .get()
        .await
        .map_err(|e| BatchError::Database(e.to_string()))?;
    if !try_lock(&mut conn).await? {
        return Err(BatchError::AlreadyRunning);
    }
    let result = run_locked(&mut conn, due).await;
    unlock(&mut conn).await?;
    result
}

async fn run_locked(conn: &mut AsyncPgConnection, due: Due) -> Result<BatchOutcome, BatchError> {
    let retailers = match due {
        Due::All => db::carts::retailers_with_orderable_carts(conn)
            .await
            .map(|ids| ids.into_iter().map(|id| (id, None)).collect()),
        Due::AtCutoff => due_carts(conn, Utc::now()).await,
    };
    // A minute with nothing due leaves no log row (1,440 empty rows a day).
    if due == Due::AtCutoff && matches!(&retailers, Ok(r) if r.is_empty()) {
        return Ok(BatchOutcome::default());
    }
    let log_id = db::batch_logs::start(conn).await?;
    let mut outcome = BatchOutcome::default();
    let retailers = match retailers {
        Ok(retailers) => retailers,
        Err(e) => {
            outcome.err_logs = format!("listing carts: {e}");
            outcome.failed_retailer_count = 1;
            db::batch_logs::finish(conn, log_id, &outcome).await?;
            return Ok(outcome);
        }
    };
    for (retailer, closes) in retailers {
        let placed = conn
            .transaction(async |conn| {
                let placed = place_order(conn, retailer, closes, None).await?;
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

/// The retailers whose carts are due at `now`, each with the cut-off it is
/// due at: their wholesaler's cut-off after the cart's last change.
async fn due_carts(
    conn: &mut AsyncPgConnection,
    now: DateTime<Utc>,
) -> Result<Vec<(i64, Option<DateTime<Utc>>)>, diesel::result::Error> {
    let carts = db::carts::orderable_carts(conn).await?;
    let mut wholesalers: Vec<i64> = carts.iter().map(|c| c.wholesaler_id).collect();
    wholesalers.sort_unstable();
    wholesalers.dedup();
    let stored = db::cutoffs::of_wholesalers(conn, &wholesalers).await?;
    let schedule = |w: i64| {
        stored
            .iter()
            .find(|r| r.wholesaler_id == w)
            .map(|r| CutoffSchedule::from_stored(&r.cutoff_minutes, r.edit_after_cutoff))
            .unwrap_or_default()
    };
    Ok(carts
        .iter()
        .filter_map(|c| {
            let closes = schedule(c.wholesaler_id).cutoff_after(c.last_change);
            (closes <= now).then_some((c.retailer_id, Some(closes)))
        })
        .collect())
}

/// How long until the next whole minute after `now`.
pub fn until_next_minute(now: DateTime<Utc>) -> Duration {
    let into = now.timestamp().rem_euclid(60);
    Duration::from_secs(u64::try_from(60 - into).unwrap_or(60))
}

/// Runs the batch every minute until the process stops (`ORDER_BATCH_AT=off`
/// keeps it from starting).
pub fn spawn_nightly(pool: DbPool) {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(until_next_minute(Utc::now())).await;
            // Standing orders first: their sheets belong to the same cut-off.
            if let Err(e) = crate::trading::standing::run_due(&pool, Utc::now()).await {
                tracing::error!(code = e.code().name(), "standing orders not run");
            }
            match run_for(&pool, Due::AtCutoff).await {
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
    use super::until_next_minute;
    use chrono::{TimeZone, Utc};

    #[test]
    fn the_batch_wakes_on_the_minute() {
        let now = Utc
            .with_ymd_and_hms(2026, 11, 25, 12, 59, 45)
            .single()
            .expect("time");
        assert_eq!(until_next_minute(now).as_secs(), 15);
        let on_the_minute = Utc
            .with_ymd_and_hms(2026, 11, 25, 13, 0, 0)
            .single()
            .expect("time");
        assert_eq!(until_next_minute(on_the_minute).as_secs(), 60);
    }
}
