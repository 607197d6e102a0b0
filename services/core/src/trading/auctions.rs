//! Auction purchases: the wholesaler (owner or employee) sees and prices its
//! own lines; signed-in retailers browse the ones it offers (priced).

use crate::app::{Error, Page, Result, Viewer};
use crate::trading::scope::{acting_wholesaler, wholesaler_of};
use db::DbPool;
use db::auctions::{AuctionResultRow, SaleGroup};
use domain::{ErrorCode, Role};
use std::collections::HashMap;

/// Days before today the retailer-facing list covers (the original's fixed 3).
pub const FOR_SALE_DAYS: i64 = 3;
/// The longest look-back a wholesaler may ask for.
pub const MAX_BEFORE_DAYS: i32 = 366;

/// [today − days, today] as YYYYMMDD integers (KST).
pub fn window(days: i64) -> (i32, i32) {
    let today = domain::time::business_day(chrono::Utc::now());
    let from = today - chrono::Duration::days(days);
    (domain::time::yyyymmdd(from), domain::time::yyyymmdd(today))
}

fn not_found() -> Error {
    Error::with_message(ErrorCode::NoAuctionResult, "Not Found")
}

/// Images per (flower name, type name), all of a page's pairs in one query.
pub async fn images(
    pool: &DbPool,
    pairs: Vec<(String, String)>,
) -> Result<HashMap<(String, String), Vec<String>>> {
    let mut unique = pairs;
    unique.sort();
    unique.dedup();
    let mut conn = crate::app::conn(pool).await?;
    let found = db::catalogue::images_for_names(&mut conn, &unique).await?;
    Ok(found
        .into_iter()
        .map(|(name, kind, images)| ((name, kind), images))
        .collect())
}

pub async fn own_results(
    pool: &DbPool,
    viewer: Viewer,
    wholesaler_id: i64,
    before_days: Option<i32>,
    page: Page,
) -> Result<Vec<AuctionResultRow>> {
    let days = before_days.unwrap_or(3);
    if !(0..=MAX_BEFORE_DAYS).contains(&days) {
        return Err(Error::with_message(
            ErrorCode::InvalidData,
            format!("beforeDays must be between 0 and {MAX_BEFORE_DAYS}."),
        ));
    }
    let mut conn = crate::app::conn(pool).await?;
    if acting_wholesaler(&mut conn, viewer).await? != wholesaler_id {
        return Err(Error::with_message(
            ErrorCode::PermissionDenied,
            "You can only see your own auction results.",
        ));
    }
    let (from, to) = window(i64::from(days));
    Ok(db::auctions::page(
        &mut conn,
        wholesaler_id,
        from,
        to,
        page.descending,
        page.offset,
        page.limit,
    )
    .await?)
}

pub async fn own_result(pool: &DbPool, viewer: Viewer, id: i64) -> Result<AuctionResultRow> {
    let mut conn = crate::app::conn(pool).await?;
    let wholesaler = acting_wholesaler(&mut conn, viewer).await?;
    match db::auctions::live_by_id(&mut conn, id).await? {
        Some(row) if row.wholesaler_id == wholesaler => Ok(row),
        _ => Err(not_found()),
    }
}

pub async fn update(
    pool: &DbPool,
    viewer: Viewer,
    id: i64,
    retail_price: Option<i32>,
    is_sold_out: Option<bool>,
) -> Result<AuctionResultRow> {
    if retail_price.is_some_and(|p| p < 0) {
        return Err(Error::with_message(
            ErrorCode::InvalidData,
            "retailPrice must not be negative.",
        ));
    }
    let row = own_result(pool, viewer, id).await?;
    let mut conn = crate::app::conn(pool).await?;
    Ok(db::auctions::update_sale(&mut conn, row.id, retail_price, is_sold_out).await?)
}

pub async fn for_sale(pool: &DbPool, wholesaler_id: i64, page: Page) -> Result<Vec<SaleGroup>> {
    let (from, to) = window(FOR_SALE_DAYS);
    let mut conn = crate::app::conn(pool).await?;
    Ok(db::auctions::for_sale_page(
        &mut conn,
        wholesaler_id,
        from,
        to,
        page.descending,
        page.offset,
        page.limit,
    )
    .await?)
}

/// Who may see which part of a lot in the for-sale detail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// The lot's wholesaler (owner or approved employee) or an admin: all of it.
    Owner,
    /// Anyone else: only what the for-sale list shows (what is offered and at
    /// what price), never the wholesaler's purchase (price, quantities,
    /// serial code, shipper).
    Buyer,
}

/// One lot as the for-sale detail shows it. The lot's own people and an
/// admin see any of its lots whole; anyone else sees a lot only while the
/// for-sale list shows it (priced, not sold out, within its window), and
/// only as a `Reader::Buyer`. Other lots look missing.
pub async fn offered_result(
    pool: &DbPool,
    viewer: Viewer,
    id: i64,
) -> Result<(AuctionResultRow, Reader)> {
    let mut conn = crate::app::conn(pool).await?;
    let row = db::auctions::live_by_id(&mut conn, id)
        .await?
        .ok_or_else(not_found)?;
    if viewer.role == Role::Admin
        || wholesaler_of(&mut conn, viewer).await? == Some(row.wholesaler_id)
    {
        return Ok((row, Reader::Owner));
    }
    let (from, to) = window(FOR_SALE_DAYS);
    let listed =
        row.retail_price.is_some() && !row.is_sold_out && (from..=to).contains(&row.auction_date);
    if listed {
        Ok((row, Reader::Buyer))
    } else {
        Err(not_found())
    }
}
