//! Free-text lines on a sheet (flowers bought elsewhere, wrapping, ...) and the
//! single shipping-fee line 배송비, with the original's matching rules.

use crate::app::{Error, Result, Viewer};
use crate::trading::audit;
use crate::trading::scope::{acting_wholesaler, own_sheet_as_wholesaler};
use db::DbPool;
use db::custom_items::{CustomLine, SHIPPING_FEE};
use db::orders::CustomOrderItemRow;
use diesel_async::AsyncConnection;
use domain::{ErrorCode, FlowerGrade};

/// Longest flower or type name a custom line accepts (the column's size).
const MAX_NAME_CHARS: usize = 255;

#[derive(Debug, Clone)]
pub struct CustomInput {
    pub id: Option<i64>,
    pub flower_name: Option<String>,
    pub flower_type_name: Option<String>,
    pub grade: Option<FlowerGrade>,
    pub quantity: Option<i32>,
    pub price: Option<i32>,
}

fn trimmed(name: Option<&str>) -> Option<String> {
    name.map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
}

impl CustomInput {
    fn is_empty(&self) -> bool {
        self.grade.is_none()
            && self.price.is_none()
            && self.quantity.is_none()
            && trimmed(self.flower_name.as_deref()).is_none()
            && trimmed(self.flower_type_name.as_deref()).is_none()
    }

    fn is_shipping_fee(&self) -> bool {
        self.flower_name.as_deref().map(str::trim) == Some(SHIPPING_FEE)
    }

    fn check(&self) -> Result<()> {
        let bad = |message: &str| Err(Error::with_message(ErrorCode::InvalidData, message));
        if self.quantity.is_some_and(|q| q <= 0) {
            return bad("quantity must be a positive number.");
        }
        if self.price.is_some_and(|p| p < 0) {
            return bad("price must not be negative.");
        }
        let too_long = |n: &Option<String>| {
            n.as_ref()
                .is_some_and(|n| n.chars().count() > MAX_NAME_CHARS)
        };
        if too_long(&self.flower_name) || too_long(&self.flower_type_name) {
            return bad("names must be at most 255 characters.");
        }
        Ok(())
    }

    fn line(&self) -> CustomLine {
        CustomLine {
            flower_name: trimmed(self.flower_name.as_deref()),
            flower_type_name: trimmed(self.flower_type_name.as_deref()),
            quantity: self.quantity,
            grade: self.grade.map(|g| g.as_korean().to_owned()),
            price: self.price,
        }
    }
}

pub async fn upsert(
    pool: &DbPool,
    viewer: Viewer,
    sheet_id: i64,
    items: Vec<CustomInput>,
) -> Result<Vec<CustomOrderItemRow>> {
    let items: Vec<CustomInput> = items.into_iter().filter(|i| !i.is_empty()).collect();
    if items.is_empty() {
        return Err(Error::with_message(
            ErrorCode::InvalidData,
            "All custom_order_items are composed of empty objects.",
        ));
    }
    for item in &items {
        item.check()?;
    }
    let mut conn = crate::app::conn(pool).await?;
    conn.transaction(async |conn| {
        let sheet = own_sheet_as_wholesaler(conn, viewer, sheet_id).await?;
        let existing = db::custom_items::live_of_sheet(conn, sheet.id).await?;
        let is_fee = |row: &CustomOrderItemRow| row.flower_name.as_deref() == Some(SHIPPING_FEE);
        let mut saved = Vec::new();
        let mut events = Vec::new();
        let actor = viewer.user_id.get();
        let mut priced = false;
        for item in items.iter().filter(|i| !i.is_shipping_fee()) {
            let line = item.line();
            let same_line = existing.iter().find(|row| {
                !is_fee(row)
                    && line.flower_name.is_some()
                    && line.flower_type_name.is_some()
                    && line.grade.is_some()
                    && row.flower_name == line.flower_name
                    && row.flower_type_name == line.flower_type_name
                    && row.grade == line.grade
            });
            let target = match (same_line, item.id) {
                (Some(row), _) => Some(row.id),
                (None, Some(id)) if existing.iter().any(|r| r.id == id && !is_fee(r)) => Some(id),
                (None, Some(id)) => {
                    return Err(Error::with_message(
                        ErrorCode::NoCustomOrderItem,
                        format!("There's no custom order item whose id is {id} on this sheet"),
                    ));
                }
                (None, None) => None,
            };
            priced |= line.price.is_some();
            let row = match target {
                Some(id) => db::custom_items::update(conn, id, &line).await?,
                None => db::custom_items::insert(conn, &sheet, &line).await?,
            };
            let before = existing.iter().find(|r| Some(r.id) == target);
            events.extend(audit::custom_line_saved(&sheet, before, &row, actor));
            saved.push(row);
        }
        if let Some(fee) = items.iter().find(|i| i.is_shipping_fee()) {
            let old = existing.iter().filter(|r| is_fee(r)).max_by_key(|r| r.id);
            let row = match old {
                Some(old) => {
                    let line = CustomLine {
                        flower_name: old.flower_name.clone(),
                        flower_type_name: old.flower_type_name.clone(),
                        quantity: old.quantity,
                        grade: old.grade.clone(),
                        price: fee.price,
                    };
                    db::custom_items::update(conn, old.id, &line).await?
                }
                None => db::custom_items::insert(conn, &sheet, &fee.line()).await?,
            };
            events.extend(audit::custom_line_saved(&sheet, old, &row, actor));
            saved.push(row);
        }
        db::audit::record_all(conn, &events).await?;
        if priced {
            db::orders::mark_price_updated(conn, &[sheet.id]).await?;
        }
        // The wholesaler's own lines change the sheet; a price on them prices it.
        let kind = if priced {
            db::order_events::OrderEventKind::Priced
        } else {
            db::order_events::OrderEventKind::Changed
        };
        db::order_events::notify(conn, kind, &[sheet.id], None).await?;
        Ok(saved)
    })
    .await
}

/// Removes the caller's custom lines among `ids`; ids of other sheets are
/// treated like unknown ones.
pub async fn remove(pool: &DbPool, viewer: Viewer, ids: &[i64]) -> Result<()> {
    let mut conn = crate::app::conn(pool).await?;
    conn.transaction(async |conn| {
        let wholesaler = acting_wholesaler(conn, viewer).await?;
        db::orders::lock_wholesaler_sheets(conn, wholesaler).await?;
        let own: Vec<CustomOrderItemRow> = db::custom_items::live_by_ids(conn, ids)
            .await?
            .into_iter()
            .filter(|row| row.wholesaler_id == wholesaler)
            .collect();
        if own.is_empty() {
            return Err(Error::with_message(
                ErrorCode::NoOrderSheet,
                "There's no custom order items data want to delete",
            ));
        }
        let own_ids: Vec<i64> = own.iter().map(|row| row.id).collect();
        let mut sheets: Vec<i64> = own.iter().map(|row| row.order_sheet_id).collect();
        sheets.sort_unstable();
        sheets.dedup();
        db::custom_items::remove(conn, &own_ids).await?;
        let actor = viewer.user_id.get();
        let events: Vec<_> = own
            .iter()
            .map(|row| audit::custom_line_deleted(row, actor))
            .collect();
        db::audit::record_all(conn, &events).await?;
        let kind = db::order_events::OrderEventKind::Changed;
        db::order_events::notify(conn, kind, &sheets, None).await?;
        Ok(())
    })
    .await
}
