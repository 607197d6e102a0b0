//! Reorder: a past sheet's lines back into the cart in one call; lines whose
//! flower is gone are reported, not dropped silently (`trading::standing`).

use crate::graphql::context::Context;
use crate::graphql::error::GqlResult;
use crate::graphql::ids::{gql_id, id64};
use crate::graphql::model::RETAILER;
use crate::graphql::model::cart::CartItem;
use crate::graphql::model::catalogue::grade::GqlFlowerGrade;
use juniper::GraphQLObject;

#[derive(Debug, Clone, GraphQLObject)]
pub struct SkippedOrderLine {
    pub flower_id: i32,
    pub quantity: i32,
    pub grade: GqlFlowerGrade,
    /// Why it was left out (NO_FLOWER: the flower left the catalogue)
    pub reason: String,
}

#[derive(GraphQLObject)]
#[graphql(context = Context)]
pub struct ReorderOutput {
    /// The cart lines now holding the sheet's lines
    pub cart_items: Vec<CartItem>,
    pub skipped: Vec<SkippedOrderLine>,
}

pub async fn reorder(ctx: &Context, order_sheet_id: i32) -> GqlResult<ReorderOutput> {
    let viewer = ctx.require_role(RETAILER)?;
    let (added, skipped) =
        crate::trading::standing::reorder(&ctx.pool, viewer, id64(order_sheet_id)).await?;
    Ok(ReorderOutput {
        cart_items: added.into_iter().map(CartItem).collect(),
        skipped: skipped
            .into_iter()
            .map(|s| {
                Ok(SkippedOrderLine {
                    flower_id: gql_id(s.flower_id),
                    quantity: s.quantity,
                    grade: GqlFlowerGrade::from_stored(&s.grade)?,
                    reason: s.reason.to_owned(),
                })
            })
            .collect::<GqlResult<_>>()?,
    })
}
