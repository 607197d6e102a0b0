//! The caller's order-alert switch (`accounts::alerts`).

use crate::graphql::context::Context;
use crate::graphql::error::GqlResult;
use juniper::GraphQLObject;

#[derive(Debug, Clone, GraphQLObject)]
pub struct AlertSettings {
    /// SMS when an order arrives (wholesaler owner; employees who opt in),
    /// when a sheet is fully priced or a change request answered (florist)
    pub order_alerts: bool,
}

pub async fn get(ctx: &Context) -> GqlResult<AlertSettings> {
    let viewer = ctx.require_viewer()?;
    let order_alerts = crate::accounts::alerts::get(&ctx.pool, viewer).await?;
    Ok(AlertSettings { order_alerts })
}

pub async fn set(ctx: &Context, order_alerts: bool) -> GqlResult<AlertSettings> {
    let viewer = ctx.require_viewer()?;
    let order_alerts = crate::accounts::alerts::set(&ctx.pool, viewer, order_alerts).await?;
    Ok(AlertSettings { order_alerts })
}
