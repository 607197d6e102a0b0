//! Issuing the transaction statement of a sheet: core validates (as the
//! original did), asks the receipt service to render and store it, and queues
//! the retailer's SMS. Employees may issue too: they price the sheet, and the
//! original's owner-only rule looks accidental (their other wholesaler
//! operations are allowed).

use crate::app::{Error, Result, Viewer};
use crate::notifications::{Wakeup, sign_in_url};
use crate::trading::scope::{acting_wholesaler, no_order_sheet};
use aws_lc_rs::digest;
use db::DbPool;
use db::orders::{CustomOrderItemRow, OrderItemRow, OrderSheetRow, SheetReceiptRow};
use diesel_async::AsyncPgConnection;
use domain::ErrorCode;
use platform::api::receipt::{IssueReceipt, ReceiptClient};
use platform::service_client::CallError;

/// The original's rule: every price missing, or every price present but not
/// positive, means there is nothing to bill. Custom lines count when they are
/// complete (names, grade, quantity); the shipping fee does not.
pub fn has_billable_price(items: &[OrderItemRow], custom: &[CustomOrderItemRow]) -> bool {
    let complete = |c: &&CustomOrderItemRow| {
        c.flower_name
            .as_deref()
            .is_some_and(|n| !n.trim().is_empty())
            && c.flower_type_name
                .as_deref()
                .is_some_and(|n| !n.trim().is_empty())
            && c.grade.is_some()
            && c.quantity.is_some()
            && c.flower_name.as_deref() != Some(db::custom_items::SHIPPING_FEE)
    };
    let prices: Vec<Option<i32>> = items
        .iter()
        .map(|i| i.price)
        .chain(custom.iter().filter(complete).map(|c| c.price))
        .collect();
    let all_missing = prices.iter().all(Option::is_none);
    let all_non_positive = prices.iter().all(|p| p.is_some_and(|p| p <= 0));
    !(all_missing || all_non_positive)
}

/// Same sheet, same lines, same prices, same business info → same key: a
/// double click or a retried request returns the first statement instead of
/// issuing a second one; any change makes a new statement.
fn fingerprint(
    sheet: &OrderSheetRow,
    items: &[OrderItemRow],
    custom: &[CustomOrderItemRow],
    business_info_updated: i64,
) -> String {
    let mut text = format!(
        "{}:{}:{:?}:{business_info_updated}",
        sheet.id,
        sheet.updated_at.timestamp_micros(),
        sheet.price_updated_at.map(|t| t.timestamp_micros())
    );
    for i in items {
        text.push_str(&format!(
            "|i{}:{}:{:?}:{}",
            i.id, i.quantity, i.price, i.grade
        ));
    }
    for c in custom {
        text.push_str(&format!("|c{}:{}", c.id, c.updated_at.timestamp_micros()));
    }
    let hash = digest::digest(&digest::SHA256, text.as_bytes());
    let hex: String = hash.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    format!("sheet-{}-{}", sheet.id, &hex[..32])
}

struct Checked {
    sheet: OrderSheetRow,
    key: String,
}

async fn validate(conn: &mut AsyncPgConnection, viewer: Viewer, sheet_id: i64) -> Result<Checked> {
    let wholesaler = acting_wholesaler(conn, viewer).await?;
    let sheet = db::orders::live_sheets_by_ids(conn, &[sheet_id])
        .await?
        .into_iter()
        .find(|s| s.wholesaler_id == wholesaler)
        .ok_or_else(|| no_order_sheet(sheet_id))?;
    let items = db::orders::live_items_of_sheet(conn, sheet.id).await?;
    let custom = db::custom_items::live_of_sheet(conn, sheet.id).await?;
    if !has_billable_price(&items, &custom) {
        return Err(Error::new(ErrorCode::NoPriceOrderItem));
    }
    let info = db::business_infos::live_by_user_ids(conn, &[sheet.wholesaler_id])
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| Error::new(ErrorCode::NoBusinessInfo))?;
    let key = fingerprint(&sheet, &items, &custom, info.updated_at.timestamp_micros());
    Ok(Checked { sheet, key })
}

pub(crate) fn from_call(e: CallError) -> Error {
    match e {
        CallError::Rejected {
            code,
            message,
            status,
            ..
        } if status < 500 => match ErrorCode::from_name(&code) {
            Some(code) => Error::with_message(code, message),
            None => Error::internal("receipt service refused", format!("{code}: {message}")),
        },
        other => {
            tracing::warn!(error = %other, "receipt service call failed");
            Error::new(ErrorCode::ReceiptServiceUnavailable)
        }
    }
}

/// A stable notification key per receipt, so the SMS is queued once however
/// often the same receipt comes back.
fn notification_key(receipt_id: i64) -> uuid::Uuid {
    let hash = digest::digest(
        &digest::SHA256,
        format!("receipt-issued-{receipt_id}").as_bytes(),
    );
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&hash.as_ref()[..16]);
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

/// Issues the sheet's statement (or answers the one already issued for the
/// same content) and queues the retailer's SMS; `wakeup` tells the outbox
/// worker so it is sent now rather than at the next poll.
pub async fn issue(
    pool: &DbPool,
    receipts: &ReceiptClient,
    app_base_url: &str,
    wakeup: &Wakeup,
    viewer: Viewer,
    sheet_id: i64,
) -> Result<SheetReceiptRow> {
    let checked = {
        let mut conn = crate::app::conn(pool).await?;
        validate(&mut conn, viewer, sheet_id).await?
    };
    // No transaction is open during the call: rendering may take a while.
    let receipt = receipts
        .issue(
            checked.sheet.id,
            &IssueReceipt {
                issued_by: Some(viewer.user_id.get()),
            },
            &checked.key,
        )
        .await
        .map_err(from_call)?;
    let mut conn = crate::app::conn(pool).await?;
    let retailer = db::users::live_account_by_id(&mut conn, checked.sheet.retailer_id).await?;
    let retailer_phone = retailer.map(|(_, credential)| credential.phone_no);
    let wholesaler_name = db::users::live_account_by_id(&mut conn, checked.sheet.wholesaler_id)
        .await?
        .map(|(user, _)| user.name)
        .unwrap_or_default();
    if let Some(phone) = retailer_phone {
        let args = [
            wholesaler_name,
            checked.sheet.order_no.clone(),
            sign_in_url(app_base_url, "retail"),
        ];
        db::outbox::enqueue_once(
            &mut conn,
            "IssueOrderSheetReceipt",
            &phone,
            &args,
            notification_key(receipt.id),
        )
        .await?;
    }
    wakeup.wake();
    db::orders::receipt_by_id(&mut conn, receipt.id)
        .await?
        .ok_or_else(|| Error::internal("receipt", "issued receipt row not found"))
}
