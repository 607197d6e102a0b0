//! Ordering (`trading::ordering`), line prices (`trading::pricing`), custom
//! lines (`trading::custom_items`) and the batch on demand, with their inputs.

use crate::graphql::context::Context;
use crate::graphql::error::{GqlError, GqlResult};
use crate::graphql::ids::id64;
use crate::graphql::model::catalogue::grade::GqlFlowerGrade;
use crate::graphql::model::order::{CustomOrderItem, OrderItem, OrderSheet};
use crate::graphql::model::{RETAILER, WHOLESALER};
use crate::trading::{custom_items, ordering, pricing};
use domain::{ErrorCode, Role};
use juniper::GraphQLInputObject;

#[derive(Debug, Clone, GraphQLInputObject)]
pub struct OrderItemPriceInput {
    pub id: i32,
    pub price: i32,
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

pub async fn order_cart_items(ctx: &Context) -> GqlResult<Option<OrderSheet>> {
    let viewer = ctx.require_role(RETAILER)?;
    let row = ordering::order_cart(&ctx.pool, viewer).await?;
    OrderSheet::read(ctx, row).await.map(Some)
}

pub async fn remove_order_sheet(ctx: &Context, id: i32) -> GqlResult<()> {
    let viewer = ctx.require_role(RETAILER)?;
    Ok(ordering::remove_sheet(&ctx.pool, viewer, id64(id)).await?)
}

pub(super) fn price_pairs(items: &[OrderItemPriceInput]) -> Vec<(i64, i32)> {
    items.iter().map(|i| (id64(i.id), i.price)).collect()
}

pub async fn update_order_items_price(
    ctx: &Context,
    items: Vec<OrderItemPriceInput>,
) -> GqlResult<Vec<OrderItem>> {
    let viewer = ctx.require_role(WHOLESALER)?;
    let rows = pricing::update_item_prices(&ctx.pool, viewer, &price_pairs(&items)).await?;
    Ok(rows.into_iter().map(OrderItem).collect())
}

pub async fn upsert_custom_order_items(
    ctx: &Context,
    input: UpsertCustomOrderItemsInput,
) -> GqlResult<Vec<CustomOrderItem>> {
    let viewer = ctx.require_role(WHOLESALER)?;
    let items = input
        .items
        .into_iter()
        .map(|i| custom_items::CustomInput {
            id: i.id.map(id64),
            flower_name: i.flower_name,
            flower_type_name: i.flower_type_name,
            grade: i.grade.map(|g| g.to_domain()),
            quantity: i.quantity,
            price: i.price,
        })
        .collect();
    let rows = custom_items::upsert(&ctx.pool, viewer, id64(input.order_sheet_id), items).await?;
    Ok(rows.into_iter().map(CustomOrderItem).collect())
}

pub async fn remove_custom_order_items(ctx: &Context, ids: Vec<i32>) -> GqlResult<()> {
    let viewer = ctx.require_role(WHOLESALER)?;
    let ids: Vec<i64> = ids.into_iter().map(id64).collect();
    Ok(custom_items::remove(&ctx.pool, viewer, &ids).await?)
}

pub async fn order_batch(ctx: &Context) -> GqlResult<()> {
    ctx.require_role(&[Role::Admin])?;
    match crate::trading::batch::run(&ctx.pool).await {
        Ok(_) => Ok(()),
        Err(crate::trading::batch::BatchError::AlreadyRunning) => Err(GqlError::message(
            ErrorCode::Conflict,
            "The order batch is already running.",
        )),
        Err(e) => Err(GqlError::internal("order batch", e)),
    }
}
