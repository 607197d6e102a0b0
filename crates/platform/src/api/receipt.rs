//! The receipt service's API as its callers see it: `POST /v1/order-sheets/{id}/receipts`
//! and `POST /v1/account-statements`.

use crate::service_client::{CallError, ServiceClient};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Body of an issue request. The receipt service reads the sheet, its lines
/// and both parties from the database itself; the caller only says who asked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IssueReceipt {
    /// The user on whose behalf a service issues (audit `issued_by`).
    pub issued_by: Option<i64>,
}

/// One row of `order_sheet_receipts`, as the API returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Receipt {
    pub id: i64,
    pub order_sheet_id: i64,
    pub file_name: String,
    pub file_path: String,
    pub file_format: String,
    pub metadata: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Clone)]
pub struct ReceiptClient {
    http: ServiceClient,
}

impl ReceiptClient {
    pub fn new(http: ServiceClient) -> Self {
        ReceiptClient { http }
    }

    /// Issues a statement; the same `idempotency_key` returns the same receipt.
    pub async fn issue(
        &self,
        order_sheet_id: i64,
        request: &IssueReceipt,
        idempotency_key: &str,
    ) -> Result<Receipt, CallError> {
        self.http
            .post_json(
                &format!("/v1/order-sheets/{order_sheet_id}/receipts"),
                request,
                Some(idempotency_key),
            )
            .await
    }

    /// Asks the receipt service to fetch and keep `user_id`'s seal stamp now
    /// (after its business info changed), so no statement fetches it.
    pub async fn refresh_seal_stamp(&self, user_id: i64) -> Result<serde_json::Value, CallError> {
        self.http
            .post_json(
                &format!("/v1/users/{user_id}/seal-stamp"),
                &serde_json::json!({}),
                None,
            )
            .await
    }
}

/// What a document over more than one sheet covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AccountStatementKind {
    /// A florist's sheets with one wholesaler on one KST business day.
    Daily,
    /// A statement of account (거래내역서) between two dates.
    Period,
}

impl AccountStatementKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountStatementKind::Daily => "DAILY",
            AccountStatementKind::Period => "PERIOD",
        }
    }

    pub fn parse(s: &str) -> Option<AccountStatementKind> {
        match s {
            "DAILY" => Some(AccountStatementKind::Daily),
            "PERIOD" => Some(AccountStatementKind::Period),
            _ => None,
        }
    }
}

/// Body of `POST /v1/account-statements`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IssueAccountStatement {
    pub kind: AccountStatementKind,
    pub retailer_id: i64,
    /// Required for service callers; a wholesaler's account may omit it
    /// (its own company).
    #[serde(default)]
    pub wholesaler_id: Option<i64>,
    /// DAILY: the KST business day whose sheets it adds up.
    #[serde(default)]
    pub day: Option<chrono::NaiveDate>,
    /// PERIOD: the first day, inclusive.
    #[serde(default)]
    pub from: Option<chrono::NaiveDate>,
    /// PERIOD: the last day, inclusive.
    #[serde(default)]
    pub to: Option<chrono::NaiveDate>,
    /// The user on whose behalf a service issues (audit `issued_by`).
    #[serde(default)]
    pub issued_by: Option<i64>,
}

/// One row of `account_statements`, as the API returns it. The figures are
/// the ledger's at issue time, as printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccountStatement {
    pub id: i64,
    pub kind: AccountStatementKind,
    pub wholesaler_id: i64,
    pub retailer_id: i64,
    pub period_from: chrono::NaiveDate,
    pub period_to: chrono::NaiveDate,
    pub file_name: String,
    pub file_path: String,
    /// 전잔액 (DAILY) or the balance carried in (PERIOD).
    pub opening_balance: i64,
    /// 금일 (DAILY) or the period's charges.
    pub charges: i64,
    pub payments: i64,
    /// 잔액.
    pub closing_balance: i64,
    pub metadata: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl ReceiptClient {
    /// Issues a daily or period statement; the same `idempotency_key`
    /// returns the same document.
    pub async fn issue_account_statement(
        &self,
        request: &IssueAccountStatement,
        idempotency_key: &str,
    ) -> Result<AccountStatement, CallError> {
        self.http
            .post_json("/v1/account-statements", request, Some(idempotency_key))
            .await
    }
}
