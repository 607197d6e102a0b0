//! `OrderSheet`: a sheet with its computed totals and newest statement.

use crate::graphql::context::Context;
use crate::graphql::error::{GqlError, GqlResult};
use crate::graphql::ids::gql_id;
use crate::graphql::model::order::{CustomOrderItem, OrderItem, OrderSheetReceipt, count};
use crate::graphql::model::user::{User, party_user};
use crate::graphql::pagination::{Page, PaginationInput};
use crate::graphql::scalars::LocalDate;
use db::orders::{OrderSheetRow, SheetTotals};
use juniper::graphql_object;
use std::sync::Arc;

/// An order sheet as answered: its row with its computed totals and newest
/// statement, read together (one batched statement for a page of sheets).
pub struct OrderSheet {
    pub row: OrderSheetRow,
    totals: SheetTotals,
    recent: Option<OrderSheetReceipt>,
}

impl OrderSheet {
    /// The sheets of `rows` with their totals and newest statements (one
    /// batched statement, shared with sibling sheets of the request).
    pub async fn read_many(ctx: &Context, rows: Vec<OrderSheetRow>) -> GqlResult<Vec<OrderSheet>> {
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut summaries = ctx.loaders.summaries.load_many(ids).await;
        rows.into_iter()
            .map(|row| {
                let summary = summaries
                    .remove(&row.id)
                    .unwrap_or(Ok(None))
                    .map_err(GqlError::from)?;
                Ok(OrderSheet::with_summary(row, summary))
            })
            .collect()
    }

    /// A sheet read together with its summary (None: no such row came back,
    /// which only a sheet removed meanwhile can cause; it then counts nothing).
    pub fn with_summary(row: OrderSheetRow, summary: Option<db::orders::SheetSummary>) -> Self {
        let (totals, recent) = match summary {
            Some(summary) => summary.into_parts(),
            None => (SheetTotals::default(), None),
        };
        OrderSheet {
            row,
            totals,
            recent: recent.map(OrderSheetReceipt),
        }
    }

    pub async fn read(ctx: &Context, row: OrderSheetRow) -> GqlResult<OrderSheet> {
        let mut sheets = Self::read_many(ctx, vec![row]).await?;
        sheets
            .pop()
            .ok_or_else(|| GqlError::internal("order sheets", "a read sheet went missing"))
    }
}

/// A sheet by id (a line or statement points at a live one).
pub(super) async fn load_sheet(ctx: &Context, id: i64) -> GqlResult<OrderSheet> {
    let row = ctx
        .loaders
        .sheets
        .load(id)
        .await
        .map_err(GqlError::from)?
        .ok_or_else(|| crate::trading::scope::no_order_sheet(id))?;
    OrderSheet::read(ctx, row).await
}

#[graphql_object(context = Context)]
impl OrderSheet {
    fn id(&self) -> i32 {
        gql_id(self.row.id)
    }

    fn order_no(&self) -> &str {
        &self.row.order_no
    }

    async fn retailer(&self, ctx: &Context) -> GqlResult<Option<User>> {
        party_user(ctx, Some(self.row.retailer_id)).await
    }

    async fn wholesaler(&self, ctx: &Context) -> GqlResult<Option<User>> {
        party_user(ctx, Some(self.row.wholesaler_id)).await
    }

    async fn order_items(
        &self,
        ctx: &Context,
        pagination: Option<PaginationInput>,
    ) -> GqlResult<Vec<OrderItem>> {
        let page = Page::from_input(pagination.as_ref())?;
        let rows = ctx
            .loaders
            .sheet_items
            .load((page, self.row.id))
            .await
            .map_err(GqlError::from)?;
        Ok(rows
            .into_iter()
            .map(|row| OrderItem(Arc::unwrap_or_clone(row)))
            .collect())
    }

    async fn custom_order_items(
        &self,
        ctx: &Context,
        pagination: Option<PaginationInput>,
    ) -> GqlResult<Vec<CustomOrderItem>> {
        let page = Page::from_input(pagination.as_ref())?;
        let rows = ctx
            .loaders
            .sheet_custom_items
            .load((page, self.row.id))
            .await
            .map_err(GqlError::from)?;
        Ok(rows
            .into_iter()
            .map(|row| CustomOrderItem(Arc::unwrap_or_clone(row)))
            .collect())
    }

    /// Σ quantity of live lines and custom lines (the shipping line included).
    fn total_flower_quantity(&self) -> i32 {
        count(self.totals.total_quantity)
    }

    /// Distinct flower types of the lines + distinct custom type names.
    fn total_flower_type_count(&self) -> i32 {
        count(self.totals.flower_type_count)
    }

    /// Σ unit prices (not × quantity), as in the original.
    fn total_flower_price(&self) -> i32 {
        count(self.totals.total_price)
    }

    fn has_receipt(&self) -> bool {
        self.totals.receipt_count > 0
    }

    async fn order_sheet_receipts(
        &self,
        ctx: &Context,
        pagination: Option<PaginationInput>,
    ) -> GqlResult<Vec<OrderSheetReceipt>> {
        let page = Page::from_input(pagination.as_ref())?;
        let rows = ctx
            .loaders
            .sheet_receipts
            .load((page, self.row.id))
            .await
            .map_err(GqlError::from)?;
        Ok(rows
            .into_iter()
            .map(|row| OrderSheetReceipt(Arc::unwrap_or_clone(row)))
            .collect())
    }

    fn recent_receipt(&self) -> Option<OrderSheetReceipt> {
        self.recent.clone()
    }

    fn is_price_updated(&self) -> Option<bool> {
        Some(self.row.price_updated_at.is_some())
    }

    fn memo(&self) -> Option<&str> {
        self.row.memo.as_deref()
    }

    fn created_at(&self) -> LocalDate {
        LocalDate::from_utc(self.row.created_at)
    }

    fn updated_at(&self) -> LocalDate {
        LocalDate::from_utc(self.row.updated_at)
    }

    fn deleted_at(&self) -> Option<LocalDate> {
        self.row.deleted_at.map(LocalDate::from_utc)
    }
}
