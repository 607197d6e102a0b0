//! Order types: `OrderSheet` (with its computed totals), `OrderItem`,
//! `CustomOrderItem`, `DailyOrderItem`, `OrderSheetReceipt`,
//! `OrderSheetsAggregate` and their inputs. Nested lists paginate per sheet
//! and load in batches, so a page of sheets costs a fixed number of queries.

use crate::graphql::cart::party_user;
use crate::graphql::catalogue::{DateRangeInput, Flower, FlowerType, load_flower};
use crate::graphql::context::Context;
use crate::graphql::enums::GqlFlowerGrade;
use crate::graphql::error::{GqlError, GqlResult};
use crate::graphql::pagination::{Page, PaginationInput};
use crate::graphql::prefetched::{Ex, Load, Prefetch, Prefetched, holds_child};
use crate::graphql::scalars::LocalDate;
use crate::graphql::users::{User, gql_id};
use db::daily_items::DailyItemRow;
use db::orders::{CustomOrderItemRow, OrderItemRow, OrderSheetRow, SheetReceiptRow, SheetTotals};
use juniper::{BoxFuture, GraphQLInputObject, ScalarValue, Selection, graphql_object};
use std::sync::Arc;

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

pub struct OrderSheet(pub OrderSheetRow);
/// An order line, with its flower when the statement that found it read that too.
pub struct OrderItem(pub OrderItemRow, pub Option<Flower>);

impl From<OrderItemRow> for OrderItem {
    fn from(row: OrderItemRow) -> Self {
        OrderItem(row, None)
    }
}

impl From<&db::orders::LineWithFlower> for OrderItem {
    fn from(line: &db::orders::LineWithFlower) -> Self {
        let flower = line
            .flower()
            .map(|(f, t)| Flower(Arc::new(f), Some(FlowerType(Arc::new(t)))));
        OrderItem(line.item.clone(), flower)
    }
}
pub struct CustomOrderItem(pub CustomOrderItemRow);
pub struct DailyOrderItem(pub DailyItemRow);
pub struct OrderSheetReceipt(pub SheetReceiptRow);

fn count(value: i64) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

async fn load_sheet(ctx: &Context, id: i64) -> GqlResult<OrderSheet> {
    ctx.loaders
        .sheets
        .load(id)
        .await
        .map_err(|e| GqlError::internal("order sheets", e))?
        .map(OrderSheet)
        .ok_or_else(|| crate::trading::scope::no_order_sheet(id))
}

impl OrderSheet {
    async fn totals(&self, ctx: &Context) -> GqlResult<SheetTotals> {
        Ok(ctx
            .loaders
            .totals
            .load(self.0.id)
            .await
            .map_err(|e| GqlError::internal("sheet totals", e))?
            .unwrap_or_default())
    }
}

#[graphql_object(context = Context)]
impl OrderSheet {
    fn id(&self) -> i32 {
        gql_id(self.0.id)
    }

    fn order_no(&self) -> &str {
        &self.0.order_no
    }

    async fn retailer(&self, ctx: &Context) -> GqlResult<Option<User>> {
        party_user(ctx, Some(self.0.retailer_id)).await
    }

    async fn wholesaler(&self, ctx: &Context) -> GqlResult<Option<User>> {
        party_user(ctx, Some(self.0.wholesaler_id)).await
    }

    async fn order_items(
        &self,
        ctx: &Context,
        pagination: Option<PaginationInput>,
    ) -> GqlResult<Vec<Prefetched<OrderItem>>> {
        let page = Page::from_input(pagination.as_ref())?;
        let rows = ctx
            .loaders
            .sheet_items
            .load((page, self.0.id))
            .await
            .map_err(|e| GqlError::internal("order items", e))?;
        Ok(rows
            .into_iter()
            .map(|line| Prefetched::Held(OrderItem::from(&*line)))
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
            .load((page, self.0.id))
            .await
            .map_err(|e| GqlError::internal("custom order items", e))?;
        Ok(rows
            .into_iter()
            .map(|row| CustomOrderItem(Arc::unwrap_or_clone(row)))
            .collect())
    }

    /// Σ quantity of live lines and custom lines (the shipping line included).
    async fn total_flower_quantity(&self, ctx: &Context) -> GqlResult<i32> {
        Ok(count(self.totals(ctx).await?.total_quantity))
    }

    /// Distinct flower types of the lines + distinct custom type names.
    async fn total_flower_type_count(&self, ctx: &Context) -> GqlResult<i32> {
        Ok(count(self.totals(ctx).await?.flower_type_count))
    }

    /// Σ unit prices (not × quantity), as in the original.
    async fn total_flower_price(&self, ctx: &Context) -> GqlResult<i32> {
        Ok(count(self.totals(ctx).await?.total_price))
    }

    async fn has_receipt(&self, ctx: &Context) -> GqlResult<bool> {
        Ok(self.totals(ctx).await?.receipt_count > 0)
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
            .load((page, self.0.id))
            .await
            .map_err(|e| GqlError::internal("receipts", e))?;
        Ok(rows
            .into_iter()
            .map(|row| OrderSheetReceipt(Arc::unwrap_or_clone(row)))
            .collect())
    }

    async fn recent_receipt(&self, ctx: &Context) -> GqlResult<Option<OrderSheetReceipt>> {
        Ok(ctx
            .loaders
            .recent_receipts
            .load(self.0.id)
            .await
            .map_err(|e| GqlError::internal("receipts", e))?
            .map(OrderSheetReceipt))
    }

    fn is_price_updated(&self) -> Option<bool> {
        Some(self.0.price_updated_at.is_some())
    }

    fn memo(&self) -> Option<&str> {
        self.0.memo.as_deref()
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

impl Load for OrderItem {
    /// Lines are only handed over already read.
    type Key = std::convert::Infallible;

    fn load(_: &Context, key: Self::Key) -> BoxFuture<'_, GqlResult<Self>> {
        match key {}
    }
}

impl<S: ScalarValue> Prefetch<S> for OrderItem {
    fn holds(&self, field: &str, selection: Option<&[Selection<'_, S>]>, ex: &Ex<'_, S>) -> bool {
        match field {
            "id" | "quantity" | "grade" | "price" | "memo" | "createdAt" | "updatedAt"
            | "deletedAt" => true,
            "flower" => holds_child(self.1.as_ref(), selection, ex),
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
