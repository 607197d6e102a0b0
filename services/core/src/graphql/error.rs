//! GraphQL errors: every business error becomes one `errors[]` entry whose
//! `extensions` carry `errorType`, `code` and `errorCode` (plus the original's
//! empty `debugInfo`), so existing clients keep matching on them.

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
        tracing::error!(%detail, "{context}");
        GqlError::code(ErrorCode::Internal)
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

/// Maps a unique-index violation to `code` (a concurrent duplicate lost the
/// race in the database); any other database error stays internal.
pub fn on_unique_violation(code: ErrorCode) -> impl Fn(diesel::result::Error) -> GqlError {
    move |e| match e {
        diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        ) => GqlError::code(code),
        other => other.into(),
    }
}

impl From<diesel::result::Error> for GqlError {
    fn from(e: diesel::result::Error) -> Self {
        db::DbError::Query(e).into()
    }
}

impl From<crate::graphql::loaders::LoadError> for GqlError {
    fn from(e: crate::graphql::loaders::LoadError) -> Self {
        GqlError::of_database(&e.0)
    }
}

impl GqlError {
    /// `DATABASE_UNAVAILABLE` for an outage, else a logged `INTERNAL`.
    fn of_database(e: &db::DbError) -> Self {
        if e.is_outage() {
            tracing::warn!(error = %e, "database unavailable");
            return GqlError::code(ErrorCode::DatabaseUnavailable);
        }
        GqlError::internal("database query failed", e)
    }
}

/// A database out of reach (no connection, or the one in use dropped under the
/// statement) is `DATABASE_UNAVAILABLE`, which clients retry; anything else is
/// a bug, logged and answered `INTERNAL`.
impl From<db::DbError> for GqlError {
    fn from(e: db::DbError) -> Self {
        GqlError::of_database(&e)
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
