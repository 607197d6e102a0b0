//! The account rules: sign-up, sign-in, sessions, employees joining with the
//! owner's consent, phone proofs and recovery, trading-partner links, the
//! abuse limits, and the operator mutations. Resolvers call these; they own
//! the transactions, take the pool and what else they use as arguments, and
//! answer `app::Result` (see `app`).

pub mod admin;
pub mod alerts;
pub mod auth;
pub mod employees;
pub mod limits;
pub mod partners;
pub mod passwords;
pub mod policy;
pub mod recovery;
pub mod sessions;

use crate::app::Error;
use domain::ErrorCode;

/// A saturated hasher is a retryable refusal; anything else is a bug.
pub fn hashing_failed(e: passwords::HashError) -> Error {
    match e {
        passwords::HashError::Busy(_) => hashing_busy(),
        passwords::HashError::Failed(detail) => Error::internal("hashing", detail),
    }
}

/// Every password-hashing slot is taken and the queue is full.
pub fn hashing_busy() -> Error {
    Error::with_message(
        ErrorCode::TooManyAttempts,
        "The server is busy. Please try again in a few seconds.",
    )
}
