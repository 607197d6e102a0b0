//! Issuing a sheet's transaction statement (`trading::receipts`).

use crate::graphql::context::Context;
use crate::graphql::error::GqlResult;
use crate::graphql::ids::id64;
use crate::graphql::model::WHOLESALER;
use crate::graphql::model::order::OrderSheetReceipt;
use crate::trading::receipts;

pub async fn issue_receipt(ctx: &Context, sheet_id: i32) -> GqlResult<OrderSheetReceipt> {
    let viewer = ctx.require_role(WHOLESALER)?;
    let row = receipts::issue(
        &ctx.pool,
        &ctx.peers.receipt,
        &ctx.settings.app_base_url,
        &ctx.wakeup,
        viewer,
        id64(sheet_id),
    )
    .await?;
    Ok(OrderSheetReceipt(row))
}
