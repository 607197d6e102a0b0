//! Order types: `OrderSheet` (with its computed totals), `OrderItem`,
//! `CustomOrderItem` and `OrderSheetReceipt` here, as they refer to each
//! other; `DailyOrderItem` in `daily`, `OrderSheetsAggregate` in `aggregate`,
//! issuing a statement in `receipt`, the sheet lists in `queries`, and
//! ordering, pricing, custom lines and the batch in `mutations`.
//!
//! Nested lists paginate per sheet and load in batches, so a page of sheets
//! costs a fixed number of queries (a list of sheets is usually answered by
//! its read model instead: see `read_model` and `db::read_models::day_view`).

pub mod aggregate;
pub mod daily;
pub mod editing;
pub mod mutations;
pub mod pick_list;
pub mod queries;
pub mod receipt;
pub mod standing;

use crate::graphql::context::Context;
use crate::graphql::error::{GqlError, GqlResult};
use crate::graphql::ids::{gql_count, gql_id};
use crate::graphql::model::audit::AuditEvent;
use crate::graphql::model::catalogue::grade::GqlFlowerGrade;
use crate::graphql::model::catalogue::{Flower, load_flower};
use crate::graphql::model::user::{User, party_user};
use crate::graphql::pagination::{Page, PaginationInput};
use crate::graphql::scalars::LocalDate;
use db::orders::{CustomOrderItemRow, OrderItemRow, OrderSheetRow, SheetReceiptRow, SheetTotals};
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
async fn load_sheet(ctx: &Context, id: i64) -> GqlResult<OrderSheet> {
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
        gql_count(self.totals.total_quantity)
    }

    /// Distinct flower types of the lines + distinct custom type names.
    fn total_flower_type_count(&self) -> i32 {
        gql_count(self.totals.flower_type_count)
    }

    /// Σ unit prices (not × quantity), as in the original.
    fn total_flower_price(&self) -> i32 {
        gql_count(self.totals.total_price)
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

    /// Who changed the sheet, its lines, prices, custom lines and statements,
    /// when, and the changed fields before and after (newest first unless
    /// `pagination` says otherwise).
    async fn history(
        &self,
        ctx: &Context,
        pagination: Option<PaginationInput>,
    ) -> GqlResult<Vec<AuditEvent>> {
        let page = Page::from_input(pagination.as_ref())?;
        let rows = ctx
            .loaders
            .sheet_history
            .load((page, self.row.id))
            .await
            .map_err(GqlError::from)?;
        Ok(rows
            .into_iter()
            .map(|keyed| AuditEvent(Arc::unwrap_or_clone(keyed).row))
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

    /// 주문 마감: the wholesaler's cut-off this sheet belongs to (the first
    /// one after it was placed), KST
    async fn cutoff_at(&self, ctx: &Context) -> GqlResult<LocalDate> {
        Ok(LocalDate::from_utc(self.window(ctx).await?.cutoff_at))
    }

    /// Whether its florist may still change it directly (before the cut-off,
    /// or the wholesaler allows edits after it, and no statement issued);
    /// otherwise changes go through `requestOrderSheetChange`
    async fn is_editable(&self, ctx: &Context) -> GqlResult<bool> {
        Ok(self.window(ctx).await?.editable && !self.totals_have_receipt())
    }

    /// The florist's change requests for this sheet, newest first
    async fn change_requests(&self, ctx: &Context) -> GqlResult<Vec<editing::OrderChangeRequest>> {
        let rows = ctx
            .loaders
            .change_requests
            .load(((), self.row.id))
            .await
            .map_err(GqlError::from)?;
        Ok(rows
            .into_iter()
            .take(crate::trading::editing::MAX_LISTED_REQUESTS)
            .map(|r| editing::OrderChangeRequest((*r).clone()))
            .collect())
    }
}

impl OrderSheet {
    async fn window(&self, ctx: &Context) -> GqlResult<crate::trading::editing::Window> {
        let stored = ctx
            .loaders
            .cutoffs
            .load(self.row.wholesaler_id)
            .await
            .map_err(GqlError::from)?;
        let schedule = stored.map_or_else(domain::cutoff::CutoffSchedule::default, |r| {
            domain::cutoff::CutoffSchedule::from_stored(&r.cutoff_minutes, r.edit_after_cutoff)
        });
        Ok(crate::trading::editing::window(
            &schedule,
            &self.row,
            chrono::Utc::now(),
        ))
    }

    fn totals_have_receipt(&self) -> bool {
        self.totals.receipt_count > 0
    }
}

/// An order line.
#[derive(Clone)]
pub struct OrderItem(pub OrderItemRow);

#[derive(Clone)]
pub struct CustomOrderItem(pub CustomOrderItemRow);

#[graphql_object(context = Context)]
impl OrderItem {
    fn id(&self) -> i32 {
        gql_id(self.0.id)
    }

    async fn order_sheet(&self, ctx: &Context) -> GqlResult<OrderSheet> {
        load_sheet(ctx, self.0.order_sheet_id).await
    }

    async fn retailer(&self, ctx: &Context) -> GqlResult<Option<User>> {
        party_user(ctx, Some(self.0.retailer_id)).await
    }

    async fn wholesaler(&self, ctx: &Context) -> GqlResult<Option<User>> {
        party_user(ctx, Some(self.0.wholesaler_id)).await
    }

    async fn flower(&self, ctx: &Context) -> GqlResult<Flower> {
        load_flower(ctx, self.0.flower_id).await
    }

    fn quantity(&self) -> i32 {
        self.0.quantity
    }

    fn grade(&self) -> GqlResult<GqlFlowerGrade> {
        GqlFlowerGrade::from_stored(&self.0.grade)
    }

    fn price(&self) -> Option<i32> {
        self.0.price
    }

    fn created_at(&self) -> LocalDate {
        LocalDate::from_utc(self.0.created_at)
    }

    fn updated_at(&self) -> LocalDate {
        LocalDate::from_utc(self.0.updated_at)
    }

    fn deleted_at(&self) -> Option<LocalDate> {
        self.0.deleted_at.map(LocalDate::from_utc)
    }

    fn memo(&self) -> Option<&str> {
        self.0.memo.as_deref()
    }
}

#[graphql_object(context = Context)]
impl CustomOrderItem {
    fn id(&self) -> i32 {
        gql_id(self.0.id)
    }

    async fn order_sheet(&self, ctx: &Context) -> GqlResult<OrderSheet> {
        load_sheet(ctx, self.0.order_sheet_id).await
    }

    async fn retailer(&self, ctx: &Context) -> GqlResult<Option<User>> {
        party_user(ctx, Some(self.0.retailer_id)).await
    }

    async fn wholesaler(&self, ctx: &Context) -> GqlResult<Option<User>> {
        party_user(ctx, Some(self.0.wholesaler_id)).await
    }

    fn flower_name(&self) -> Option<&str> {
        self.0.flower_name.as_deref()
    }

    fn flower_type_name(&self) -> Option<&str> {
        self.0.flower_type_name.as_deref()
    }

    fn quantity(&self) -> Option<i32> {
        self.0.quantity
    }

    fn grade(&self) -> GqlResult<Option<GqlFlowerGrade>> {
        self.0
            .grade
            .as_deref()
            .map(GqlFlowerGrade::from_stored)
            .transpose()
    }

    fn price(&self) -> Option<i32> {
        self.0.price
    }

    fn created_at(&self) -> LocalDate {
        LocalDate::from_utc(self.0.created_at)
    }

    fn updated_at(&self) -> LocalDate {
        LocalDate::from_utc(self.0.updated_at)
    }

    fn deleted_at(&self) -> Option<LocalDate> {
        self.0.deleted_at.map(LocalDate::from_utc)
    }
}

#[derive(Clone)]
pub struct OrderSheetReceipt(pub SheetReceiptRow);

#[graphql_object(context = Context)]
impl OrderSheetReceipt {
    fn id(&self) -> i32 {
        gql_id(self.0.id)
    }

    async fn order_sheet(&self, ctx: &Context) -> GqlResult<OrderSheet> {
        load_sheet(ctx, self.0.order_sheet_id).await
    }

    fn file_name(&self) -> &str {
        &self.0.file_name
    }

    fn file_path(&self) -> &str {
        &self.0.file_path
    }

    fn file_format(&self) -> &str {
        &self.0.file_format
    }

    fn metadata(&self) -> &str {
        &self.0.metadata
    }

    fn created_at(&self) -> LocalDate {
        LocalDate::from_utc(self.0.created_at)
    }

    fn updated_at(&self) -> LocalDate {
        LocalDate::from_utc(self.0.updated_at)
    }

    fn deleted_at(&self) -> Option<LocalDate> {
        self.0.deleted_at.map(LocalDate::from_utc)
    }
}
