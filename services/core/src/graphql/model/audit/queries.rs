//! `orderTimeline`: a wholesaler's audit events over a period.

use crate::graphql::context::Context;
use crate::graphql::error::GqlResult;
use crate::graphql::ids::{gql_count, id64};
use crate::graphql::model::audit::{AuditEvent, AuditTimelineOutput};
use crate::graphql::pagination::{Page, PaginationInput};
use crate::graphql::scalars::LocalDate;
use crate::trading::timeline::{self, TimelineQuery};
use juniper::GraphQLInputObject;

#[derive(Debug, Clone, GraphQLInputObject)]
pub struct AuditTimelineFilterInput {
    /// First KST day; defaults to six days before `to`.
    pub from: Option<LocalDate>,
    /// Last KST day (included); defaults to today. At most 31 days in all.
    pub to: Option<LocalDate>,
    /// Only this florist's events.
    pub retailer_id: Option<i32>,
    /// Operators name the wholesaler; a wholesaler's account may omit it
    /// (its own company) but not name another.
    pub wholesaler_id: Option<i32>,
}

pub async fn order_timeline(
    ctx: &Context,
    filter: Option<AuditTimelineFilterInput>,
    pagination: Option<PaginationInput>,
) -> GqlResult<AuditTimelineOutput> {
    let viewer = ctx.require_viewer()?;
    let page = Page::from_input(pagination.as_ref())?;
    let query = filter.map_or_else(TimelineQuery::default, |f| TimelineQuery {
        wholesaler_id: f.wholesaler_id.map(id64),
        retailer_id: f.retailer_id.map(id64),
        from: f.from.map(LocalDate::date),
        to: f.to.map(LocalDate::date),
    });
    let found = timeline::timeline(&ctx.pool, viewer, query, page).await?;
    Ok(AuditTimelineOutput {
        total_count: gql_count(found.total),
        items: found.events.into_iter().map(AuditEvent).collect(),
    })
}
