//! `POST /v1/sms` and `GET /v1/sms/{id}` of the messaging service.

use crate::service_client::{CallError, ServiceClient};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The original's request body: a template name and its positional arguments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SendSms {
    /// The recipient's mobile number: `010-1234-5678` or `01012345678`
    /// (spaces are accepted as separators too).
    #[schema(
        example = "010-1234-5678",
        pattern = "^(010-?[0-9]{4}|01[16789]-?[0-9]{3,4})-?[0-9]{4}$"
    )]
    pub to: String,
    /// `Default`, `Verification`, `ApplyBizConnection`, `ConfirmBizConnection`,
    /// `RejectBizConnection` or `IssueOrderSheetReceipt`.
    #[schema(
        example = "Default",
        pattern = "^(Default|Verification|ApplyBizConnection|ConfirmBizConnection|RejectBizConnection|IssueOrderSheetReceipt)$"
    )]
    pub template: String,
    /// The template's positional arguments.
    pub args: Vec<String>,
}

/// The outcome of one send as recorded in `send_sms_logs`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SmsLog {
    pub id: i64,
    /// `SUCCESS`, `FAILURE` or `PENDING`.
    pub status: String,
    /// `SMS` or `LMS`.
    pub message_type: Option<String>,
    pub template: Option<String>,
    pub provider: Option<String>,
    pub provider_request_id: Option<String>,
    pub attempts: i32,
    pub error_code: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl SmsLog {
    pub fn succeeded(&self) -> bool {
        self.status == "SUCCESS"
    }
}

#[derive(Clone)]
pub struct MessagingClient {
    http: ServiceClient,
}

impl MessagingClient {
    pub fn new(http: ServiceClient) -> Self {
        MessagingClient { http }
    }

    /// Sends (at most once per `idempotency_key`) and returns the log row.
    pub async fn send(
        &self,
        request: &SendSms,
        idempotency_key: &str,
    ) -> Result<SmsLog, CallError> {
        self.http
            .post_json("/v1/sms", request, Some(idempotency_key))
            .await
    }

    pub async fn status(&self, id: i64) -> Result<SmsLog, CallError> {
        self.http.get_json(&format!("/v1/sms/{id}")).await
    }
}
