//! Applying for a trading-partner link and answering one (`accounts::partners`).

use crate::accounts::partners;
use crate::graphql::context::Context;
use crate::graphql::error::{GqlResult, required};
use crate::graphql::ids::id64;
use crate::graphql::model::user::BizConnection;
use crate::graphql::model::user::enums::GqlApplyStatus;
use domain::Role;

/// `applyBizConnection`: a retailer applies to a wholesaler owner.
pub async fn apply_biz_connection(ctx: &Context, wholesaler_id: i32) -> GqlResult<BizConnection> {
    let viewer = ctx.require_role(&[Role::Retailer])?;
    let row = partners::apply(
        &ctx.pool,
        &ctx.settings.app_base_url,
        &ctx.wakeup,
        viewer,
        id64(wholesaler_id),
    )
    .await?;
    Ok(BizConnection(row))
}

/// `updateBizConnection`: the wholesaler (owner or employee) answers.
pub async fn update_biz_connection(
    ctx: &Context,
    biz_conn_id: i32,
    status: Option<GqlApplyStatus>,
) -> GqlResult<BizConnection> {
    let viewer = ctx.require_role(&[Role::WholesalerEmpr, Role::WholesalerEmpe])?;
    let status = required(status, "status")?;
    let row = partners::update(
        &ctx.pool,
        &ctx.settings.app_base_url,
        &ctx.wakeup,
        viewer,
        id64(biz_conn_id),
        status.to_domain(),
    )
    .await?;
    Ok(BizConnection(row))
}
