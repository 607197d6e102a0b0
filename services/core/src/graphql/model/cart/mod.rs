//! Cart types: `ShoppingSession`, `CartItem`, `CartItemsOutput`; the
//! cart's queries (`queries`) and edits (`mutations`).

pub mod mutations;
pub mod queries;
pub mod reorder;

use crate::graphql::context::Context;
use crate::graphql::error::{GqlError, GqlResult};
use crate::graphql::ids::gql_id;
use crate::graphql::model::catalogue::grade::GqlFlowerGrade;
use crate::graphql::model::catalogue::{Flower, load_flower};
use crate::graphql::model::user::{User, party_user};
use crate::graphql::pagination::output::PaginationOutputValue;
use crate::graphql::pagination::{Page, PaginationInput};
use crate::graphql::scalars::LocalDate;
use db::carts::{CartItemRow, SessionRow};
use juniper::graphql_object;
use std::sync::Arc;

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
