//! `OrderSheetsAggregate`: the wholesaler's dashboard, sheets and flower
//! types per day.

use crate::graphql::context::Context;
use crate::graphql::error::GqlResult;
use crate::graphql::ids::gql_count;
use crate::graphql::model::WHOLESALER;
use crate::graphql::pagination::{Page, PaginationInput};
use crate::graphql::scalars::LocalDate;
use crate::trading::scope;

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
            flower_types_count: gql_count(day.flower_types_count),
            order_sheets_count: gql_count(day.order_sheets_count),
        }
    }
}

/// Days the dashboard covers: the last three months, today included (KST).
fn dashboard_window() -> (chrono::NaiveDate, chrono::NaiveDate) {
    let today = domain::time::business_day(chrono::Utc::now());
    let from = today
        .checked_sub_months(chrono::Months::new(3))
        .unwrap_or(today);
    (from, today)
}

pub async fn daily_aggregates(
    ctx: &Context,
    pagination: Option<PaginationInput>,
) -> GqlResult<Vec<OrderSheetsAggregate>> {
    let viewer = ctx.require_role(WHOLESALER)?;
    let page = Page::from_input(pagination.as_ref())?;
    let mut conn = ctx.conn().await?;
    let wholesaler = scope::acting_wholesaler(&mut conn, viewer).await?;
    let (from, to) = dashboard_window();
    let rows = db::orders::day_aggregates(
        &mut conn,
        wholesaler,
        from,
        to,
        true,
        page.descending,
        page.offset,
        page.limit,
    )
    .await?;
    Ok(rows.into_iter().map(OrderSheetsAggregate::from).collect())
}

pub async fn daily_aggregate(
    ctx: &Context,
    date: Option<LocalDate>,
) -> GqlResult<Option<OrderSheetsAggregate>> {
    let viewer = ctx.require_role(WHOLESALER)?;
    let day = date.map_or_else(
        || domain::time::business_day(chrono::Utc::now()),
        LocalDate::date,
    );
    let mut conn = ctx.conn().await?;
    let wholesaler = scope::acting_wholesaler(&mut conn, viewer).await?;
    let rows =
        db::orders::day_aggregates(&mut conn, wholesaler, day, day, false, false, 0, 1).await?;
    Ok(rows.into_iter().next().map(OrderSheetsAggregate::from))
}
