//! Free-text lines a wholesaler adds to a sheet, including the single
//! shipping-fee line (배송비).

use crate::orders::CustomOrderItemRow;
use crate::schema::custom_order_items;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

/// The shipping-fee line is the custom line with exactly this name.
pub const SHIPPING_FEE: &str = "배송비";

/// Column values of a custom line (every column is replaced on update, as in
/// the original).
#[derive(Debug, Clone, PartialEq, Eq, AsChangeset, Insertable)]
#[diesel(table_name = custom_order_items, treat_none_as_null = true)]
pub struct CustomLine {
    pub flower_name: Option<String>,
    pub flower_type_name: Option<String>,
    pub quantity: Option<i32>,
    pub grade: Option<String>,
    pub price: Option<i32>,
}

pub async fn live_of_sheet(
    conn: &mut AsyncPgConnection,
    sheet_id: i64,
) -> QueryResult<Vec<CustomOrderItemRow>> {
    custom_order_items::table
        .filter(custom_order_items::order_sheet_id.eq(sheet_id))
        .filter(custom_order_items::deleted_at.is_null())
        .order(custom_order_items::id)
        .select(CustomOrderItemRow::as_select())
        .load(conn)
        .await
}

pub async fn live_by_ids(
    conn: &mut AsyncPgConnection,
    ids: &[i64],
) -> QueryResult<Vec<CustomOrderItemRow>> {
    custom_order_items::table
        .filter(custom_order_items::id.eq_any(ids))
        .filter(custom_order_items::deleted_at.is_null())
        .select(CustomOrderItemRow::as_select())
        .load(conn)
        .await
}

pub async fn insert(
    conn: &mut AsyncPgConnection,
    sheet: &crate::orders::OrderSheetRow,
    line: &CustomLine,
) -> QueryResult<CustomOrderItemRow> {
    diesel::insert_into(custom_order_items::table)
        .values((
            custom_order_items::order_sheet_id.eq(sheet.id),
            custom_order_items::retailer_id.eq(sheet.retailer_id),
            custom_order_items::wholesaler_id.eq(sheet.wholesaler_id),
            line,
        ))
        .returning(CustomOrderItemRow::as_returning())
        .get_result(conn)
        .await
}

pub async fn update(
    conn: &mut AsyncPgConnection,
    id: i64,
    line: &CustomLine,
) -> QueryResult<CustomOrderItemRow> {
    diesel::update(custom_order_items::table.filter(custom_order_items::id.eq(id)))
        .set(line)
        .returning(CustomOrderItemRow::as_returning())
        .get_result(conn)
        .await
}

pub async fn remove(conn: &mut AsyncPgConnection, ids: &[i64]) -> QueryResult<usize> {
    diesel::update(
        custom_order_items::table
            .filter(custom_order_items::id.eq_any(ids))
            .filter(custom_order_items::deleted_at.is_null()),
    )
    .set(custom_order_items::deleted_at.eq(diesel::dsl::now))
    .execute(conn)
    .await
}
