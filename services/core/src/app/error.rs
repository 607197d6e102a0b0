//! The use-case layer's one error type. A business rule's refusal carries its
//! catalogue code and message to whoever called (the GraphQL layer renders it
//! as an `errors[]` entry, the nightly batch writes it to its log row); a
//! database outage and a bug are variants of their own, so no caller has to
//! tell them apart by code.

use domain::{DomainError, ErrorCode};

#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// A business rule said no: the code and message reach the client as they are.
    Refused(DomainError),
    /// The database is out of reach (no connection, or the one in use dropped
    /// under the statement): `DATABASE_UNAVAILABLE`, which clients retry.
    DatabaseUnavailable,
    /// A bug, logged where it happened: the client learns only that something
    /// went wrong (`INTERNAL`).
    Internal,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// The code with its default message.
    pub fn new(code: ErrorCode) -> Self {
        Error::Refused(DomainError::new(code))
    }

    /// The code with a call-site message (e.g. the original's text naming an id).
    pub fn with_message(code: ErrorCode, message: impl Into<String>) -> Self {
        Error::Refused(DomainError::with_message(code, message))
    }

    /// Logs what went wrong and tells the caller only that something did.
    pub fn internal(context: &str, detail: impl std::fmt::Display) -> Self {
        tracing::error!(%detail, "{context}");
        Error::Internal
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Refused(e) => e.code,
            Error::DatabaseUnavailable => ErrorCode::DatabaseUnavailable,
            Error::Internal => ErrorCode::Internal,
        }
    }

    /// What the client is told: the code with its message.
    pub fn into_domain(self) -> DomainError {
        match self {
            Error::Refused(e) => e,
            other => DomainError::new(other.code()),
        }
    }
}

impl From<DomainError> for Error {
    fn from(e: DomainError) -> Self {
        Error::Refused(e)
    }
}

impl From<domain::ValueError> for Error {
    fn from(e: domain::ValueError) -> Self {
        Error::Refused(e.into())
    }
}

impl Error {
    /// An outage or a bug, classified (and logged) where it happens rather
    /// than where it is rendered: a use case that answers a failed lookup
    /// with its own refusal still leaves the outage or the bug in the log.
    pub fn of_database(e: &db::DbError) -> Self {
        if e.is_outage() {
            tracing::warn!(error = %e, "database unavailable");
            return Error::DatabaseUnavailable;
        }
        Error::internal("database query failed", e)
    }
}

impl From<db::DbError> for Error {
    fn from(e: db::DbError) -> Self {
        Error::of_database(&e)
    }
}

impl From<diesel::result::Error> for Error {
    fn from(e: diesel::result::Error) -> Self {
        db::DbError::Query(e).into()
    }
}

/// Maps a unique-index violation to `code` (a concurrent duplicate lost the
/// race in the database); any other database error stays what it is.
pub fn on_unique_violation(code: ErrorCode) -> impl Fn(diesel::result::Error) -> Error {
    move |e| match e {
        diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        ) => Error::new(code),
        other => other.into(),
    }
}
