//! The money side's types: a pair's ledger (외상 장부), the accounts list
//! (the wholesaler's overdue view, the florist's "what I owe whom") and the
//! month's tax roll-up. Amounts are whole won; a figure beyond GraphQL's
//! 32-bit `Int` (21억 원) is answered as an error rather than wrapped.

pub mod mutations;
pub mod queries;
pub mod statements;

use crate::graphql::error::{GqlError, GqlResult};
use crate::graphql::ids::gql_id;
use crate::graphql::scalars::LocalDate;
use chrono::NaiveDate;
use db::ledger::{AccountListRow, EntryKind, EntryWithBalance};
use domain::ErrorCode;
use juniper::{GraphQLEnum, GraphQLObject};

#[derive(Debug, Clone, Copy, PartialEq, Eq, GraphQLEnum)]
pub enum LedgerEntryKind {
    /// An issued statement's total (adds to the balance).
    #[graphql(name = "CHARGE")]
    Charge,
    /// 입금 (subtracts).
    #[graphql(name = "PAYMENT")]
    Payment,
    /// A correction with a reason (either way).
    #[graphql(name = "ADJUSTMENT")]
    Adjustment,
    /// The negative of one earlier entry.
    #[graphql(name = "REVERSAL")]
    Reversal,
}

impl From<EntryKind> for LedgerEntryKind {
    fn from(kind: EntryKind) -> Self {
        match kind {
            EntryKind::Charge => LedgerEntryKind::Charge,
            EntryKind::Payment => LedgerEntryKind::Payment,
            EntryKind::Adjustment => LedgerEntryKind::Adjustment,
            EntryKind::Reversal => LedgerEntryKind::Reversal,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, GraphQLEnum)]
pub enum PaymentMethod {
    #[graphql(name = "CASH")]
    Cash,
    #[graphql(name = "TRANSFER")]
    Transfer,
    #[graphql(name = "CARD")]
    Card,
    #[graphql(name = "OTHER")]
    Other,
}

impl PaymentMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentMethod::Cash => "CASH",
            PaymentMethod::Transfer => "TRANSFER",
            PaymentMethod::Card => "CARD",
            PaymentMethod::Other => "OTHER",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        [Self::Cash, Self::Transfer, Self::Card, Self::Other]
            .into_iter()
            .find(|m| m.as_str() == s)
    }
}

/// Whole won as GraphQL `Int`.
pub fn won(amount: i64) -> GqlResult<i32> {
    i32::try_from(amount).map_err(|_| {
        GqlError::message(
            ErrorCode::InvalidData,
            "an amount exceeds what this API answers (2,147,483,647 won)",
        )
    })
}

fn day(date: NaiveDate) -> LocalDate {
    LocalDate(date.and_time(chrono::NaiveTime::MIN))
}

/// One entry of a pair's ledger, with the balance after it in reading order
/// (by day, then as recorded).
#[derive(Debug, Clone, GraphQLObject)]
pub struct LedgerEntry {
    pub id: i32,
    pub kind: LedgerEntryKind,
    /// Signed: positive adds to what the florist owes.
    pub amount: i32,
    pub balance_after: i32,
    /// The business day (KST) the entry belongs to.
    pub entry_date: LocalDate,
    pub order_sheet_id: Option<i32>,
    pub receipt_id: Option<i32>,
    pub account_statement_id: Option<i32>,
    /// A charge's 면세 supply, 과세 supply and VAT (zero for other kinds).
    pub exempt_supply: i32,
    pub taxable_supply: i32,
    pub vat: i32,
    pub method: Option<PaymentMethod>,
    /// A payment's memo, or the reason of an adjustment or reversal.
    pub memo: Option<String>,
    pub reverses_id: Option<i32>,
    pub reversed_by_id: Option<i32>,
    /// Who recorded it (null: the statement's issue by a service).
    pub recorded_by_id: Option<i32>,
    pub created_at: LocalDate,
}

impl LedgerEntry {
    pub fn new(row: db::ledger::EntryRow, balance_after: i64) -> GqlResult<Self> {
        Ok(LedgerEntry {
            id: gql_id(row.id),
            kind: row.kind().into(),
            amount: won(row.amount)?,
            balance_after: won(balance_after)?,
            entry_date: day(row.entry_date),
            order_sheet_id: row.order_sheet_id.map(gql_id),
            receipt_id: row.receipt_id.map(gql_id),
            account_statement_id: row.account_statement_id.map(gql_id),
            exempt_supply: won(row.exempt_supply)?,
            taxable_supply: won(row.taxable_supply)?,
            vat: won(row.vat)?,
            method: row.method.as_deref().and_then(PaymentMethod::parse),
            memo: row.memo,
            reverses_id: row.reverses_id.map(gql_id),
            reversed_by_id: row.reversed_by.map(gql_id),
            recorded_by_id: row.recorded_by.map(gql_id),
            created_at: LocalDate::from_utc(row.created_at),
        })
    }

    fn from_page(row: EntryWithBalance) -> GqlResult<Self> {
        LedgerEntry::new(row.entry, row.balance_after)
    }
}

/// A pair's ledger over a period: the figures, and a page of its entries.
#[derive(Debug, Clone, GraphQLObject)]
pub struct LedgerOutput {
    pub wholesaler_id: i32,
    pub retailer_id: i32,
    pub from: LocalDate,
    pub to: LocalDate,
    /// 전잔액: owed at the start of `from`.
    pub opening_balance: i32,
    /// Statements' charges in the period (less reversed charges).
    pub charges: i32,
    /// 입금 in the period (less reversed payments), as a positive sum.
    pub payments: i32,
    /// Adjustments in the period (signed).
    pub adjustments: i32,
    /// 잔액: owed at the end of `to`.
    pub closing_balance: i32,
    /// Entries in the period.
    pub total_count: i32,
    pub items: Vec<LedgerEntry>,
}

/// A pair as listed on one side.
#[derive(Debug, Clone, GraphQLObject)]
pub struct LedgerAccount {
    pub wholesaler_id: i32,
    pub retailer_id: i32,
    /// The other side's name (the florist's for a wholesaler, and back).
    pub counterpart_name: String,
    pub balance: i32,
    pub last_payment_on: Option<LocalDate>,
    /// Days since the last payment, or since the first entry when none was
    /// ever recorded.
    pub days_since_payment: Option<i32>,
}

impl LedgerAccount {
    fn new(row: AccountListRow, counterpart_name: String) -> GqlResult<Self> {
        Ok(LedgerAccount {
            wholesaler_id: gql_id(row.wholesaler_id),
            retailer_id: gql_id(row.retailer_id),
            counterpart_name,
            balance: won(row.balance)?,
            last_payment_on: row.last_payment_on.map(day),
            days_since_payment: row
                .days_since_payment
                .map(|d| i32::try_from(d).unwrap_or(i32::MAX)),
        })
    }
}

#[derive(Debug, Clone, GraphQLObject)]
pub struct LedgerAccountsOutput {
    pub total_count: i32,
    pub items: Vec<LedgerAccount>,
}

/// One florist's month for its 계산서 / 세금계산서.
#[derive(Debug, Clone, GraphQLObject)]
pub struct TaxRollupLine {
    pub retailer_id: i32,
    pub retailer_name: String,
    pub company_name: Option<String>,
    pub business_no: Option<String>,
    /// 면세 공급가액 (계산서).
    pub exempt_supply: i32,
    /// 과세 공급가액 (세금계산서).
    pub taxable_supply: i32,
    /// 세액.
    pub vat: i32,
    pub total: i32,
    /// Statements billed in the month.
    pub charges: i32,
    pub exempt_document_no: Option<String>,
    pub taxable_document_no: Option<String>,
}

#[derive(Debug, Clone, GraphQLObject)]
pub struct TaxRollupOutput {
    /// The month's first day.
    pub month: LocalDate,
    pub items: Vec<TaxRollupLine>,
    /// The same lines as CSV (UTF-8 with BOM, CRLF), for an accountant.
    pub csv: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, GraphQLEnum)]
pub enum AccountStatementKind {
    /// A florist's sheets with the wholesaler on one business day (KST).
    #[graphql(name = "DAILY")]
    Daily,
    /// A statement of account (거래내역서) between two dates.
    #[graphql(name = "PERIOD")]
    Period,
}

/// A daily statement or a statement of account: an immutable PDF whose
/// figures are the ledger's when it was issued.
#[derive(Debug, Clone, GraphQLObject)]
pub struct AccountStatement {
    pub id: i32,
    pub kind: AccountStatementKind,
    pub wholesaler_id: i32,
    pub retailer_id: i32,
    /// The first day covered (a daily statement's day).
    pub period_from: LocalDate,
    /// The last day covered (a daily statement's day).
    pub period_to: LocalDate,
    pub file_name: String,
    /// The PDF at the receipt service (for the pair, with their token).
    pub file_path: String,
    /// 전잔액 (DAILY) or the balance carried in (PERIOD).
    pub opening_balance: i32,
    /// 금일: the day's total (DAILY), or the period's charges (PERIOD).
    pub charges: i32,
    /// 입금 of the day or the period, as a positive sum.
    pub payments: i32,
    /// 잔액.
    pub closing_balance: i32,
    pub issued_by_id: Option<i32>,
    pub created_at: LocalDate,
}

impl AccountStatement {
    pub fn new(row: db::account_statements::AccountStatementRow) -> GqlResult<Self> {
        let kind = if row.kind == db::account_statements::DAILY {
            AccountStatementKind::Daily
        } else {
            AccountStatementKind::Period
        };
        Ok(AccountStatement {
            id: gql_id(row.id),
            kind,
            wholesaler_id: gql_id(row.wholesaler_id),
            retailer_id: gql_id(row.retailer_id),
            period_from: day(row.period_from),
            period_to: day(row.period_to),
            file_name: row.file_name,
            file_path: row.file_path,
            opening_balance: won(row.opening_balance)?,
            charges: won(row.charges)?,
            payments: won(row.payments)?,
            closing_balance: won(row.closing_balance)?,
            issued_by_id: row.issued_by.map(gql_id),
            created_at: LocalDate::from_utc(row.created_at),
        })
    }
}

/// A pair's documents, the newest period first.
#[derive(Debug, Clone, GraphQLObject)]
pub struct AccountStatementsOutput {
    pub wholesaler_id: i32,
    pub retailer_id: i32,
    pub total_count: i32,
    pub items: Vec<AccountStatement>,
}
