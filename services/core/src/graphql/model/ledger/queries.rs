//! The ledger's reads: one pair's ledger, the accounts on the caller's side,
//! and the month's tax roll-up.

use crate::graphql::context::Context;
use crate::graphql::error::GqlResult;
use crate::graphql::ids::{gql_count, gql_id, id64};
use crate::graphql::model::WHOLESALER;
use crate::graphql::model::ledger::*;
use crate::graphql::pagination::{Page, PaginationInput};
use crate::graphql::scalars::LocalDate;
use crate::trading::{ledger, tax_rollup};
use juniper::GraphQLInputObject;

#[derive(Debug, Clone, GraphQLInputObject)]
pub struct LedgerFilterInput {
    /// Required for florists and operators; a wholesaler's account may omit
    /// it (its own company).
    pub wholesaler_id: Option<i32>,
    /// Required for wholesalers and operators; a florist may omit it.
    pub retailer_id: Option<i32>,
    /// Defaults to the first day of `to`'s month.
    pub from: Option<LocalDate>,
    /// Defaults to today (KST).
    pub to: Option<LocalDate>,
}

/// Entries oldest first (`sort` is ignored); 15 a page unless asked.
pub async fn ledger(
    ctx: &Context,
    filter: LedgerFilterInput,
    pagination: Option<PaginationInput>,
) -> GqlResult<LedgerOutput> {
    let viewer = ctx.require_viewer()?;
    let mut page = Page::from_input(pagination.as_ref())?;
    // A ledger reads oldest first, as its running balance does.
    page.descending = false;
    let period = ledger::period(
        filter.from.map(LocalDate::date),
        filter.to.map(LocalDate::date),
    )?;
    let found = ledger::ledger_page(
        &ctx.pool,
        viewer,
        filter.wholesaler_id.map(id64),
        filter.retailer_id.map(id64),
        period,
        page,
    )
    .await?;
    let m = found.movement;
    Ok(LedgerOutput {
        wholesaler_id: gql_id(found.pair.wholesaler_id),
        retailer_id: gql_id(found.pair.retailer_id),
        from: LocalDate(found.from.and_time(chrono::NaiveTime::MIN)),
        to: LocalDate(found.to.and_time(chrono::NaiveTime::MIN)),
        opening_balance: won(m.opening)?,
        charges: won(m.charges)?,
        payments: won(m.payments)?,
        adjustments: won(m.other)?,
        closing_balance: won(m.closing)?,
        total_count: gql_count(found.total),
        items: found
            .entries
            .into_iter()
            .map(LedgerEntry::from_page)
            .collect::<GqlResult<_>>()?,
    })
}

/// The caller's accounts: a wholesaler's florists (longest unpaid first),
/// or a florist's wholesalers.
pub async fn ledger_accounts(
    ctx: &Context,
    owing_only: Option<bool>,
    pagination: Option<PaginationInput>,
) -> GqlResult<LedgerAccountsOutput> {
    let viewer = ctx.require_viewer()?;
    let page = Page::from_input(pagination.as_ref())?;
    let (rows, total) =
        ledger::accounts(&ctx.pool, viewer, owing_only.unwrap_or(false), page).await?;
    let counterparts: Vec<i64> = rows
        .iter()
        .map(|r| match viewer.role {
            domain::Role::Retailer => r.wholesaler_id,
            _ => r.retailer_id,
        })
        .collect();
    let names = ledger::names(&ctx.pool, &counterparts).await?;
    let items = rows
        .into_iter()
        .zip(counterparts)
        .map(|(row, id)| LedgerAccount::new(row, names.get(&id).cloned().unwrap_or_default()))
        .collect::<GqlResult<_>>()?;
    Ok(LedgerAccountsOutput {
        total_count: gql_count(total),
        items,
    })
}

pub async fn tax_rollup(ctx: &Context, month: LocalDate) -> GqlResult<TaxRollupOutput> {
    let viewer = ctx.require_role(WHOLESALER)?;
    let first = tax_rollup::month_of(month.date())?;
    let lines = tax_rollup::month(&ctx.pool, viewer, first).await?;
    let csv = tax_rollup::csv(first, &lines);
    let items = lines
        .into_iter()
        .map(|l| {
            Ok(TaxRollupLine {
                retailer_id: gql_id(l.retailer_id),
                total: won(l.total())?,
                retailer_name: l.retailer_name,
                company_name: l.company_name,
                business_no: l.business_no,
                exempt_supply: won(l.exempt_supply)?,
                taxable_supply: won(l.taxable_supply)?,
                vat: won(l.vat)?,
                charges: gql_count(l.charges),
                exempt_document_no: l.exempt_document_no,
                taxable_document_no: l.taxable_document_no,
            })
        })
        .collect::<GqlResult<_>>()?;
    Ok(TaxRollupOutput {
        month: LocalDate(first.and_time(chrono::NaiveTime::MIN)),
        items,
        csv,
    })
}
