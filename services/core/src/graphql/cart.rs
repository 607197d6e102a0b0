//! Cart types: `ShoppingSession`, `CartItem`, `CartItemsOutput` and inputs.

use crate::graphql::catalogue::{Flower, PaginationOutputValue, load_flower};
use crate::graphql::context::Context;
use crate::graphql::enums::GqlFlowerGrade;
use crate::graphql::error::{GqlError, GqlResult};
use crate::graphql::pagination::{Page, PaginationInput};
use crate::graphql::scalars::LocalDate;
use crate::graphql::users::{User, gql_id};
use db::carts::{CartItemRow, SessionRow};
use juniper::{GraphQLInputObject, graphql_object};
use std::sync::Arc;

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

/// A user shown as a line's or sheet's party; None if the account is gone.
pub async fn party_user(ctx: &Context, id: Option<i64>) -> GqlResult<Option<User>> {
    let Some(id) = id else {
        return Ok(None);
    };
    Ok(ctx
        .loaders
        .users
        .load(id)
        .await
        .map_err(GqlError::from)?
        .map(User::from))
}

pub struct ShoppingSession(pub SessionRow);
pub struct CartItem(pub CartItemRow);

#[derive(juniper::GraphQLObject)]
#[graphql(context = Context, impl = PaginationOutputValue)]
pub struct CartItemsOutput {
    /// Live lines of the cart (not the page size).
    pub result_count: i32,
    pub items: Vec<CartItem>,
}

#[graphql_object(context = Context)]
impl ShoppingSession {
    fn id(&self) -> i32 {
        gql_id(self.0.id)
    }

    async fn retailer(&self, ctx: &Context) -> GqlResult<Option<User>> {
        party_user(ctx, Some(self.0.retailer_id)).await
    }

    async fn wholesaler(&self, ctx: &Context) -> GqlResult<Option<User>> {
        party_user(ctx, self.0.wholesaler_id).await
    }

    fn memo(&self) -> Option<&str> {
        self.0.memo.as_deref()
    }

    async fn cart_items(
        &self,
        ctx: &Context,
        pagination: Option<PaginationInput>,
    ) -> GqlResult<CartItemsOutput> {
        let page = Page::from_input(pagination.as_ref())?;
        let items = ctx
            .loaders
            .cart_items
            .load((page, self.0.id))
            .await
            .map_err(GqlError::from)?;
        let count = ctx
            .loaders
            .cart_counts
            .load(self.0.id)
            .await
            .map_err(GqlError::from)?;
        Ok(CartItemsOutput {
            result_count: i32::try_from(count).unwrap_or(i32::MAX),
            items: items
                .into_iter()
                .map(|row| CartItem(Arc::unwrap_or_clone(row)))
                .collect(),
        })
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
impl CartItem {
    fn id(&self) -> i32 {
        gql_id(self.0.id)
    }

    async fn retailer(&self, ctx: &Context) -> GqlResult<Option<User>> {
        party_user(ctx, Some(self.0.retailer_id)).await
    }

    async fn wholesaler(&self, ctx: &Context) -> GqlResult<Option<User>> {
        party_user(ctx, self.0.wholesaler_id).await
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

    fn memo(&self) -> Option<&str> {
        self.0.memo.as_deref()
    }

    fn ordered_at(&self) -> Option<LocalDate> {
        self.0.ordered_at.map(LocalDate::from_utc)
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
