//! What every use case shares: who is asking (`viewer`), how a use case says
//! no (`error`), the services core calls (`peers`) and the page of a list a
//! caller asks for (`page`).
//!
//! The use cases themselves live in `trading`, `accounts` and `sms`. They know
//! nothing of GraphQL: each takes the pool (or, run inside a caller's
//! transaction, a connection), the viewer or the ids it needs, and whatever
//! else it uses (settings, a peer's client, the token issuer) as arguments,
//! and answers [`Result`]. The GraphQL resolvers, the nightly batch and the
//! CLI call the same functions.

pub mod error;
pub mod page;
pub mod peers;
pub mod text;
pub mod viewer;

pub use error::{Error, Result, on_unique_violation};
pub use page::Page;
pub use peers::Peers;
pub use viewer::{Presented, Viewer};

/// A connection from the pool; a pool that cannot give one is a database
/// outage (`DATABASE_UNAVAILABLE`).
pub async fn conn(pool: &db::DbPool) -> Result<db::DbConn> {
    pool.get()
        .await
        .map_err(|e| Error::from(db::DbError::from(e)))
}
