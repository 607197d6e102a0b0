//! Order types: `OrderSheet` (with its computed totals), `OrderItem`,
//! `CustomOrderItem`, `DailyOrderItem`, `OrderSheetReceipt`,
//! `OrderSheetsAggregate`, their inputs and operations (`queries`: the
//! sheet lists; `mutations`: ordering, pricing, custom lines, the batch). Nested lists paginate per sheet
//! and load in batches, so a page of sheets costs a fixed number of queries
//! (a list of sheets is usually answered by its read model instead: see
//! `read_model` and `db::read_models::day_view`).

mod aggregate;
mod daily;
mod line;
pub mod mutations;
pub mod queries;
mod receipt;
mod sheet;

pub use aggregate::{OrderSheetsAggregate, daily_aggregate, daily_aggregates};
pub use daily::{
    DailyOrderItem, DailyOrderItemFilterInput, daily_order_items, update_daily_order_items_price,
};
pub use line::{CustomOrderItem, OrderItem};
pub use receipt::{OrderSheetReceipt, issue_receipt};
pub use sheet::OrderSheet;

fn count(value: i64) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}
