//! The retailer's cart edits (`trading::cart`) and their inputs.

use crate::graphql::context::Context;
use crate::graphql::error::{GqlError, GqlResult};
use crate::graphql::ids::id64;
use crate::graphql::model::RETAILER;
use crate::graphql::model::cart::{CartItem, ShoppingSession};
use crate::graphql::model::catalogue::grade::GqlFlowerGrade;
use crate::trading::cart;
use domain::ErrorCode;
use juniper::GraphQLInputObject;

#[derive(Debug, Clone, GraphQLInputObject)]
pub struct AddToCartInput {
    pub flower_id: i32,
    pub quantity: i32,
    pub grade: GqlFlowerGrade,
    pub memo: Option<String>,
}

#[derive(Debug, Clone, GraphQLInputObject)]
pub struct UpdateCartItemInput {
    pub id: i32,
    pub quantity: i32,
    pub grade: GqlFlowerGrade,
    pub memo: Option<String>,
}

#[derive(Debug, Clone, GraphQLInputObject)]
pub struct UpdateShoppingSessionInput {
    pub wholesaler_id: Option<i32>,
    pub memo: Option<String>,
}

/// Declared by the original schema (no operation takes it any more).
#[derive(Debug, Clone, GraphQLInputObject)]
pub struct OrderCartItemsInput {
    pub cart_item_ids: Vec<i32>,
    pub wholesaler_id: i32,
}

pub async fn add_to_cart(ctx: &Context, input: Option<AddToCartInput>) -> GqlResult<CartItem> {
    let viewer = ctx.require_role(RETAILER)?;
    let input =
        input.ok_or_else(|| GqlError::message(ErrorCode::InvalidData, "input is required."))?;
    let line = cart::LineInput {
        flower_id: id64(input.flower_id),
        quantity: input.quantity,
        grade: input.grade.to_domain(),
        memo: input.memo,
    };
    Ok(cart::add(&ctx.pool, viewer, line).await.map(CartItem)?)
}

pub async fn update_cart_item(ctx: &Context, input: UpdateCartItemInput) -> GqlResult<CartItem> {
    let viewer = ctx.require_role(RETAILER)?;
    let line = cart::LineInput {
        flower_id: 0,
        quantity: input.quantity,
        grade: input.grade.to_domain(),
        memo: input.memo,
    };
    Ok(cart::update(&ctx.pool, viewer, id64(input.id), line)
        .await
        .map(CartItem)?)
}

pub async fn remove_cart_item(ctx: &Context, id: i32) -> GqlResult<()> {
    let viewer = ctx.require_role(RETAILER)?;
    Ok(cart::remove(&ctx.pool, viewer, id64(id)).await?)
}

pub async fn update_shopping_session(
    ctx: &Context,
    input: UpdateShoppingSessionInput,
) -> GqlResult<ShoppingSession> {
    let viewer = ctx.require_role(RETAILER)?;
    Ok(
        cart::update_session(&ctx.pool, viewer, input.wholesaler_id.map(id64), input.memo)
            .await
            .map(ShoppingSession)?,
    )
}

/// The deprecated way to choose the wholesaler: returns the cart's lines.
pub async fn upsert_wholesaler_on_cart_items(
    ctx: &Context,
    wholesaler_id: i32,
) -> GqlResult<Vec<CartItem>> {
    let viewer = ctx.require_role(RETAILER)?;
    cart::update_session(&ctx.pool, viewer, Some(id64(wholesaler_id)), None).await?;
    let mut conn = ctx.conn().await?;
    let rows = db::carts::live_items_of_retailer(&mut conn, viewer.user_id.get()).await?;
    Ok(rows.into_iter().map(CartItem).collect())
}
