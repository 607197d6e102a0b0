//! The ledger's writes, for a wholesaler's owner and employees: payments,
//! adjustments, reversals, and the month's document numbers.

use crate::graphql::context::Context;
use crate::graphql::error::GqlResult;
use crate::graphql::ids::id64;
use crate::graphql::model::ledger::*;
use crate::graphql::model::{CommonResponse, WHOLESALER};
use crate::graphql::scalars::LocalDate;
use crate::trading::{ledger, tax_rollup};
use juniper::{GraphQLEnum, GraphQLInputObject};

#[derive(Debug, Clone, GraphQLInputObject)]
pub struct LedgerPaymentInput {
    pub retailer_id: i32,
    /// Won received, > 0.
    pub amount: i32,
    /// The day the money came in (KST); defaults to today.
    pub paid_on: Option<LocalDate>,
    pub method: PaymentMethod,
    pub memo: Option<String>,
    /// The same key again (a double tap, a retry) answers the first entry
    /// instead of recording a second payment.
    pub idempotency_key: Option<String>,
}

#[derive(Debug, Clone, GraphQLInputObject)]
pub struct LedgerAdjustmentInput {
    pub retailer_id: i32,
    /// Signed: positive adds to what the florist owes.
    pub amount: i32,
    pub reason: String,
}

#[derive(Debug, Clone, GraphQLInputObject)]
pub struct ReverseLedgerEntryInput {
    pub entry_id: i32,
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, GraphQLEnum)]
pub enum TaxDocumentCategory {
    /// 계산서 (tax-exempt flowers).
    #[graphql(name = "EXEMPT")]
    Exempt,
    /// 세금계산서 (taxable lines).
    #[graphql(name = "TAXABLE")]
    Taxable,
}

#[derive(Debug, Clone, GraphQLInputObject)]
pub struct TaxDocumentNumberInput {
    pub retailer_id: i32,
    /// Any day of the month.
    pub month: LocalDate,
    pub category: TaxDocumentCategory,
    pub document_no: String,
}

pub async fn record_payment(ctx: &Context, input: LedgerPaymentInput) -> GqlResult<LedgerEntry> {
    let viewer = ctx.require_role(WHOLESALER)?;
    let row = ledger::record_payment(
        &ctx.pool,
        viewer,
        ledger::PaymentInput {
            retailer_id: id64(input.retailer_id),
            amount: i64::from(input.amount),
            paid_on: input.paid_on.map_or_else(ledger::today, LocalDate::date),
            method: input.method.as_str().to_owned(),
            memo: input.memo,
            idempotency_key: input.idempotency_key,
        },
    )
    .await?;
    entry(ctx, row).await
}

pub async fn record_adjustment(
    ctx: &Context,
    input: LedgerAdjustmentInput,
) -> GqlResult<LedgerEntry> {
    let viewer = ctx.require_role(WHOLESALER)?;
    let row = ledger::record_adjustment(
        &ctx.pool,
        viewer,
        id64(input.retailer_id),
        i64::from(input.amount),
        input.reason,
    )
    .await?;
    entry(ctx, row).await
}

pub async fn reverse(ctx: &Context, input: ReverseLedgerEntryInput) -> GqlResult<LedgerEntry> {
    let viewer = ctx.require_role(WHOLESALER)?;
    let row = ledger::reverse(&ctx.pool, viewer, id64(input.entry_id), input.reason).await?;
    entry(ctx, row).await
}

pub async fn record_document_number(
    ctx: &Context,
    input: TaxDocumentNumberInput,
) -> GqlResult<CommonResponse> {
    let viewer = ctx.require_role(WHOLESALER)?;
    let category = match input.category {
        TaxDocumentCategory::Exempt => db::tax_documents::Category::Exempt,
        TaxDocumentCategory::Taxable => db::tax_documents::Category::Taxable,
    };
    tax_rollup::record_document_number(
        &ctx.pool,
        viewer,
        id64(input.retailer_id),
        input.month.date(),
        category,
        input.document_no,
    )
    .await?;
    Ok(CommonResponse::ok())
}

/// A written entry with the pair's balance after it as the ledger reads.
async fn entry(ctx: &Context, row: db::ledger::EntryRow) -> GqlResult<LedgerEntry> {
    let balance = ledger::balance_after(&ctx.pool, &row).await?;
    LedgerEntry::new(row, balance)
}
