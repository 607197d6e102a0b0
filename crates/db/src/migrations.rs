//! Embedded migrations. The `migrate` binary applies them as a one-shot step;
//! services only check that none are pending, so replicas never race to migrate.

use crate::pool::DbError;
use diesel::Connection;
use diesel::migration::MigrationSource;
use diesel::pg::Pg;
use diesel_async::AsyncPgConnection;
use diesel_async::async_connection_wrapper::AsyncConnectionWrapper;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations");

type SyncConn = AsyncConnectionWrapper<AsyncPgConnection>;

/// Runs `work` on a blocking thread with a synchronous view of an async
/// connection: diesel's migration harness is synchronous, and diesel-async's own
/// harness panics on actix's current-thread runtime.
async fn with_sync_connection<T, F>(database_url: &str, work: F) -> Result<T, DbError>
where
    T: Send + 'static,
    F: FnOnce(&mut SyncConn) -> Result<T, DbError> + Send + 'static,
{
    let url = database_url.to_owned();
    tokio::task::spawn_blocking(move || {
        let mut conn = <SyncConn as Connection>::establish(&url)?;
        work(&mut conn)
    })
    .await
    .map_err(|e| DbError::Migration(format!("migration task failed: {e}")))?
}

fn migration_error(e: impl std::fmt::Display) -> DbError {
    DbError::Migration(e.to_string())
}

/// Applies every pending migration and returns the versions applied.
pub async fn run_pending(database_url: &str) -> Result<Vec<String>, DbError> {
    with_sync_connection(database_url, |conn| {
        let applied = conn
            .run_pending_migrations(MIGRATIONS)
            .map_err(migration_error)?;
        Ok(applied.iter().map(ToString::to_string).collect())
    })
    .await
}

/// Versions known to this binary but not yet applied to the database.
pub async fn pending(database_url: &str) -> Result<Vec<String>, DbError> {
    with_sync_connection(database_url, |conn| {
        let pending = conn
            .pending_migrations(MIGRATIONS)
            .map_err(migration_error)?;
        Ok(pending.iter().map(|m| m.name().to_string()).collect())
    })
    .await
}

/// Reverts every applied migration, newest first. Used by the up/down/up test.
pub async fn revert_all(database_url: &str) -> Result<Vec<String>, DbError> {
    with_sync_connection(database_url, |conn| {
        let reverted = conn
            .revert_all_migrations(MIGRATIONS)
            .map_err(migration_error)?;
        Ok(reverted.iter().map(ToString::to_string).collect())
    })
    .await
}

/// Refuses to go on when the schema is behind this binary: a service started
/// before `migrate` would otherwise fail on its first query instead of at once.
pub async fn ensure_current(database_url: &str) -> Result<(), DbError> {
    let pending = pending(database_url).await?;
    if pending.is_empty() {
        Ok(())
    } else {
        Err(DbError::Migration(format!(
            "{} migration(s) pending ({}); run the `migrate` binary first (`make migrate`)",
            pending.len(),
            pending.join(", ")
        )))
    }
}

/// Number of migrations embedded in this binary.
pub fn embedded_count() -> usize {
    MigrationSource::<Pg>::migrations(&MIGRATIONS).map_or(0, |m| m.len())
}

/// Creates the database named in `database_url` when it does not exist yet, by
/// connecting to the server's `postgres` maintenance database.
pub async fn create_database_if_missing(database_url: &str) -> Result<bool, DbError> {
    use diesel::sql_types::Text;
    use diesel_async::{AsyncConnection, RunQueryDsl};

    #[derive(diesel::QueryableByName)]
    struct Exists {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        exists: bool,
    }

    let (server, name) = split_database_url(database_url)?;
    let mut admin = AsyncPgConnection::establish(&format!("{server}/postgres")).await?;
    let found: Exists =
        diesel::sql_query("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS exists")
            .bind::<Text, _>(&name)
            .get_result(&mut admin)
            .await?;
    if found.exists {
        return Ok(false);
    }
    diesel::sql_query(format!("CREATE DATABASE {}", quote_ident(&name)))
        .execute(&mut admin)
        .await?;
    Ok(true)
}

/// Splits `postgres://user@host:port/name?params` into the server part and the
/// database name (query parameters are dropped from the server part).
pub fn split_database_url(database_url: &str) -> Result<(String, String), DbError> {
    let without_query = database_url.split('?').next().unwrap_or(database_url);
    let scheme_end = without_query.find("://").map_or(0, |i| i + 3);
    match without_query[scheme_end..].rfind('/') {
        Some(slash) if slash + scheme_end + 1 < without_query.len() => {
            let at = scheme_end + slash;
            Ok((
                without_query[..at].to_owned(),
                without_query[at + 1..].to_owned(),
            ))
        }
        _ => Err(DbError::Migration(format!(
            "DATABASE_URL has no database name: {}",
            redact_url(database_url)
        ))),
    }
}

/// The URL without its password, for messages and logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(s), Some(at)) if at > s => {
            let userinfo = &url[s + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// Quotes an identifier for the few statements that cannot take parameters.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_server_and_name() {
        let (server, name) =
            split_database_url("postgres://postgres@127.0.0.1:5432/marketbill?sslmode=disable")
                .expect("valid url");
        assert_eq!(server, "postgres://postgres@127.0.0.1:5432");
        assert_eq!(name, "marketbill");
        assert!(split_database_url("postgres://postgres@127.0.0.1:5432/").is_err());
        assert!(split_database_url("postgres://postgres@127.0.0.1:5432").is_err());
    }

    #[test]
    fn redacts_passwords_only() {
        assert_eq!(
            redact_url("postgres://u:secret@h/db"),
            "postgres://u:***@h/db"
        );
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
    }

    #[test]
    fn quotes_identifiers() {
        assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
    }
}
