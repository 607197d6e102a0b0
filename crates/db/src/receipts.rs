//! What the receipt service reads to draw a statement (the sheet, its live
//! lines, both parties) and the `order_sheet_receipts` rows it writes.
//! Rows are immutable: an issue inserts, nothing updates.

use crate::schema::{
    custom_order_items, flower_types, flowers, order_items, order_sheet_receipts, order_sheets,
};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = order_sheets)]
pub struct SheetRow {
    pub id: i64,
    pub order_no: String,
    pub retailer_id: i64,
    pub wholesaler_id: i64,
    pub created_at: DateTime<Utc>,
}

pub async fn live_sheet(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<Option<SheetRow>> {
    order_sheets::table
        .find(id)
        .filter(order_sheets::deleted_at.is_null())
        .select(SheetRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// A live order item with its flower's variety and type names.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct OrderLineRow {
    pub id: i64,
    pub flower_name: String,
    pub flower_type_name: String,
    pub quantity: i32,
    pub grade: String,
    pub price: Option<i32>,
}

/// Live order items of a sheet in creation order. The flower master rows are
/// joined whatever their own state: a flower retired after the order was
/// placed still names the line.
pub async fn live_order_lines(
    conn: &mut AsyncPgConnection,
    sheet_id: i64,
) -> QueryResult<Vec<OrderLineRow>> {
    order_items::table
        .inner_join(flowers::table.inner_join(flower_types::table))
        .filter(order_items::order_sheet_id.eq(sheet_id))
        .filter(order_items::deleted_at.is_null())
        .order((order_items::created_at.asc(), order_items::id.asc()))
        .select((
            order_items::id,
            flowers::name,
            flower_types::name,
            order_items::quantity,
            order_items::grade,
            order_items::price,
        ))
        .load(conn)
        .await
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct CustomLineRow {
    pub id: i64,
    pub flower_name: Option<String>,
    pub flower_type_name: Option<String>,
    pub quantity: Option<i32>,
    pub grade: Option<String>,
    pub price: Option<i32>,
}

/// What a statement of the sheet bills: its live lines and custom lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetLines {
    pub order: Vec<OrderLineRow>,
    pub custom: Vec<CustomLineRow>,
}

pub async fn sheet_lines(conn: &mut AsyncPgConnection, sheet_id: i64) -> QueryResult<SheetLines> {
    Ok(SheetLines {
        order: live_order_lines(conn, sheet_id).await?,
        custom: live_custom_lines(conn, sheet_id).await?,
    })
}

/// Locks the live sheet's row until the transaction ends, so no writer of
/// the sheet (they lock it FOR UPDATE) changes it meanwhile; false when it
/// is gone.
pub async fn share_live_sheet(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<bool> {
    order_sheets::table
        .find(id)
        .filter(order_sheets::deleted_at.is_null())
        .select(order_sheets::id)
        .for_share()
        .first::<i64>(conn)
        .await
        .optional()
        .map(|row| row.is_some())
}

/// Live free-text lines of a sheet (the shipping fee 배송비 included).
pub async fn live_custom_lines(
    conn: &mut AsyncPgConnection,
    sheet_id: i64,
) -> QueryResult<Vec<CustomLineRow>> {
    custom_order_items::table
        .filter(custom_order_items::order_sheet_id.eq(sheet_id))
        .filter(custom_order_items::deleted_at.is_null())
        .order((
            custom_order_items::created_at.asc(),
            custom_order_items::id.asc(),
        ))
        .select((
            custom_order_items::id,
            custom_order_items::flower_name,
            custom_order_items::flower_type_name,
            custom_order_items::quantity,
            custom_order_items::grade,
            custom_order_items::price,
        ))
        .load(conn)
        .await
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = order_sheet_receipts)]
pub struct ReceiptRow {
    pub id: i64,
    pub order_sheet_id: i64,
    pub file_name: String,
    pub file_path: String,
    pub file_format: String,
    pub metadata: String,
    pub storage_key: String,
    pub idempotency_key: Option<String>,
    pub issued_by: Option<i64>,
    pub byte_size: Option<i64>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = order_sheet_receipts)]
pub struct NewReceipt {
    pub id: i64,
    pub order_sheet_id: i64,
    pub file_name: String,
    pub file_path: String,
    pub file_format: String,
    pub metadata: String,
    pub storage_key: String,
    pub idempotency_key: Option<String>,
    pub issued_by: Option<i64>,
    pub byte_size: Option<i64>,
    /// The ledger boxes printed on it (전잔액, 입금, 잔액).
    pub previous_balance: Option<i64>,
    pub payments_today: Option<i64>,
    pub balance: Option<i64>,
}

/// Takes the next receipt id from the identity sequence, so the object key
/// (which contains the id) is known before the upload and the row can be
/// inserted only once the object exists.
pub async fn next_receipt_id(conn: &mut AsyncPgConnection) -> QueryResult<i64> {
    crate::statement::next_id(conn, crate::columns::ORDER_SHEET_RECEIPTS.name).await
}

pub async fn insert_receipt(
    conn: &mut AsyncPgConnection,
    receipt: &NewReceipt,
) -> QueryResult<ReceiptRow> {
    diesel::insert_into(order_sheet_receipts::table)
        .values(receipt)
        .returning(ReceiptRow::as_returning())
        .get_result(conn)
        .await
}

/// The receipt an earlier request with the same idempotency key created.
pub async fn by_idempotency_key(
    conn: &mut AsyncPgConnection,
    sheet_id: i64,
    key: &str,
) -> QueryResult<Option<ReceiptRow>> {
    order_sheet_receipts::table
        .filter(order_sheet_receipts::order_sheet_id.eq(sheet_id))
        .filter(order_sheet_receipts::idempotency_key.eq(key))
        .select(ReceiptRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// A live receipt together with the parties of its (live or not) sheet, so
/// the caller can decide who may read it.
pub async fn live_receipt_with_parties(
    conn: &mut AsyncPgConnection,
    id: i64,
) -> QueryResult<Option<(ReceiptRow, (i64, i64))>> {
    order_sheet_receipts::table
        .inner_join(order_sheets::table)
        .filter(order_sheet_receipts::id.eq(id))
        .filter(order_sheet_receipts::deleted_at.is_null())
        .select((
            ReceiptRow::as_select(),
            (order_sheets::retailer_id, order_sheets::wholesaler_id),
        ))
        .first(conn)
        .await
        .optional()
}
