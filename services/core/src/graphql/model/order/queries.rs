//! The sheet lists: `orderSheets` (answered by its read model,
//! `db::read_models::day_view`, or by the resolvers), `orderSheet` and
//! `orderItems`.

use crate::app::Viewer;
use crate::graphql::context::Context;
use crate::graphql::error::GqlResult;
use crate::graphql::ids::id64;
use crate::graphql::model::order::{OrderItem, OrderSheet};
use crate::graphql::pagination::{Page, PaginationInput};
use crate::graphql::read_model::{Plan, ReadModel, Viewed};
use crate::graphql::scalars::LocalDate;
use crate::trading::{ordering, scope};
use domain::Role;
use juniper::{BoxFuture, GraphQLInputObject};

#[derive(Debug, Clone, GraphQLInputObject)]
pub struct DateFilterInput {
    pub date: LocalDate,
}

fn day_of(
    filter: Option<DateFilterInput>,
) -> Option<(chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>)> {
    filter.map(|f| domain::time::kst_day_bounds(f.date.date()))
}

pub async fn order_sheets(
    ctx: &Context,
    filter: Option<DateFilterInput>,
    pagination: Option<PaginationInput>,
) -> GqlResult<Viewed<SheetList>> {
    let viewer = ctx.require_viewer()?;
    let page = Page::from_input(pagination.as_ref())?;
    let mut conn = ctx.conn().await?;
    let party = scope::party(&mut conn, viewer).await?;
    Ok(Viewed(SheetList {
        party,
        day: day_of(filter),
        page,
        viewer,
    }))
}

/// `orderSheets(filter, pagination)`: the wholesaler's day view, the
/// florist's orders.
pub struct SheetList {
    party: db::orders::Party,
    day: Option<(chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>)>,
    page: Page,
    viewer: Viewer,
}

impl ReadModel for SheetList {
    type Plain = Vec<OrderSheet>;
    const NAME: &'static str = "order_sheets";

    fn shape(&self) -> &'static db::read_models::Shape {
        &db::read_models::day_view::ORDER_SHEET
    }

    fn read<'a>(
        &'a self,
        ctx: &'a Context,
        plan: &'a Plan,
    ) -> BoxFuture<'a, GqlResult<db::read_models::ViewJson>> {
        Box::pin(async move {
            use db::read_models::day_view::{DayViewAsk, Viewer, read};
            let ask = DayViewAsk {
                party: self.party,
                day: self.day,
                sheets: self.page.into(),
                lines: plan.page("orderItems"),
                custom_lines: plan.page("customOrderItems"),
                viewer: Viewer {
                    user_id: self.viewer.user_id.get(),
                    is_admin: self.viewer.role == Role::Admin,
                },
                business_info: plan.asks("businessInfo"),
                objects: plan.objects(),
            };
            let mut conn = ctx.conn().await?;
            Ok(read(&mut conn, &ask).await?)
        })
    }

    fn plain<'a>(&'a self, ctx: &'a Context) -> BoxFuture<'a, GqlResult<Vec<OrderSheet>>> {
        Box::pin(async move {
            let rows = {
                let mut conn = ctx.conn().await?;
                db::orders::sheets_page(
                    &mut conn,
                    self.party,
                    self.day,
                    self.page.descending,
                    self.page.offset,
                    self.page.limit,
                )
                .await?
            };
            OrderSheet::read_many(ctx, rows).await
        })
    }
}

pub async fn order_sheet(ctx: &Context, id: i32) -> GqlResult<OrderSheet> {
    let viewer = ctx.require_viewer()?;
    let id = id64(id);
    let party = {
        let mut conn = ctx.conn().await?;
        scope::party(&mut conn, viewer).await?
    };
    let found = ctx.loaders.sheets.load(id).await?;
    let row = ordering::readable_sheet(party, id, found)?;
    OrderSheet::read(ctx, row).await
}

pub async fn order_items(
    ctx: &Context,
    filter: Option<DateFilterInput>,
    pagination: Option<PaginationInput>,
) -> GqlResult<Vec<OrderItem>> {
    let viewer = ctx.require_viewer()?;
    let page = Page::from_input(pagination.as_ref())?;
    let mut conn = ctx.conn().await?;
    let party = scope::party(&mut conn, viewer).await?;
    let rows = db::orders::items_page(
        &mut conn,
        party,
        day_of(filter),
        page.descending,
        page.offset,
        page.limit,
    )
    .await?;
    Ok(rows.into_iter().map(OrderItem).collect())
}
