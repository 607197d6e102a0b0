//! The lines of a sheet: `OrderItem` (a flower ordered from the cart) and
//! `CustomOrderItem` (a free-text line the wholesaler adds, the shipping fee
//! among them).

use crate::graphql::context::Context;
use crate::graphql::error::GqlResult;
use crate::graphql::ids::gql_id;
use crate::graphql::model::catalogue::{Flower, GqlFlowerGrade, load_flower};
use crate::graphql::model::order::OrderSheet;
use crate::graphql::model::order::sheet::load_sheet;
use crate::graphql::model::user::{User, party_user};
use crate::graphql::scalars::LocalDate;
use db::orders::{CustomOrderItemRow, OrderItemRow};
use juniper::graphql_object;

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
