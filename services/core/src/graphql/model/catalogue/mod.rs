//! Catalogue types: `Flower` (품종), `FlowerType` (품목), `FlowerColor`,
//! `BiddingFlower`, the grade, the `flowers` page (`page`) and the public
//! auction price board next to it (`market`, `market_queries`).

pub mod grade;
pub mod market;
pub mod market_queries;
pub mod page;

use crate::graphql::context::Context;
use crate::graphql::cost::UNPAGINATED_LIST_MAX;
use crate::graphql::error::{GqlError, GqlResult};
use crate::graphql::ids::gql_id;
use crate::graphql::model::catalogue::market::AuctionPrice;
use crate::graphql::scalars::LocalDate;
use db::catalogue::{BiddingFlowerRow, FlowerColorRow, FlowerRow, FlowerTypeRow};
use juniper::{GraphQLInputObject, graphql_object};
use std::sync::Arc;

#[derive(Debug, Clone, GraphQLInputObject)]
pub struct DateRangeInput {
    pub from_date: LocalDate,
    pub to_date: LocalDate,
}

/// A flower (품종). Rows are shared: the lines of a day view share flowers.
#[derive(Clone)]
pub struct Flower(pub Arc<FlowerRow>);

impl From<FlowerRow> for Flower {
    fn from(row: FlowerRow) -> Self {
        Flower(Arc::new(row))
    }
}

impl From<Arc<FlowerRow>> for Flower {
    fn from(row: Arc<FlowerRow>) -> Self {
        Flower(row)
    }
}

pub struct FlowerType(pub FlowerTypeRow);
pub struct FlowerColor(pub FlowerColorRow);
pub struct BiddingFlower(pub BiddingFlowerRow);

/// Loads a flower by id; a line always points at one (foreign key), so a
/// missing one is a data error.
pub async fn load_flower(ctx: &Context, id: i64) -> GqlResult<Flower> {
    ctx.loaders
        .flowers
        .load(id)
        .await
        .map_err(GqlError::from)?
        .map(Flower::from)
        .ok_or_else(|| {
            GqlError::message(
                domain::ErrorCode::NoFlower,
                format!("There's no flower whose id is {id}"),
            )
        })
}

#[graphql_object(context = Context)]
impl Flower {
    fn id(&self) -> i32 {
        gql_id(self.0.id)
    }

    async fn flower_type(&self, ctx: &Context) -> GqlResult<FlowerType> {
        ctx.loaders
            .flower_types
            .load(self.0.flower_type_id)
            .await
            .map_err(GqlError::from)?
            .map(FlowerType)
            .ok_or_else(|| GqlError::code(domain::ErrorCode::NoFlowerType))
    }

    fn name(&self) -> &str {
        &self.0.name
    }

    fn images(&self) -> Vec<String> {
        self.0.image_urls()
    }

    async fn bidding_flowers(&self, ctx: &Context) -> GqlResult<Vec<BiddingFlower>> {
        let rows = ctx
            .loaders
            .bidding
            .load(((), self.0.id))
            .await
            .map_err(GqlError::from)?;
        // Rows come oldest first; a flower sold for years answers its latest days.
        let skip = rows.len().saturating_sub(UNPAGINATED_LIST_MAX);
        Ok(rows
            .into_iter()
            .skip(skip)
            .map(|row| BiddingFlower(Arc::unwrap_or_clone(row)))
            .collect())
    }

    /// 최근 경매 시세: every auction grade of this flower's most recent sale
    /// day on the public auction (matched by type and flower name), best
    /// grade first; empty when it was never auctioned.
    async fn latest_auction(&self, ctx: &Context) -> GqlResult<Vec<AuctionPrice>> {
        let rows = ctx
            .loaders
            .latest_auctions
            .load(((), self.0.id))
            .await
            .map_err(GqlError::from)?;
        Ok(rows
            .into_iter()
            .take(crate::trading::market_prices::LATEST_GRADES_MAX)
            .map(|row| AuctionPrice(Arc::unwrap_or_clone(row).row))
            .collect())
    }

    async fn flower_color(&self, ctx: &Context) -> GqlResult<Option<FlowerColor>> {
        let Some(color) = self.0.flower_color_id else {
            return Ok(None);
        };
        Ok(ctx
            .loaders
            .flower_colors
            .load(color)
            .await
            .map_err(GqlError::from)?
            .map(FlowerColor))
    }
}

#[graphql_object(context = Context)]
impl FlowerType {
    fn id(&self) -> i32 {
        gql_id(self.0.id)
    }

    fn name(&self) -> &str {
        &self.0.name
    }

    async fn flowers(&self, ctx: &Context) -> GqlResult<Option<Vec<Flower>>> {
        let rows = ctx
            .loaders
            .flowers_of_type
            .load(((), self.0.id))
            .await
            .map_err(GqlError::from)?;
        Ok(Some(
            rows.into_iter()
                .take(UNPAGINATED_LIST_MAX)
                .map(Flower::from)
                .collect(),
        ))
    }

    fn img_url(&self) -> Option<&str> {
        self.0.img_url.as_deref()
    }
}

#[graphql_object(context = Context)]
impl FlowerColor {
    fn id(&self) -> i32 {
        gql_id(self.0.id)
    }

    fn name(&self) -> &str {
        &self.0.name
    }
}

#[graphql_object(context = Context)]
impl BiddingFlower {
    fn id(&self) -> i32 {
        gql_id(self.0.id)
    }

    async fn flower(&self, ctx: &Context) -> GqlResult<Option<Flower>> {
        load_flower(ctx, self.0.flower_id).await.map(Some)
    }

    fn bidding_date(&self) -> LocalDate {
        LocalDate::from_utc(self.0.bidding_date)
    }
}
