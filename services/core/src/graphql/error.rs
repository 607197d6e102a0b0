//! GraphQL errors: every business error becomes one `errors[]` entry whose
//! `extensions` carry `errorType`, `code` and `errorCode` (plus the original's
//! empty `debugInfo`), so existing clients keep matching on them.

use crate::app;
use domain::{DomainError, ErrorCode};
use juniper::{FieldError, IntoFieldError, ScalarValue, graphql_value};

/// The error type of the GraphQL layer.
#[derive(Debug, Clone, PartialEq)]
pub struct GqlError(pub DomainError);

pub type GqlResult<T> = Result<T, GqlError>;

impl GqlError {
    pub fn code(code: ErrorCode) -> Self {
        GqlError(DomainError::new(code))
    }

    pub fn message(code: ErrorCode, message: impl Into<String>) -> Self {
        GqlError(DomainError::with_message(code, message))
    }

    /// Logs what went wrong and tells the client only that something did.
    pub fn internal(context: &str, detail: impl std::fmt::Display) -> Self {
        app::Error::internal(context, detail).into()
    }
}

/// The use cases' refusals, outages and bugs, as the client sees them.
impl From<app::Error> for GqlError {
    fn from(e: app::Error) -> Self {
        GqlError(e.into_domain())
    }
}

impl From<DomainError> for GqlError {
    fn from(e: DomainError) -> Self {
        GqlError(e)
    }
}

impl From<domain::ValueError> for GqlError {
    fn from(e: domain::ValueError) -> Self {
        GqlError(e.into())
    }
}

/// Resolvers that read the database directly classify its errors as the use
/// cases do: an outage is `DATABASE_UNAVAILABLE`, anything else a logged `INTERNAL`.
impl From<db::DbError> for GqlError {
    fn from(e: db::DbError) -> Self {
        app::Error::from(e).into()
    }
}

impl From<diesel::result::Error> for GqlError {
    fn from(e: diesel::result::Error) -> Self {
        app::Error::from(e).into()
    }
}

impl From<crate::graphql::loaders::LoadError> for GqlError {
    fn from(e: crate::graphql::loaders::LoadError) -> Self {
        app::Error::of_database(&e.0).into()
    }
}

impl<S: ScalarValue> IntoFieldError<S> for GqlError {
    fn into_field_error(self) -> FieldError<S> {
        let code = self.0.code;
        FieldError::new(
            self.0.message,
            graphql_value!({
                "errorType": (code.error_type()),
                "code": (code.name()),
                "errorCode": (code.error_code()),
                "debugInfo": {},
            }),
        )
    }
}

/// An argument the contract declares nullable but the operation needs.
pub fn required<T>(value: Option<T>, what: &str) -> GqlResult<T> {
    value.ok_or_else(|| GqlError::message(ErrorCode::InvalidData, format!("{what} is required")))
}
