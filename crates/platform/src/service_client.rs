//! The base of the typed clients services use to call each other: explicit
//! timeouts, the service credential, the current request id, and errors that
//! say whether a retry can help.

use crate::request_id;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum CallError {
    /// The peer could not be reached or timed out: retrying later may help.
    #[error("{service} unavailable: {detail}")]
    Unavailable {
        service: &'static str,
        detail: String,
    },
    /// The peer answered with an error envelope.
    #[error("{service} answered {status}: {code}: {message}")]
    Rejected {
        service: &'static str,
        status: u16,
        code: String,
        message: String,
    },
    /// The peer answered something this client cannot read.
    #[error("{service} answered unreadable data: {detail}")]
    Protocol {
        service: &'static str,
        detail: String,
    },
}

impl CallError {
    pub fn is_retryable(&self) -> bool {
        match self {
            CallError::Unavailable { .. } => true,
            CallError::Rejected { status, .. } => *status >= 500 || *status == 429,
            CallError::Protocol { .. } => false,
        }
    }
}

#[derive(Clone)]
pub struct ServiceClient {
    service: &'static str,
    base_url: String,
    service_token: String,
    http: reqwest::Client,
}

impl ServiceClient {
    pub fn new(
        service: &'static str,
        base_url: &str,
        service_token: &str,
        timeout: Duration,
    ) -> Self {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(Duration::from_secs(2))
            .build()
            .unwrap_or_default();
        ServiceClient {
            service,
            base_url: base_url.trim_end_matches('/').to_owned(),
            service_token: service_token.to_owned(),
            http,
        }
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let mut builder = self
            .http
            .request(method, format!("{}{}", self.base_url, path))
            .bearer_auth(&self.service_token);
        if let Some(id) = request_id::current() {
            builder = builder.header(request_id::HEADER.as_str(), id);
        }
        builder
    }

    /// POSTs JSON; `idempotency_key` makes a retried call safe on the peer.
    pub async fn post_json<B: Serialize, R: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
        idempotency_key: Option<&str>,
    ) -> Result<R, CallError> {
        let mut builder = self.request(reqwest::Method::POST, path).json(body);
        if let Some(key) = idempotency_key {
            builder = builder.header("idempotency-key", key);
        }
        self.send(builder).await
    }

    pub async fn get_json<R: DeserializeOwned>(&self, path: &str) -> Result<R, CallError> {
        self.send(self.request(reqwest::Method::GET, path)).await
    }

    async fn send<R: DeserializeOwned>(
        &self,
        builder: reqwest::RequestBuilder,
    ) -> Result<R, CallError> {
        let service = self.service;
        let response = builder.send().await.map_err(|e| CallError::Unavailable {
            service,
            detail: e.without_url().to_string(),
        })?;
        let status = response.status();
        let bytes = response.bytes().await.map_err(|e| CallError::Unavailable {
            service,
            detail: e.without_url().to_string(),
        })?;
        if status.is_success() {
            return serde_json::from_slice(&bytes).map_err(|e| CallError::Protocol {
                service,
                detail: e.to_string(),
            });
        }
        #[derive(serde::Deserialize)]
        struct Envelope {
            error: Detail,
        }
        #[derive(serde::Deserialize)]
        struct Detail {
            code: String,
            message: String,
        }
        let (code, message) = match serde_json::from_slice::<Envelope>(&bytes) {
            Ok(envelope) => (envelope.error.code, envelope.error.message),
            Err(_) => (
                "UNKNOWN".to_owned(),
                String::from_utf8_lossy(&bytes).chars().take(200).collect(),
            ),
        };
        Err(CallError::Rejected {
            service,
            status: status.as_u16(),
            code,
            message,
        })
    }
}
