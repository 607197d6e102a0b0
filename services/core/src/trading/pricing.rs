//! The wholesaler prices lines one by one or in bulk per flower and grade for
//! the day; every sheet whose prices change is flagged (isPriceUpdated).

use crate::app::{Error, Result, Viewer};
use crate::trading::audit;
use crate::trading::scope::acting_wholesaler;
use db::DbPool;
use db::daily_items::DailyItemRow;
use db::order_events::OrderEventKind;
use db::orders::OrderItemRow;
use diesel_async::AsyncConnection;
use domain::ErrorCode;
use std::collections::HashMap;

/// (id, price) pairs: a negative price is refused outright (nothing is
/// written); a repeated id keeps its last price.
pub fn checked_prices(items: &[(i64, i32)]) -> Result<Vec<(i64, i32)>> {
    if let Some((id, _)) = items.iter().find(|(_, price)| *price < 0) {
        return Err(Error::with_message(
            ErrorCode::InvalidData,
            format!("price must not be negative (id {id})."),
        ));
    }
    let mut last: HashMap<i64, i32> = HashMap::new();
    let mut order = Vec::new();
    for (id, price) in items {
        if last.insert(*id, *price).is_none() {
            order.push(*id);
        }
    }
    Ok(order.into_iter().map(|id| (id, last[&id])).collect())
}

pub async fn update_item_prices(
    pool: &DbPool,
    viewer: Viewer,
    items: &[(i64, i32)],
) -> Result<Vec<OrderItemRow>> {
    let prices = checked_prices(items)?;
    if prices.is_empty() {
        return Ok(Vec::new());
    }
    let mut conn = crate::app::conn(pool).await?;
    conn.transaction(async |conn| {
        let wholesaler = acting_wholesaler(conn, viewer).await?;
        db::orders::lock_wholesaler_sheets(conn, wholesaler).await?;
        let ids: Vec<i64> = prices.iter().map(|(id, _)| *id).collect();
        let found = db::orders::live_items_by_ids(conn, &ids).await?;
        let own: HashMap<i64, &OrderItemRow> = found
            .iter()
            .filter(|i| i.wholesaler_id == wholesaler)
            .map(|i| (i.id, i))
            .collect();
        if let Some(missing) = ids.iter().find(|id| !own.contains_key(id)) {
            return Err(Error::with_message(
                ErrorCode::NoOrderItem,
                format!("There's no order item whose id is {missing}"),
            ));
        }
        // Sheets with a line still to price: a florist hears when one is done.
        let touched: Vec<i64> = own.values().map(|i| i.order_sheet_id).collect();
        let unpriced_before = crate::trading::alerts::unpriced(conn, &touched).await?;
        let updated = db::orders::set_item_prices(conn, &prices).await?;
        let actor = Some(viewer.user_id.get());
        let events: Vec<_> = updated
            .iter()
            .filter_map(|new| audit::item_priced(own.get(&new.id)?, new.price, actor))
            .collect();
        db::audit::record_all(conn, &events).await?;
        let mut sheets: Vec<i64> = updated.iter().map(|i| i.order_sheet_id).collect();
        sheets.sort_unstable();
        sheets.dedup();
        db::orders::mark_price_updated(conn, &sheets).await?;
        db::order_events::notify(conn, OrderEventKind::Priced, &sheets, None).await?;
        crate::trading::alerts::after_pricing(conn, &unpriced_before).await?;
        let mut by_id: HashMap<i64, OrderItemRow> =
            updated.into_iter().map(|i| (i.id, i)).collect();
        Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
    })
    .await
}

pub async fn update_daily_prices(
    pool: &DbPool,
    viewer: Viewer,
    items: &[(i64, i32)],
) -> Result<Vec<DailyItemRow>> {
    let prices = checked_prices(items)?;
    if prices.is_empty() {
        return Ok(Vec::new());
    }
    let mut conn = crate::app::conn(pool).await?;
    conn.transaction(async |conn| {
        let wholesaler = acting_wholesaler(conn, viewer).await?;
        db::orders::lock_wholesaler_sheets(conn, wholesaler).await?;
        let ids: Vec<i64> = prices.iter().map(|(id, _)| *id).collect();
        let found = db::daily_items::live_by_ids(conn, &ids).await?;
        if let Some(missing) = ids.iter().find(|id| {
            !found
                .iter()
                .any(|d| d.id == **id && d.wholesaler_id == wholesaler)
        }) {
            return Err(Error::with_message(
                ErrorCode::NoDailyOrderItem,
                format!("There's no daily order item whose id is {missing}"),
            ));
        }
        let (rows, lines) = db::daily_items::set_prices(conn, &prices).await?;
        let mut sheets: Vec<i64> = lines.iter().map(|l| l.order_sheet_id).collect();
        sheets.sort_unstable();
        sheets.dedup();
        db::orders::mark_price_updated(conn, &sheets).await?;
        let events: Vec<_> = lines
            .iter()
            .filter(|l| l.changed())
            .map(|l| audit::line_bulk_priced(l, viewer.user_id.get()))
            .collect();
        db::audit::record_all(conn, &events).await?;
        db::order_events::notify(conn, OrderEventKind::Priced, &sheets, None).await?;
        // A sheet had a line to price if one of the lines just priced had none.
        let mut unpriced_before: Vec<i64> = lines
            .iter()
            .filter(|l| l.before.is_none() && l.after.is_some())
            .map(|l| l.order_sheet_id)
            .collect();
        unpriced_before.dedup();
        crate::trading::alerts::after_pricing(conn, &unpriced_before).await?;
        let mut by_id: HashMap<i64, DailyItemRow> = rows.into_iter().map(|d| (d.id, d)).collect();
        Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::checked_prices;

    #[test]
    fn negative_prices_are_refused_and_repeats_keep_the_last() {
        assert!(checked_prices(&[(1, 100), (2, -1)]).is_err());
        assert_eq!(
            checked_prices(&[(1, 100), (2, 0), (1, 300)]).expect("valid"),
            vec![(1, 300), (2, 0)]
        );
    }
}
