//! Daily statements and statements of account: issue one (the wholesaler's
//! owner and employees), list a pair's (whoever may read its ledger).

use crate::graphql::context::Context;
use crate::graphql::error::GqlResult;
use crate::graphql::ids::{gql_count, gql_id, id64};
use crate::graphql::model::WHOLESALER;
use crate::graphql::model::ledger::{AccountStatement, AccountStatementsOutput};
use crate::graphql::pagination::{Page, PaginationInput};
use crate::graphql::scalars::LocalDate;
use crate::trading::account_statements::{self, Request};
use juniper::GraphQLInputObject;

#[derive(Debug, Clone, GraphQLInputObject)]
pub struct IssueDailyStatementInput {
    pub retailer_id: i32,
    /// The business day (KST) whose sheets it adds up.
    pub day: LocalDate,
}

#[derive(Debug, Clone, GraphQLInputObject)]
pub struct IssuePeriodStatementInput {
    pub retailer_id: i32,
    /// The first day, inclusive.
    pub from: LocalDate,
    /// The last day, inclusive; at most 366 days after `from`.
    pub to: LocalDate,
}

#[derive(Debug, Clone, GraphQLInputObject)]
pub struct AccountStatementFilterInput {
    /// Required for florists and operators; a wholesaler's account may omit
    /// it (its own company).
    pub wholesaler_id: Option<i32>,
    /// Required for wholesalers and operators; a florist may omit it.
    pub retailer_id: Option<i32>,
}

pub async fn issue_daily(
    ctx: &Context,
    input: IssueDailyStatementInput,
) -> GqlResult<AccountStatement> {
    let viewer = ctx.require_role(WHOLESALER)?;
    let request = Request::Daily {
        retailer_id: id64(input.retailer_id),
        day: input.day.date(),
    };
    let row = account_statements::issue(&ctx.pool, &ctx.peers.receipt, viewer, request).await?;
    AccountStatement::new(row)
}

pub async fn issue_period(
    ctx: &Context,
    input: IssuePeriodStatementInput,
) -> GqlResult<AccountStatement> {
    let viewer = ctx.require_role(WHOLESALER)?;
    let request = Request::Period {
        retailer_id: id64(input.retailer_id),
        from: input.from.date(),
        to: input.to.date(),
    };
    let row = account_statements::issue(&ctx.pool, &ctx.peers.receipt, viewer, request).await?;
    AccountStatement::new(row)
}

pub async fn account_statements(
    ctx: &Context,
    filter: AccountStatementFilterInput,
    pagination: Option<PaginationInput>,
) -> GqlResult<AccountStatementsOutput> {
    let viewer = ctx.require_viewer()?;
    let page = Page::from_input(pagination.as_ref())?;
    let (pair, rows, total) = account_statements::list(
        &ctx.pool,
        viewer,
        filter.wholesaler_id.map(id64),
        filter.retailer_id.map(id64),
        page,
    )
    .await?;
    Ok(AccountStatementsOutput {
        wholesaler_id: gql_id(pair.wholesaler_id),
        retailer_id: gql_id(pair.retailer_id),
        total_count: gql_count(total),
        items: rows
            .into_iter()
            .map(AccountStatement::new)
            .collect::<GqlResult<_>>()?,
    })
}
