//! `auctionPriceBoard` and `auctionPriceHistory`: public market data, read
//! by anyone (as `flowers` is), bounded by `trading::market_prices`' caps and
//! the request's cost budget.

use crate::graphql::context::Context;
use crate::graphql::error::GqlResult;
use crate::graphql::model::catalogue::DateRangeInput;
use crate::graphql::model::catalogue::grade::GqlFlowerGrade;
use crate::graphql::model::catalogue::market::{AuctionPrice, AuctionPriceBoardOutput, local_date};
use crate::graphql::pagination::{Page, PaginationInput};
use crate::graphql::scalars::LocalDate;
use crate::trading::market_prices::{self, BoardAsk, HistoryAsk};
use db::price_board::BoardFilter;
use juniper::GraphQLInputObject;

#[derive(Debug, Clone, GraphQLInputObject)]
pub struct AuctionPriceBoardFilterInput {
    /// The sale day; the most recent one up to today when omitted.
    pub date: Option<LocalDate>,
    /// 품목, exact (e.g. 장미).
    pub flower_type_name: Option<String>,
    /// Part of the 품종's name.
    pub keyword: Option<String>,
    /// The auction's grade, exact (특1, 상, …).
    pub auction_grade: Option<String>,
    /// The order grade the auction grades map to (unmapped grades never match).
    pub order_grade: Option<GqlFlowerGrade>,
}

#[derive(Debug, Clone, GraphQLInputObject)]
pub struct AuctionPriceHistoryFilterInput {
    /// 품목, exact.
    pub flower_type_name: String,
    /// 품종, exact.
    pub flower_name: String,
    /// One auction grade; every grade when omitted.
    pub auction_grade: Option<String>,
    /// Sale days, both ends included, at most 92 days.
    pub date_range: DateRangeInput,
}

pub async fn auction_price_board(
    ctx: &Context,
    filter: Option<AuctionPriceBoardFilterInput>,
    pagination: Option<PaginationInput>,
) -> GqlResult<AuctionPriceBoardOutput> {
    let mut page = Page::from_input(pagination.as_ref())?;
    // A board reads in name order; only an explicit DESCEND reverses it.
    if pagination.is_none() {
        page.descending = false;
    }
    let filter = filter.unwrap_or(AuctionPriceBoardFilterInput {
        date: None,
        flower_type_name: None,
        keyword: None,
        auction_grade: None,
        order_grade: None,
    });
    let ask = BoardAsk {
        day: filter.date.map(LocalDate::date),
        filter: BoardFilter {
            flower_type: filter.flower_type_name,
            keyword: filter.keyword,
            auction_grade: filter.auction_grade,
            order_grade: filter
                .order_grade
                .map(|g| g.to_domain().as_korean().to_owned()),
        },
        page,
    };
    let board = market_prices::board(&ctx.pool, ask).await?;
    Ok(AuctionPriceBoardOutput {
        result_count: i32::try_from(board.total).unwrap_or(i32::MAX),
        sale_date: board.day.map(local_date),
        items: board.rows.into_iter().map(AuctionPrice).collect(),
    })
}

pub async fn auction_price_history(
    ctx: &Context,
    filter: AuctionPriceHistoryFilterInput,
) -> GqlResult<Vec<AuctionPrice>> {
    let ask = HistoryAsk {
        flower_type: filter.flower_type_name,
        flower_name: filter.flower_name,
        auction_grade: filter.auction_grade,
        from: filter.date_range.from_date.date(),
        to: filter.date_range.to_date.date(),
    };
    let rows = market_prices::history(&ctx.pool, ask).await?;
    Ok(rows.into_iter().map(AuctionPrice).collect())
}
