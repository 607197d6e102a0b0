//! Where messages go: a provider behind a trait, chosen by `SMS_PROVIDER`.
//! `record` (the zero-config default) sends nothing and reports success, so
//! development and demos work without an SMS account; `sens` is Naver Cloud
//! SENS v2.

pub mod record;
pub mod sens;

use crate::template::Rendered;
use domain::PhoneNumber;
use futures_util::future::BoxFuture;
use std::time::Duration;

pub use record::RecordProvider;
pub use sens::{SensConfig, SensProvider};

/// One message to one recipient.
#[derive(Debug, Clone, Copy)]
pub struct Outgoing<'a> {
    pub to: &'a PhoneNumber,
    pub message: &'a Rendered,
}

/// What a provider made of a message, after its own retries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub accepted: bool,
    /// Requests made to the provider (1 + retries); 0 if none was made.
    pub attempts: i32,
    /// The provider's id for the send, to trace it in the provider's console.
    pub provider_request_id: Option<String>,
    /// Stable short code of the failure, e.g. `HTTP_400`, `TIMEOUT`.
    pub error_code: Option<String>,
    /// A readable account of the failure for `send_sms_logs.err_logs`.
    pub detail: String,
}

impl Delivery {
    pub fn accepted(attempts: i32, provider_request_id: Option<String>) -> Self {
        Delivery {
            accepted: true,
            attempts,
            provider_request_id,
            error_code: None,
            detail: String::new(),
        }
    }

    pub fn failed(attempts: i32, error_code: impl Into<String>, detail: impl Into<String>) -> Self {
        Delivery {
            accepted: false,
            attempts,
            provider_request_id: None,
            error_code: Some(error_code.into()),
            detail: detail.into(),
        }
    }
}

pub trait SmsProvider: Send + Sync {
    /// Stored in `send_sms_logs.provider`.
    fn name(&self) -> &'static str;

    /// Sends one message. Never fails as a Rust error: every outcome is a
    /// `Delivery` to record.
    fn send<'a>(&'a self, sms: Outgoing<'a>) -> BoxFuture<'a, Delivery>;

    /// The longest a `send` can take including retries, so a duplicate request
    /// knows how long to wait for the first one's outcome.
    fn max_duration(&self) -> Duration;
}
