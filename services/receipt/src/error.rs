//! The receipt service's one error type and how it answers over HTTP.

use crate::pdf::RenderError;
use crate::storage::StorageError;
use actix_web::http::StatusCode;
use domain::{DomainError, ErrorCode};
use platform::ApiError;

#[derive(Debug, thiserror::Error)]
pub enum ReceiptError {
    #[error(transparent)]
    Domain(#[from] DomainError),
    #[error(transparent)]
    Db(#[from] db::DbError),
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Render(#[from] RenderError),
    #[error("{0}")]
    Internal(String),
}

impl From<diesel::result::Error> for ReceiptError {
    fn from(e: diesel::result::Error) -> Self {
        ReceiptError::Db(db::DbError::Query(e))
    }
}

impl ReceiptError {
    pub fn code(code: ErrorCode) -> Self {
        ReceiptError::Domain(DomainError::new(code))
    }
}

impl From<ReceiptError> for ApiError {
    fn from(e: ReceiptError) -> Self {
        match e {
            ReceiptError::Domain(d) => d.into(),
            ReceiptError::Db(d) => d.into(),
            ReceiptError::Storage(StorageError::NotFound) => {
                let code = ErrorCode::NoOrderSheetReceipt;
                ApiError::new(
                    StatusCode::NOT_FOUND,
                    code.name(),
                    "The receipt file is missing from storage.",
                )
            }
            ReceiptError::Storage(s) => {
                tracing::warn!(error = %s, "receipt storage failed");
                let code = ErrorCode::StorageUnavailable;
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    code.name(),
                    code.default_message(),
                )
                .with_retry_after(2)
            }
            ReceiptError::Render(r) => ApiError::internal("rendering a statement failed", r),
            ReceiptError::Internal(m) => ApiError::internal("receipt", m),
        }
    }
}
