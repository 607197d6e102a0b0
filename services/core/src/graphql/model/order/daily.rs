//! `DailyOrderItem`: one flower and grade of a wholesaler's day, priced in
//! bulk (판매가 일괄적용) for every matching line.

use crate::graphql::context::Context;
use crate::graphql::error::GqlResult;
use crate::graphql::ids::gql_id;
use crate::graphql::model::WHOLESALER;
use crate::graphql::model::catalogue::grade::GqlFlowerGrade;
use crate::graphql::model::catalogue::{DateRangeInput, Flower, load_flower};
use crate::graphql::model::order::mutations::{OrderItemPriceInput, price_pairs};
use crate::graphql::model::user::{User, party_user};
use crate::graphql::pagination::{Page, PaginationInput};
use crate::graphql::scalars::LocalDate;
use crate::trading::{pricing, scope};
use db::daily_items::DailyItemRow;
use juniper::{GraphQLInputObject, graphql_object};

#[derive(Debug, Clone, GraphQLInputObject)]
pub struct DailyOrderItemFilterInput {
    pub date_range: Option<DateRangeInput>,
}

pub struct DailyOrderItem(pub DailyItemRow);

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

pub async fn daily_order_items(
    ctx: &Context,
    filter: Option<DailyOrderItemFilterInput>,
    pagination: Option<PaginationInput>,
) -> GqlResult<Vec<DailyOrderItem>> {
    let viewer = ctx.require_role(WHOLESALER)?;
    let page = Page::from_input(pagination.as_ref())?;
    let range = filter
        .and_then(|f| f.date_range)
        .map(|r| (r.from_date.date(), r.to_date.date()));
    let mut conn = ctx.conn().await?;
    let wholesaler = scope::acting_wholesaler(&mut conn, viewer).await?;
    let rows = db::daily_items::page(
        &mut conn,
        wholesaler,
        range,
        page.descending,
        page.offset,
        page.limit,
    )
    .await?;
    Ok(rows.into_iter().map(DailyOrderItem).collect())
}

pub async fn update_daily_order_items_price(
    ctx: &Context,
    items: Vec<OrderItemPriceInput>,
) -> GqlResult<Vec<DailyOrderItem>> {
    let viewer = ctx.require_role(WHOLESALER)?;
    let rows = pricing::update_daily_prices(&ctx.pool, viewer, &price_pairs(&items)).await?;
    Ok(rows.into_iter().map(DailyOrderItem).collect())
}
