//! The audit row of each nightly cart → order batch, written in its own
//! transaction so a failed run still leaves its trace.

use crate::schema::batch_cart_to_order_logs;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = batch_cart_to_order_logs)]
pub struct BatchLogRow {
    pub id: i64,
    pub cart_item_count: i32,
    pub order_sheet_count: i32,
    pub order_item_count: i32,
    pub err_logs: String,
    pub status: String,
    pub failed_retailer_count: i32,
}

pub async fn start(conn: &mut AsyncPgConnection) -> QueryResult<i64> {
    diesel::insert_into(batch_cart_to_order_logs::table)
        .default_values()
        .returning(batch_cart_to_order_logs::id)
        .get_result(conn)
        .await
}

/// What a finished run reports.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchOutcome {
    pub cart_item_count: i32,
    pub order_sheet_count: i32,
    pub order_item_count: i32,
    pub failed_retailer_count: i32,
    pub err_logs: String,
}

impl BatchOutcome {
    pub fn status(&self) -> &'static str {
        match (self.failed_retailer_count, self.order_sheet_count) {
            (0, _) => "SUCCESS",
            (_, 0) => "FAILURE",
            _ => "PARTIAL",
        }
    }
}

pub async fn finish(
    conn: &mut AsyncPgConnection,
    id: i64,
    outcome: &BatchOutcome,
) -> QueryResult<()> {
    diesel::update(batch_cart_to_order_logs::table.filter(batch_cart_to_order_logs::id.eq(id)))
        .set((
            batch_cart_to_order_logs::cart_item_count.eq(outcome.cart_item_count),
            batch_cart_to_order_logs::order_sheet_count.eq(outcome.order_sheet_count),
            batch_cart_to_order_logs::order_item_count.eq(outcome.order_item_count),
            batch_cart_to_order_logs::failed_retailer_count.eq(outcome.failed_retailer_count),
            batch_cart_to_order_logs::err_logs.eq(&outcome.err_logs),
            batch_cart_to_order_logs::status.eq(outcome.status()),
            batch_cart_to_order_logs::finished_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn recent(conn: &mut AsyncPgConnection, limit: i64) -> QueryResult<Vec<BatchLogRow>> {
    batch_cart_to_order_logs::table
        .order(batch_cart_to_order_logs::id.desc())
        .limit(limit)
        .select(BatchLogRow::as_select())
        .load(conn)
        .await
}
