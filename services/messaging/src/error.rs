//! The service layer's one error type, and how it reads over HTTP.

use actix_web::http::StatusCode;
use domain::{DomainError, ErrorCode};
use platform::error::ApiError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A business rule or a value object said no.
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// A rate limit is exhausted; a slot frees up after `retry_after` seconds.
    #[error("rate limited: {message}")]
    RateLimited {
        retry_after: u64,
        message: &'static str,
    },
    /// The provider refused or could not be reached (after its retries).
    #[error("the SMS was not delivered to the provider")]
    NotDelivered,
    #[error(transparent)]
    Db(#[from] db::DbError),
}

impl From<diesel::result::Error> for Error {
    fn from(e: diesel::result::Error) -> Self {
        Error::Db(db::DbError::Query(e))
    }
}

impl From<ErrorCode> for Error {
    fn from(code: ErrorCode) -> Self {
        Error::Domain(DomainError::new(code))
    }
}

impl From<domain::ValueError> for Error {
    fn from(e: domain::ValueError) -> Self {
        Error::Domain(e.into())
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        match e {
            Error::Domain(e) => e.into(),
            Error::RateLimited {
                retry_after,
                message,
            } => ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                ErrorCode::TooManyAttempts.name(),
                message,
            )
            .with_retry_after(retry_after),
            Error::NotDelivered => ApiError::new(
                StatusCode::BAD_GATEWAY,
                ErrorCode::SmsNotReached.name(),
                ErrorCode::SmsNotReached.default_message(),
            ),
            // An outage (also a connection that died under a query) answers
            // 503, so callers (core's outbox) retry later instead of giving up.
            Error::Db(e) => e.into(),
        }
    }
}
