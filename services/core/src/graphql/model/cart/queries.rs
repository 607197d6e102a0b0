//! The retailer's open cart: `shoppingSession` and the deprecated
//! `getAllCartItems` and `getCartWholesaler`.

use crate::graphql::context::Context;
use crate::graphql::error::GqlResult;
use crate::graphql::model::RETAILER;
use crate::graphql::model::cart::{CartItem, ShoppingSession};
use crate::graphql::model::user::{User, party_user};
use crate::graphql::pagination::{Page, PaginationInput};
use std::sync::Arc;

pub async fn shopping_session(ctx: &Context) -> GqlResult<Option<ShoppingSession>> {
    let viewer = ctx.require_role(RETAILER)?;
    let mut conn = ctx.conn().await?;
    Ok(db::carts::live_session(&mut conn, viewer.user_id.get())
        .await?
        .map(ShoppingSession))
}

pub async fn all_cart_items(
    ctx: &Context,
    pagination: Option<PaginationInput>,
) -> GqlResult<Vec<CartItem>> {
    let page = Page::from_input(pagination.as_ref())?;
    let Some(session) = shopping_session(ctx).await? else {
        return Ok(Vec::new());
    };
    let rows = ctx.loaders.cart_items.load((page, session.0.id)).await?;
    Ok(rows
        .into_iter()
        .map(|row| CartItem(Arc::unwrap_or_clone(row)))
        .collect())
}

pub async fn cart_wholesaler(ctx: &Context) -> GqlResult<Option<User>> {
    match shopping_session(ctx).await? {
        Some(session) => party_user(ctx, session.0.wholesaler_id).await,
        None => Ok(None),
    }
}
