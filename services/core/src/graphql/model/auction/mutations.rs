//! The wholesaler prices a lot or marks it sold out (`trading::auctions`).

use crate::graphql::context::Context;
use crate::graphql::error::GqlResult;
use crate::graphql::ids::id64;
use crate::graphql::model::WHOLESALER;
use crate::graphql::model::auction::queries::one_with_images;
use crate::graphql::model::auction::{AuctionResult, AuctionResultUpdateFilterInput};
use crate::trading::auctions;

pub async fn update_auction_result(
    ctx: &Context,
    filter: AuctionResultUpdateFilterInput,
) -> GqlResult<AuctionResult> {
    let viewer = ctx.require_role(WHOLESALER)?;
    let row = auctions::update(
        &ctx.pool,
        viewer,
        id64(filter.id),
        filter.retail_price,
        filter.is_sold_out,
    )
    .await?;
    one_with_images(ctx, row).await
}
