//! The one JSON error envelope of the REST services:
//! `{ "error": { "code": "NO_ORDER_SHEET", "message": "..." } }`.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use domain::{DomainError, ErrorCode};
use serde::Serialize;

#[derive(Debug, Clone, thiserror::Error)]
#[error("{code}: {message}")]
pub struct ApiError {
    pub status: StatusCode,
    pub code: String,
    pub message: String,
    /// Seconds, sent as `Retry-After` (rate limits, temporarily unavailable peers).
    pub retry_after: Option<u64>,
}

#[derive(Serialize)]
struct Envelope<'a> {
    error: Body<'a>,
}

#[derive(Serialize)]
struct Body<'a> {
    code: &'a str,
    message: &'a str,
}

impl ApiError {
    pub fn new(status: StatusCode, code: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code: code.into(),
            message: message.into(),
            retry_after: None,
        }
    }

    pub fn with_retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    pub fn unauthenticated(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::Unauthenticated.name(),
            message,
        )
    }

    pub fn forbidden() -> Self {
        let code = ErrorCode::PermissionDenied;
        Self::new(StatusCode::FORBIDDEN, code.name(), code.default_message())
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidData.name(),
            message,
        )
    }

    /// Something failed that the caller cannot fix; details go to the log only.
    pub fn internal(context: &str, detail: impl std::fmt::Display) -> Self {
        tracing::error!(%detail, "{context}");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::Internal.name(),
            "internal error",
        )
    }
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        let status = StatusCode::from_u16(e.code.http_status()).unwrap_or(StatusCode::BAD_REQUEST);
        ApiError::new(status, e.code.name(), e.message)
    }
}

impl From<db::DbError> for ApiError {
    fn from(e: db::DbError) -> Self {
        if e.is_outage() {
            tracing::warn!(error = %e, "database unavailable");
            return ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "UNAVAILABLE",
                "database unavailable, retry later",
            )
            .with_retry_after(1);
        }
        ApiError::internal("database error", e)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        if let Some(seconds) = self.retry_after {
            response.insert_header((header::RETRY_AFTER, HeaderValue::from(seconds)));
        }
        response.json(Envelope {
            error: Body {
                code: &self.code,
                message: &self.message,
            },
        })
    }
}

/// Makes actix's own rejections (malformed JSON, bad path segments, oversized
/// bodies) answer with the same envelope instead of plain text.
pub fn json_config() -> actix_web::web::JsonConfig {
    actix_web::web::JsonConfig::default()
        .limit(1 << 20)
        .error_handler(|err, _req| match err {
            actix_web::error::JsonPayloadError::Overflow { limit }
            | actix_web::error::JsonPayloadError::OverflowKnownLength { limit, .. } => {
                ApiError::new(
                    actix_web::http::StatusCode::PAYLOAD_TOO_LARGE,
                    "PAYLOAD_TOO_LARGE",
                    format!("the JSON body is larger than {limit} bytes"),
                )
                .into()
            }
            other => ApiError::bad_request(format!("invalid JSON body: {other}")).into(),
        })
}

pub fn path_config() -> actix_web::web::PathConfig {
    actix_web::web::PathConfig::default()
        .error_handler(|err, _req| ApiError::bad_request(format!("invalid path: {err}")).into())
}

pub fn query_config() -> actix_web::web::QueryConfig {
    actix_web::web::QueryConfig::default()
        .error_handler(|err, _req| ApiError::bad_request(format!("invalid query: {err}")).into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::{App, test, web};

    #[actix_web::test]
    async fn an_oversized_json_body_is_413_and_a_broken_one_400() {
        let app = test::init_service(App::new().app_data(json_config()).route(
            "/",
            web::post().to(|_: web::Json<serde_json::Value>| async { "ok" }),
        ))
        .await;
        let post = |body: String| {
            test::TestRequest::post()
                .uri("/")
                .insert_header(("content-type", "application/json"))
                .set_payload(body)
                .to_request()
        };
        let big = format!("\"{}\"", "x".repeat(2 << 20));
        let answer = test::call_service(&app, post(big)).await;
        assert_eq!(answer.status(), StatusCode::PAYLOAD_TOO_LARGE);
        let answer = test::call_service(&app, post("{nope".to_owned())).await;
        assert_eq!(answer.status(), StatusCode::BAD_REQUEST);
        let answer = test::call_service(&app, post("{}".to_owned())).await;
        assert_eq!(answer.status(), StatusCode::OK);
    }
}
