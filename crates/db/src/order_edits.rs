//! A florist's edits of a placed sheet (before its cut-off, or accepted by
//! the wholesaler after it): lines changed, added and removed. A changed or
//! added line carries no price, and the sheet loses its "priced" flag, so no
//! statement bills a line at a price set for what it was before.

use crate::orders::{OrderItemRow, OrderSheetRow};
use crate::statement::prepared;
use diesel::sql_types::{Array, BigInt, Integer, Nullable, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

/// Changes one live line of `sheet`; `memo: None` keeps the memo.
pub async fn change_line(
    conn: &mut AsyncPgConnection,
    sheet_id: i64,
    item_id: i64,
    quantity: i32,
    grade: &str,
    memo: Option<Option<&str>>,
) -> diesel::QueryResult<Option<OrderItemRow>> {
    let returning = crate::columns::ORDER_ITEMS.columns;
    let keep_memo = memo.is_none();
    let memo = memo.flatten();
    diesel::OptionalExtension::optional(
        prepared(format!(
            "UPDATE order_items SET quantity = $3, grade = $4, price = NULL, \
               memo = CASE WHEN $5 THEN memo ELSE $6 END, updated_at = now() \
             WHERE id = $2 AND order_sheet_id = $1 AND deleted_at IS NULL RETURNING {returning}"
        ))
        .bind::<BigInt, _>(sheet_id)
        .bind::<BigInt, _>(item_id)
        .bind::<Integer, _>(quantity)
        .bind::<Text, _>(grade)
        .bind::<diesel::sql_types::Bool, _>(keep_memo)
        .bind::<Nullable<Text>, _>(memo)
        .get_result(conn)
        .await,
    )
}

/// A new, unpriced line on the sheet.
pub async fn add_line(
    conn: &mut AsyncPgConnection,
    sheet: &OrderSheetRow,
    flower_id: i64,
    quantity: i32,
    grade: &str,
    memo: Option<&str>,
) -> diesel::QueryResult<OrderItemRow> {
    let returning = crate::columns::ORDER_ITEMS.columns;
    prepared(format!(
        "INSERT INTO order_items (order_sheet_id, retailer_id, wholesaler_id, flower_id, quantity, grade, memo) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {returning}"
    ))
    .bind::<BigInt, _>(sheet.id)
    .bind::<BigInt, _>(sheet.retailer_id)
    .bind::<BigInt, _>(sheet.wholesaler_id)
    .bind::<BigInt, _>(flower_id)
    .bind::<Integer, _>(quantity)
    .bind::<Text, _>(grade)
    .bind::<Nullable<Text>, _>(memo)
    .get_result(conn)
    .await
}

/// Removes live lines of the sheet; answers how many were live.
pub async fn remove_lines(
    conn: &mut AsyncPgConnection,
    sheet_id: i64,
    item_ids: &[i64],
) -> diesel::QueryResult<usize> {
    prepared(
        "UPDATE order_items SET deleted_at = now() \
         WHERE order_sheet_id = $1 AND id = ANY($2) AND deleted_at IS NULL",
    )
    .bind::<BigInt, _>(sheet_id)
    .bind::<Array<BigInt>, _>(item_ids)
    .execute(conn)
    .await
}

/// The sheet changed: not priced any more (the wholesaler prices again).
pub async fn mark_changed(conn: &mut AsyncPgConnection, sheet_id: i64) -> diesel::QueryResult<()> {
    prepared("UPDATE order_sheets SET price_updated_at = NULL, updated_at = now() WHERE id = $1")
        .bind::<BigInt, _>(sheet_id)
        .execute(conn)
        .await
        .map(drop)
}
