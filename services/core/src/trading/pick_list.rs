//! The night shift's day: the pick list (stems to pull per flower and grade)
//! and the packing slips (one per florist) of the wholesaler the caller acts
//! for. The same reading (`db::pick_list`) is printed by the receipt service.

use crate::app::{Error, Result, Viewer};
use crate::trading::scope::acting_wholesaler;
use chrono::NaiveDate;
use db::DbPool;
use db::pick_list::{Limits, PackingSlips, PickList};
use domain::ErrorCode;

/// What one GraphQL answer holds. The lists are charged at these sizes by
/// `graphql/cost.rs`, so a day of 2,000 sheets stays a bounded answer (and
/// says it was cut: `truncated`, with the day's counts).
pub const LIMITS: Limits = Limits {
    lines: 500,
    slips: 100,
    slip_lines: 100,
    order_nos: 20,
};

fn checked(day: NaiveDate) -> Result<NaiveDate> {
    if db::pick_list::day_in_range(day) {
        Ok(day)
    } else {
        Err(Error::with_message(
            ErrorCode::InvalidData,
            "day out of range (years 2000 to 2100)",
        ))
    }
}

pub async fn pick_list(pool: &DbPool, viewer: Viewer, day: NaiveDate) -> Result<PickList> {
    let day = checked(day)?;
    let mut conn = crate::app::conn(pool).await?;
    let wholesaler = acting_wholesaler(&mut conn, viewer).await?;
    Ok(db::pick_list::pick_list(&mut conn, wholesaler, day, LIMITS).await?)
}

pub async fn packing_slips(pool: &DbPool, viewer: Viewer, day: NaiveDate) -> Result<PackingSlips> {
    let day = checked(day)?;
    let mut conn = crate::app::conn(pool).await?;
    let wholesaler = acting_wholesaler(&mut conn, viewer).await?;
    Ok(db::pick_list::packing_slips(&mut conn, wholesaler, day, LIMITS).await?)
}
