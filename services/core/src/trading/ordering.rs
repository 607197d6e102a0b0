//! Cart → order sheet: one pipeline for the retailer's own submit and for the
//! nightly batch. The session row lock makes a double submit (or a submit
//! racing the batch) produce exactly one sheet.

use crate::app::{Error, Result, Viewer};
use crate::trading::audit;
use crate::trading::scope::{no_order_sheet, require_confirmed};
use db::DbPool;
use db::order_events::OrderEventKind;
use db::orders::{LineToOrder, NewSheet, OrderSheetRow, Party};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use domain::ErrorCode;

/// What one ordered cart produced.
#[derive(Debug, Clone)]
pub struct Placed {
    pub sheet: OrderSheetRow,
    pub cart_lines: usize,
}

/// Orders every live line of the retailer's cart, inside the caller's
/// transaction. The sheet belongs to `closes` (the cut-off the batch orders
/// a cart at), or else to the wholesaler's next cut-off; its placing is
/// recorded as by `actor` (None: the batch).
pub async fn place_order(
    conn: &mut AsyncPgConnection,
    retailer_id: i64,
    closes: Option<chrono::DateTime<chrono::Utc>>,
    actor: Option<i64>,
) -> Result<Placed> {
    let session = db::carts::live_session_for_update(conn, retailer_id)
        .await?
        .ok_or_else(|| {
            Error::with_message(
                ErrorCode::NoShoppingSession,
                format!("There's no shopping_session whose retailerID is {retailer_id}."),
            )
        })?;
    let lines = db::carts::live_items_of_retailer(conn, retailer_id).await?;
    if lines.is_empty() {
        return Err(Error::with_message(
            ErrorCode::NoCartItem,
            "There's no cart items to order.",
        ));
    }
    let wholesaler_id = session
        .wholesaler_id
        .filter(|_| lines.iter().all(|l| l.wholesaler_id.is_some()))
        .ok_or_else(|| {
            Error::with_message(
                ErrorCode::NoCartWholesaler,
                "There's no connected wholesaler on cart items.",
            )
        })?;
    require_confirmed(conn, retailer_id, wholesaler_id).await?;
    // New lines take the day's bulk price: no bulk pricing may run in between.
    db::orders::lock_wholesaler_sheets(conn, wholesaler_id).await?;

    let ids: Vec<i64> = lines.iter().map(|l| l.id).collect();
    db::carts::mark_ordered(conn, &ids).await?;
    db::carts::close_session(conn, session.id).await?;
    let to_order: Vec<LineToOrder> = lines
        .iter()
        .map(|l| LineToOrder {
            flower_id: l.flower_id,
            quantity: l.quantity,
            grade: l.grade.clone(),
            memo: l.memo.clone(),
        })
        .collect();
    let sheet = place_lines(
        conn,
        retailer_id,
        wholesaler_id,
        session.memo.as_deref(),
        &to_order,
        closes,
        actor,
    )
    .await?;
    Ok(Placed {
        sheet,
        cart_lines: lines.len(),
    })
}

/// The pipeline's second half, shared by carts and standing orders: a new
/// sheet with its order number, its lines at the day's bulk prices, the
/// day's bulk-price rows, and its cut-off (`closes`, or the wholesaler's
/// next), recorded in the audit timeline as placed by `actor` (None: the
/// batch or a standing order). The caller has checked the link and holds
/// the wholesaler's lock.
pub async fn place_lines(
    conn: &mut AsyncPgConnection,
    retailer_id: i64,
    wholesaler_id: i64,
    memo: Option<&str>,
    lines: &[LineToOrder],
    closes: Option<chrono::DateTime<chrono::Utc>>,
    actor: Option<i64>,
) -> Result<OrderSheetRow> {
    let now = chrono::Utc::now();
    let order_date = domain::time::business_day(now);
    let cutoff_at = match closes {
        Some(at) => at,
        None => crate::trading::editing::schedule_of(conn, wholesaler_id)
            .await?
            .cutoff_after(now),
    };
    let id = db::orders::next_sheet_id(conn).await?;
    let sequence = u32::try_from(id.rem_euclid(100_000)).unwrap_or_default();
    let order_no = domain::time::order_number(order_date, sequence);
    let sheet = db::orders::insert_sheet(
        conn,
        &NewSheet {
            id,
            order_no: &order_no,
            retailer_id,
            wholesaler_id,
            memo,
            cutoff_at,
        },
    )
    .await?;
    let items = db::orders::insert_lines(conn, &sheet, lines, order_date).await?;
    let keys: Vec<(i64, String)> = items
        .iter()
        .map(|i| (i.flower_id, i.grade.clone()))
        .collect();
    db::daily_items::ensure_for_day(conn, wholesaler_id, &keys, order_date).await?;
    if items.iter().any(|i| i.price.is_some()) {
        db::orders::mark_price_updated(conn, &[sheet.id]).await?;
    }
    db::audit::record(conn, &audit::sheet_placed(&sheet, &items, actor)).await?;
    db::order_events::notify(conn, OrderEventKind::Placed, &[sheet.id], None).await?;
    crate::trading::alerts::sheet_placed(conn, &sheet).await?;
    Ok(sheet)
}

pub async fn order_cart(pool: &DbPool, viewer: Viewer) -> Result<OrderSheetRow> {
    let mut conn = crate::app::conn(pool).await?;
    let placed = conn
        .transaction(async |conn| {
            let me = viewer.user_id.get();
            place_order(conn, me, None, Some(me)).await
        })
        .await?;
    Ok(placed.sheet)
}

/// The retailer removes its own sheet, unless a statement was issued for it.
pub async fn remove_sheet(pool: &DbPool, viewer: Viewer, sheet_id: i64) -> Result<()> {
    let mut conn = crate::app::conn(pool).await?;
    conn.transaction(async |conn| {
        // The wholesaler's lock comes before the sheet's row lock, as in pricing.
        let peeked = db::orders::live_sheets_by_ids(conn, &[sheet_id]).await?;
        if let Some(sheet) = peeked.first() {
            db::orders::lock_wholesaler_sheets(conn, sheet.wholesaler_id).await?;
        }
        let sheet = match db::orders::live_sheet_for_update(conn, sheet_id).await? {
            Some(sheet) if sheet.retailer_id == viewer.user_id.get() => sheet,
            _ => {
                return Err(Error::with_message(
                    ErrorCode::NoOrderSheet,
                    "There's no order sheet data want to delete",
                ));
            }
        };
        if db::orders::has_receipt(conn, sheet.id).await? {
            return Err(Error::new(ErrorCode::CannotDeleteOrderSheetWithReceipt));
        }
        db::orders::remove_sheet(conn, &sheet).await?;
        let event = audit::sheet_deleted(&sheet, viewer.user_id.get());
        db::audit::record(conn, &event).await?;
        db::order_events::notify(conn, OrderEventKind::Cancelled, &[sheet.id], None).await?;
        Ok(())
    })
    .await
}

/// The sheet `party` asked for, as it may read it: someone else's sheet
/// looks exactly like a missing one. The caller looks the sheet up (the
/// GraphQL layer through its per-request loader, shared with the sheet's
/// other fields) and the party (`scope::party`) first.
pub fn readable_sheet(
    party: Party,
    sheet_id: i64,
    found: Option<OrderSheetRow>,
) -> Result<OrderSheetRow> {
    match found {
        Some(sheet) if crate::trading::scope::party_may_see(party, &sheet) => Ok(sheet),
        // The original's two spellings of the refusal, kept for its clients.
        _ if sheet_id < 0 => Err(no_order_sheet(sheet_id)),
        _ => Err(Error::with_message(
            ErrorCode::NoOrderSheet,
            format!("There's no order sheet data whose id is {sheet_id}"),
        )),
    }
}
