//! The auction lists: the wholesaler's own results, and what it offers to
//! retailers (`trading::auctions`), each lot with its flower's images.

use crate::graphql::context::Context;
use crate::graphql::error::{GqlError, GqlResult};
use crate::graphql::ids::id64;
use crate::graphql::model::WHOLESALER;
use crate::graphql::model::auction::*;
use crate::graphql::pagination::{Page, PaginationInput};
use crate::trading::auctions;

pub(super) async fn with_images(
    ctx: &Context,
    rows: Vec<db::auctions::AuctionResultRow>,
) -> GqlResult<Vec<AuctionResult>> {
    let pairs = rows
        .iter()
        .map(|r| (r.flower_name.clone(), r.flower_type_name.clone()))
        .collect();
    let images = auctions::images(&ctx.pool, pairs).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let key = (r.flower_name.clone(), r.flower_type_name.clone());
            let found = images.get(&key).cloned().unwrap_or_default();
            AuctionResult::new(r, found)
        })
        .collect())
}

pub(super) async fn one_with_images(
    ctx: &Context,
    row: db::auctions::AuctionResultRow,
) -> GqlResult<AuctionResult> {
    with_images(ctx, vec![row])
        .await?
        .pop()
        .ok_or_else(|| GqlError::internal("auction", "row vanished"))
}

pub async fn auction_result(
    ctx: &Context,
    filter: AuctionResultFilterInput,
    pagination: Option<PaginationInput>,
) -> GqlResult<AuctionResultsOutput> {
    let viewer = ctx.require_role(WHOLESALER)?;
    let page = Page::from_input(pagination.as_ref())?;
    let rows = auctions::own_results(
        &ctx.pool,
        viewer,
        id64(filter.wholesaler_id),
        filter.before_days,
        page,
    )
    .await?;
    let items = with_images(ctx, rows).await?;
    Ok(AuctionResultsOutput {
        result_count: i32::try_from(items.len()).unwrap_or(i32::MAX),
        items,
    })
}

pub async fn auction_result_detail(ctx: &Context, id: i32) -> GqlResult<AuctionResult> {
    let viewer = ctx.require_role(WHOLESALER)?;
    let row = auctions::own_result(&ctx.pool, viewer, id64(id)).await?;
    one_with_images(ctx, row).await
}

pub async fn auction_result_for_sale(
    ctx: &Context,
    filter: AuctionResultForSaleFilterInput,
    pagination: Option<PaginationInput>,
) -> GqlResult<AuctionResultForSaleOutput> {
    ctx.require_viewer()?;
    let page = Page::from_input(pagination.as_ref())?;
    let groups = auctions::for_sale(&ctx.pool, id64(filter.wholesaler_id), page).await?;
    let pairs = groups
        .iter()
        .map(|g| (g.flower_name.clone(), g.flower_type_name.clone()))
        .collect();
    let images = auctions::images(&ctx.pool, pairs).await?;
    let items: Vec<AuctionResultWithGroupBy> = groups
        .into_iter()
        .map(|g| {
            let found = images
                .get(&(g.flower_name.clone(), g.flower_type_name.clone()))
                .cloned()
                .unwrap_or_default();
            AuctionResultWithGroupBy::new(g, found)
        })
        .collect();
    Ok(AuctionResultForSaleOutput {
        result_count: i32::try_from(items.len()).unwrap_or(i32::MAX),
        wholesaler_id: filter.wholesaler_id,
        items,
    })
}

pub async fn auction_result_for_sale_detail(ctx: &Context, id: i32) -> GqlResult<AuctionResult> {
    let viewer = ctx.require_viewer()?;
    let (row, reader) = auctions::offered_result(&ctx.pool, viewer, id64(id)).await?;
    let lot = one_with_images(ctx, row).await?;
    Ok(match reader {
        auctions::Reader::Owner => lot,
        auctions::Reader::Buyer => lot.as_offered(),
    })
}
