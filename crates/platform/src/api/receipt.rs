//! `POST /v1/order-sheets/{id}/receipts` of the receipt service.

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
