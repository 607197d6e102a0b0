//! `flowers(filter, pagination)`: a page of the catalogue, answered by its
//! read model (`db::read_models::catalogue_page`) or by the resolvers.

use crate::graphql::context::Context;
use crate::graphql::cost::UNPAGINATED_LIST_MAX;
use crate::graphql::error::GqlResult;
use crate::graphql::model::catalogue::{DateRangeInput, Flower};
use crate::graphql::pagination::output::PaginationOutputValue;
use crate::graphql::pagination::{Page, PaginationInput};
use crate::graphql::read_model::{Plan, ReadModel, Viewed};
use juniper::{BoxFuture, GraphQLInputObject};

#[derive(Debug, Clone, GraphQLInputObject)]
pub struct FlowerFilterInput {
    pub date_range: Option<DateRangeInput>,
    pub keyword: Option<String>,
}

#[derive(juniper::GraphQLObject)]
#[graphql(context = Context, impl = PaginationOutputValue)]
pub struct FlowersOutput {
    pub result_count: i32,
    pub items: Vec<Flower>,
}

pub fn flowers(
    filter: Option<FlowerFilterInput>,
    pagination: Option<PaginationInput>,
) -> GqlResult<Viewed<CataloguePage>> {
    let page = Page::from_input(pagination.as_ref())?;
    Ok(Viewed(CataloguePage { filter, page }))
}

/// `flowers(filter, pagination)`: a page of the catalogue.
pub struct CataloguePage {
    filter: Option<FlowerFilterInput>,
    page: Page,
}

impl ReadModel for CataloguePage {
    type Plain = FlowersOutput;
    const NAME: &'static str = "catalogue_page";

    fn shape(&self) -> &'static db::read_models::Shape {
        &db::read_models::catalogue_page::FLOWERS_OUTPUT
    }

    fn read<'a>(
        &'a self,
        ctx: &'a Context,
        plan: &'a Plan,
    ) -> BoxFuture<'a, GqlResult<db::read_models::ViewJson>> {
        Box::pin(async move {
            use db::read_models::catalogue_page::{CataloguePageAsk, Listing, read};
            let listing = match listing(self.filter.as_ref()) {
                None => Listing::ImagesFirst,
                Some(search) => Listing::Search(search),
            };
            let ask = CataloguePageAsk {
                listing,
                page: self.page.into(),
                objects: plan.objects(),
                // None when not asked: the auction days are then not read.
                bidding_days_max: if plan.asks("biddingFlowers") {
                    UNPAGINATED_LIST_MAX as i64
                } else {
                    0
                },
            };
            let mut conn = ctx.conn().await?;
            Ok(read(&mut conn, &ask).await?)
        })
    }

    fn plain<'a>(&'a self, ctx: &'a Context) -> BoxFuture<'a, GqlResult<FlowersOutput>> {
        Box::pin(search(ctx, self.filter.as_ref(), self.page))
    }
}

/// The search `flowers(filter)` asks for; None for the original's empty
/// keyword, which lists everything (flowers with images first). Otherwise
/// the bidding-date range and the keyword (flower or type name) narrow it down.
pub fn listing(filter: Option<&FlowerFilterInput>) -> Option<db::catalogue::FlowerSearch> {
    let keyword = filter.and_then(|f| f.keyword.clone());
    if keyword.as_deref() == Some("") {
        return None;
    }
    let bidding_between = filter.and_then(|f| f.date_range.as_ref()).map(|range| {
        let (from, _) = domain::time::kst_day_bounds(range.from_date.date());
        let (_, to) = domain::time::kst_day_bounds(range.to_date.date());
        (from, to)
    });
    Some(db::catalogue::FlowerSearch {
        bidding_between,
        keyword,
    })
}

/// `flowers(filter, pagination)` answered by the resolvers.
pub async fn search(
    ctx: &Context,
    filter: Option<&FlowerFilterInput>,
    page: Page,
) -> GqlResult<FlowersOutput> {
    let mut conn = ctx.conn().await?;
    let (total, rows) = match listing(filter) {
        None => db::catalogue::all_with_images_first(&mut conn, page.offset, page.limit).await?,
        Some(search) => {
            db::catalogue::search(&mut conn, &search, page.descending, page.offset, page.limit)
                .await?
        }
    };
    Ok(FlowersOutput {
        result_count: i32::try_from(total).unwrap_or(i32::MAX),
        items: rows.into_iter().map(Flower::from).collect(),
    })
}
