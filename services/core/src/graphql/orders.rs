//! Order types: `OrderSheet` (with its computed totals), `OrderItem`,
//! `CustomOrderItem`, `DailyOrderItem`, `OrderSheetReceipt`,
//! `OrderSheetsAggregate` and their inputs. Nested lists paginate per sheet
//! and load in batches, so a page of sheets costs a fixed number of queries.

use crate::graphql::cart::party_user;
use crate::graphql::catalogue::{DateRangeInput, Flower, FlowerType, load_flower};
use crate::graphql::context::Context;
use crate::graphql::enums::GqlFlowerGrade;
use crate::graphql::error::{GqlError, GqlResult};
use crate::graphql::pagination::{Page, PaginationInput, page_asked};
use crate::graphql::prefetched::{Asked, Ex, Load, Prefetch, Prefetched, holds_child};
use crate::graphql::scalars::LocalDate;
use crate::graphql::users::{User, gql_id};
use db::daily_items::DailyItemRow;
use db::orders::{CustomOrderItemRow, OrderItemRow, OrderSheetRow, SheetReceiptRow, SheetTotals};
use juniper::{BoxFuture, GraphQLInputObject, ScalarValue, graphql_object};
use std::sync::{Arc, OnceLock};

#[derive(Debug, Clone, GraphQLInputObject)]
pub struct DateFilterInput {
    pub date: LocalDate,
}

#[derive(Debug, Clone, GraphQLInputObject)]
pub struct OrderItemPriceInput {
    pub id: i32,
    pub price: i32,
}

#[derive(Debug, Clone, GraphQLInputObject)]
pub struct DailyOrderItemFilterInput {
    pub date_range: Option<DateRangeInput>,
}

#[derive(Debug, Clone, GraphQLInputObject)]
pub struct CustomOrderItemInput {
    /// Null: insert; set: update.
    pub id: Option<i32>,
    pub flower_name: Option<String>,
    pub flower_type_name: Option<String>,
    pub grade: Option<GqlFlowerGrade>,
    pub quantity: Option<i32>,
    pub price: Option<i32>,
}

#[derive(Debug, Clone, GraphQLInputObject)]
pub struct UpsertCustomOrderItemsInput {
    pub order_sheet_id: i32,
    pub items: Vec<CustomOrderItemInput>,
}

/// An order sheet as answered: its row, its newest statement (read with
/// it), its computed totals (read with it, or counted by the list that read
/// it, so those fields are plain reads), and the children a list read ahead
/// for it (see `sheet_lists`).
pub struct OrderSheet {
    pub row: OrderSheetRow,
    summary: SheetSummary,
    held: OnceLock<HeldChildren>,
}

struct SheetSummary {
    /// The line totals: read with the sheet, or counted by the list that
    /// read it (see `sheet_lists`) before any of its fields are answered.
    totals: OnceLock<SheetTotals>,
    receipt_count: i64,
    recent: Option<OrderSheetReceipt>,
}

/// Children read ahead for a sheet, each for the arguments it was asked with.
#[derive(Default)]
pub struct HeldChildren {
    pub lines: Vec<(Page, Arc<Vec<OrderItem>>)>,
    pub custom_lines: Vec<(Page, Arc<Vec<CustomOrderItem>>)>,
    pub retailer: Option<Option<Arc<User>>>,
    pub wholesaler: Option<Option<Arc<User>>>,
}

impl OrderSheet {
    /// The sheets of `rows` with their totals and newest statements (one
    /// batched statement each, shared with sibling sheets of the request).
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
        Self::from_parts(row, summary, true)
    }

    /// A sheet read with its receipts only (`sheets_page_with_receipts`):
    /// the list that read it counts its line totals with [`Self::count`].
    pub fn with_receipts(row: OrderSheetRow, summary: db::orders::SheetSummary) -> Self {
        Self::from_parts(row, Some(summary), false)
    }

    fn from_parts(
        row: OrderSheetRow,
        summary: Option<db::orders::SheetSummary>,
        with_totals: bool,
    ) -> Self {
        let (totals, recent) = match summary {
            Some(summary) => summary.into_parts(),
            None => (SheetTotals::default(), None),
        };
        let receipt_count = totals.receipt_count;
        let counted = OnceLock::new();
        if with_totals {
            let _ = counted.set(totals);
        }
        OrderSheet {
            row,
            summary: SheetSummary {
                totals: counted,
                receipt_count,
                recent: recent.map(OrderSheetReceipt),
            },
            held: OnceLock::new(),
        }
    }

    /// Hands over the line totals a list counted (once; later calls are ignored).
    pub fn count(&self, totals: SheetTotals) {
        let _ = self.summary.totals.set(totals);
    }

    /// The line totals. Every way a sheet is read sets them before its fields
    /// are answered; their absence is a bug, answered as an internal error
    /// rather than as a wrong zero.
    fn totals(&self) -> GqlResult<&SheetTotals> {
        self.summary
            .totals
            .get()
            .ok_or_else(|| GqlError::internal("order sheets", "line totals were not counted"))
    }

    pub async fn read(ctx: &Context, row: OrderSheetRow) -> GqlResult<OrderSheet> {
        let mut sheets = Self::read_many(ctx, vec![row]).await?;
        sheets
            .pop()
            .ok_or_else(|| GqlError::internal("order sheets", "a read sheet went missing"))
    }

    /// Hands over the children a list read ahead (once; later calls are ignored).
    pub fn hold(&self, children: HeldChildren) {
        let _ = self.held.set(children);
    }

    fn held_lines(&self, page: Page) -> Option<&Arc<Vec<OrderItem>>> {
        let held = self.held.get()?;
        held.lines.iter().find(|(p, _)| *p == page).map(|(_, l)| l)
    }

    fn held_custom_lines(&self, page: Page) -> Option<&Arc<Vec<CustomOrderItem>>> {
        let held = self.held.get()?;
        held.custom_lines
            .iter()
            .find(|(p, _)| *p == page)
            .map(|(_, l)| l)
    }

    fn held_party(
        &self,
        side: fn(&HeldChildren) -> &Option<Option<Arc<User>>>,
    ) -> Option<&Option<Arc<User>>> {
        self.held.get().and_then(|held| side(held).as_ref())
    }
}
/// An order line, with its flower when the statement that found it read that too.
#[derive(Clone)]
pub struct OrderItem(pub OrderItemRow, pub Option<Flower>);

impl From<OrderItemRow> for OrderItem {
    fn from(row: OrderItemRow) -> Self {
        OrderItem(row, None)
    }
}

impl From<&db::orders::LineWithFlower> for OrderItem {
    fn from(line: &db::orders::LineWithFlower) -> Self {
        OrderItem::from(line.clone())
    }
}
impl From<db::orders::LineWithFlower> for OrderItem {
    fn from(line: db::orders::LineWithFlower) -> Self {
        let (item, flower) = line.into_parts();
        let flower = flower.map(|(f, t)| Flower(Arc::new(f), Some(FlowerType(Arc::new(t)))));
        OrderItem(item, flower)
    }
}

#[derive(Clone)]
pub struct CustomOrderItem(pub CustomOrderItemRow);
pub struct DailyOrderItem(pub DailyItemRow);
#[derive(Clone)]
pub struct OrderSheetReceipt(pub SheetReceiptRow);

fn count(value: i64) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

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

    fn retailer(&self) -> Prefetched<Option<Arc<User>>> {
        match self.held_party(|h| &h.retailer) {
            Some(user) => Prefetched::Held(user.clone()),
            None => Prefetched::Key(self.row.retailer_id),
        }
    }

    fn wholesaler(&self) -> Prefetched<Option<Arc<User>>> {
        match self.held_party(|h| &h.wholesaler) {
            Some(user) => Prefetched::Held(user.clone()),
            None => Prefetched::Key(self.row.wholesaler_id),
        }
    }

    fn order_items(
        &self,
        pagination: Option<PaginationInput>,
    ) -> GqlResult<Prefetched<Arc<Vec<OrderItem>>>> {
        let page = Page::from_input(pagination.as_ref())?;
        Ok(match self.held_lines(page) {
            Some(lines) => Prefetched::Held(lines.clone()),
            None => Prefetched::Key((page, self.row.id)),
        })
    }

    fn custom_order_items(
        &self,
        pagination: Option<PaginationInput>,
    ) -> GqlResult<Prefetched<Arc<Vec<CustomOrderItem>>>> {
        let page = Page::from_input(pagination.as_ref())?;
        Ok(match self.held_custom_lines(page) {
            Some(lines) => Prefetched::Held(lines.clone()),
            None => Prefetched::Key((page, self.row.id)),
        })
    }

    /// Σ quantity of live lines and custom lines (the shipping line included).
    fn total_flower_quantity(&self) -> GqlResult<i32> {
        Ok(count(self.totals()?.total_quantity))
    }

    /// Distinct flower types of the lines + distinct custom type names.
    fn total_flower_type_count(&self) -> GqlResult<i32> {
        Ok(count(self.totals()?.flower_type_count))
    }

    /// Σ unit prices (not × quantity), as in the original.
    fn total_flower_price(&self) -> GqlResult<i32> {
        Ok(count(self.totals()?.total_price))
    }

    fn has_receipt(&self) -> bool {
        self.summary.receipt_count > 0
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
        self.summary.recent.clone()
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

    fn flower(&self) -> Prefetched<Flower> {
        match &self.1 {
            Some(known) => Prefetched::Held(known.clone()),
            None => Prefetched::Key(self.0.flower_id),
        }
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

/// One page of a sheet's lines, when no list read them ahead.
impl Load for Arc<Vec<OrderItem>> {
    type Key = (Page, i64);

    fn load(ctx: &Context, key: Self::Key) -> BoxFuture<'_, GqlResult<Self>> {
        Box::pin(async move {
            let rows = ctx
                .loaders
                .sheet_items
                .load(key)
                .await
                .map_err(GqlError::from)?;
            Ok(Arc::new(
                rows.iter().map(|line| OrderItem::from(&**line)).collect(),
            ))
        })
    }
}

/// One page of a sheet's custom lines, when no list read them ahead.
impl Load for Arc<Vec<CustomOrderItem>> {
    type Key = (Page, i64);

    fn load(ctx: &Context, key: Self::Key) -> BoxFuture<'_, GqlResult<Self>> {
        Box::pin(async move {
            let rows = ctx
                .loaders
                .sheet_custom_items
                .load(key)
                .await
                .map_err(GqlError::from)?;
            Ok(Arc::new(
                rows.iter()
                    .map(|row| CustomOrderItem((**row).clone()))
                    .collect(),
            ))
        })
    }
}

impl<S: ScalarValue> Prefetch<S> for OrderSheet {
    fn holds(&self, field: &Asked<'_, S>, ex: &Ex<'_, S>) -> bool {
        match field.name() {
            "id"
            | "orderNo"
            | "totalFlowerQuantity"
            | "totalFlowerTypeCount"
            | "totalFlowerPrice"
            | "hasReceipt"
            | "isPriceUpdated"
            | "memo"
            | "createdAt"
            | "updatedAt"
            | "deletedAt" => true,
            "recentReceipt" => holds_child(Some(&self.summary.recent), field, ex),
            "retailer" => holds_child(self.held_party(|h| &h.retailer), field, ex),
            "wholesaler" => holds_child(self.held_party(|h| &h.wholesaler), field, ex),
            "orderItems" => {
                let lines = page_asked(field, ex).and_then(|page| self.held_lines(page));
                holds_child(lines, field, ex)
            }
            "customOrderItems" => {
                let lines = page_asked(field, ex).and_then(|page| self.held_custom_lines(page));
                holds_child(lines, field, ex)
            }
            _ => false,
        }
    }
}

impl<S: ScalarValue> Prefetch<S> for CustomOrderItem {
    fn holds(&self, field: &Asked<'_, S>, _: &Ex<'_, S>) -> bool {
        matches!(
            field.name(),
            "id" | "flowerName"
                | "flowerTypeName"
                | "quantity"
                | "grade"
                | "price"
                | "createdAt"
                | "updatedAt"
                | "deletedAt"
        )
    }
}

impl<S: ScalarValue> Prefetch<S> for OrderSheetReceipt {
    fn holds(&self, field: &Asked<'_, S>, _: &Ex<'_, S>) -> bool {
        field.name() != "orderSheet"
    }
}

impl<S: ScalarValue> Prefetch<S> for OrderItem {
    fn holds(&self, field: &Asked<'_, S>, ex: &Ex<'_, S>) -> bool {
        match field.name() {
            "id" | "quantity" | "grade" | "price" | "memo" | "createdAt" | "updatedAt"
            | "deletedAt" => true,
            "flower" => holds_child(self.1.as_ref(), field, ex),
            _ => false,
        }
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

#[graphql_object(context = Context)]
impl DailyOrderItem {
    fn id(&self) -> i32 {
        gql_id(self.0.id)
    }

    async fn wholesaler(&self, ctx: &Context) -> GqlResult<Option<User>> {
        party_user(ctx, Some(self.0.wholesaler_id)).await
    }

    async fn flower(&self, ctx: &Context) -> GqlResult<Flower> {
        load_flower(ctx, self.0.flower_id).await
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
}

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

#[derive(Debug, Clone, juniper::GraphQLObject)]
pub struct OrderSheetsAggregate {
    pub date: Option<LocalDate>,
    pub flower_types_count: i32,
    pub order_sheets_count: i32,
}

impl From<db::orders::DayAggregate> for OrderSheetsAggregate {
    fn from(day: db::orders::DayAggregate) -> Self {
        OrderSheetsAggregate {
            date: day.day.and_hms_opt(0, 0, 0).map(LocalDate),
            flower_types_count: count(day.flower_types_count),
            order_sheets_count: count(day.order_sheets_count),
        }
    }
}
