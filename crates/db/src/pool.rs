//! The connection pool every service shares its database through.

use diesel::connection::{Instrumentation, InstrumentationEvent};
use diesel_async::pooled_connection::deadpool::{Object, Pool, PoolError};
use diesel_async::pooled_connection::{AsyncDieselConnectionManager, ManagerConfig};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

pub type DbPool = Pool<AsyncPgConnection>;
pub type DbConn = Object<AsyncPgConnection>;

/// Errors of the data layer. Services map them into their own error type; the
/// message of a `Query` error may contain SQL details and is for logs only.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("database unavailable: {0}")]
    Pool(#[from] PoolError),
    #[error("database query failed: {0}")]
    Query(#[from] diesel::result::Error),
    #[error("cannot connect to the database: {0}")]
    Connection(#[from] diesel::ConnectionError),
    #[error("migrations: {0}")]
    Migration(String),
}

impl DbError {
    /// True when the statement broke a unique index: the caller lost a race or
    /// repeated a request, which is a domain answer ("duplicated"), not a crash.
    pub fn is_unique_violation(&self) -> bool {
        matches!(
            self,
            DbError::Query(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _
            ))
        )
    }

    /// True when the database is out of reach rather than the statement wrong:
    /// no connection could be had, or the one in use died under the statement
    /// (closed, or terminated by the server: PostgreSQL then reports SQLSTATE
    /// 57P01, which the driver passes on only as its message). Callers answer
    /// "unavailable, retry later" instead of an internal error.
    pub fn is_outage(&self) -> bool {
        use diesel::result::DatabaseErrorKind as Kind;
        match self {
            DbError::Pool(_) | DbError::Connection(_) => true,
            DbError::Query(diesel::result::Error::DatabaseError(kind, info)) => match kind {
                Kind::ClosedConnection | Kind::UnableToSendCommand => true,
                Kind::Unknown => {
                    let message = info.message();
                    message.starts_with("terminating connection")
                        || message.contains("the database system is shutting down")
                }
                _ => false,
            },
            DbError::Query(diesel::result::Error::BrokenTransactionManager) => true,
            _ => false,
        }
    }

    /// The name of the violated constraint, when the database reported one.
    pub fn constraint_name(&self) -> Option<&str> {
        match self {
            DbError::Query(diesel::result::Error::DatabaseError(_, info)) => info.constraint_name(),
            _ => None,
        }
    }
}

/// Builds a pool. Connections are opened lazily, so this succeeds even while the
/// database is down; `/readyz` reports that state instead.
pub fn connect(database_url: &str, max_size: usize) -> Result<DbPool, DbError> {
    let mut config = ManagerConfig::default();
    config.custom_setup = Box::new(|url| Box::pin(establish_counted(url.to_owned())));
    // No `SELECT 1` before every checkout: a broken connection is noticed (and
    // dropped) when it fails, which saves a round trip per query batch.
    config.recycling_method = diesel_async::pooled_connection::RecyclingMethod::Fast;
    let manager =
        AsyncDieselConnectionManager::<AsyncPgConnection>::new_with_config(database_url, config);
    Pool::builder(manager)
        .max_size(max_size)
        .wait_timeout(Some(Duration::from_secs(5)))
        .create_timeout(Some(Duration::from_secs(5)))
        .runtime(deadpool::Runtime::Tokio1)
        .build()
        .map_err(|e| DbError::Migration(format!("pool configuration: {e}")))
}

/// One round trip to the database; used by readiness probes.
pub async fn ping(pool: &DbPool) -> Result<(), DbError> {
    use diesel_async::RunQueryDsl;
    let mut conn = pool.get().await?;
    diesel::sql_query("SELECT 1").execute(&mut conn).await?;
    Ok(())
}

/// Statements run through pooled connections since the process started. The
/// tests read it to prove a request costs a bounded number of statements
/// whatever the size of its lists (no N+1).
static STATEMENTS: AtomicU64 = AtomicU64::new(0);

pub fn statements_executed() -> u64 {
    STATEMENTS.load(Ordering::Relaxed)
}

struct CountStatements;

impl Instrumentation for CountStatements {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        if let InstrumentationEvent::StartQuery { .. } = event {
            STATEMENTS.fetch_add(1, Ordering::Relaxed);
        }
    }
}

async fn establish_counted(url: String) -> diesel::ConnectionResult<AsyncPgConnection> {
    let mut conn = AsyncPgConnection::establish(&url).await?;
    conn.set_instrumentation(CountStatements);
    Ok(conn)
}

#[cfg(test)]
mod tests {
    use super::DbError;
    use diesel::result::{DatabaseErrorKind as Kind, Error};

    fn failed(kind: Kind, message: &str) -> DbError {
        DbError::Query(Error::DatabaseError(kind, Box::new(message.to_owned())))
    }

    #[test]
    fn outages_are_told_apart_from_bad_statements() {
        let terminated = "terminating connection due to administrator command";
        assert!(failed(Kind::Unknown, terminated).is_outage());
        assert!(failed(Kind::ClosedConnection, "closed").is_outage());
        assert!(failed(Kind::UnableToSendCommand, "connection closed").is_outage());
        assert!(!failed(Kind::Unknown, "syntax error at or near \"SELEC\"").is_outage());
        assert!(!failed(Kind::UniqueViolation, "duplicate key value").is_outage());
        assert!(!DbError::Query(Error::NotFound).is_outage());
    }
}
