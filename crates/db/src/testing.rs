//! What every service's tests share: a fresh database per test, cloned from
//! a migrated template ([`TestDb`]), statements and seeded accounts on it,
//! and a free port and scratch directory of the machine.
//!
//! The template is built once per set of migrations (its name carries a hash of
//! the migration files), under an advisory lock so parallel test processes do
//! not build it twice, and renamed into place only when complete, so a crashed
//! build never leaves a half-migrated template behind.

mod accounts;
mod host;
pub mod original;
pub mod pick_day;
mod sql;

pub use host::{free_port, temp_dir};

use crate::migrations::{quote_ident, run_pending, split_database_url};
use crate::pool::{DbError, DbPool, connect};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

/// An isolated database that is dropped when the value goes out of scope.
pub struct TestDb {
    server: String,
    name: String,
    url: String,
    pool: DbPool,
}

impl TestDb {
    /// Creates a database cloned from the migrated template.
    ///
    /// # Panics
    /// When PostgreSQL is unreachable: a test cannot run without it.
    pub async fn new() -> TestDb {
        match Self::try_new().await {
            Ok(db) => db,
            Err(e) => panic!(
                "test database: {e} (is PostgreSQL running at {}?)",
                server_url()
            ),
        }
    }

    async fn try_new() -> Result<TestDb, DbError> {
        let server = server_url();
        let template = ensure_template(&server).await?;
        let name = format!("mb_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = admin_connection(&server).await?;
        diesel::sql_query(format!(
            "CREATE DATABASE {} TEMPLATE {}",
            quote_ident(&name),
            quote_ident(&template)
        ))
        .execute(&mut admin)
        .await?;
        let url = format!("{server}/{name}");
        let pool = connect(&url, 16)?;
        Ok(TestDb {
            server,
            name,
            url,
            pool,
        })
    }

    /// An empty database with no migrations applied (for migration tests).
    pub async fn empty() -> TestDb {
        let server = server_url();
        let name = format!("mb_test_{}", uuid::Uuid::new_v4().simple());
        let created = async {
            let mut admin = admin_connection(&server).await?;
            diesel::sql_query(format!("CREATE DATABASE {}", quote_ident(&name)))
                .execute(&mut admin)
                .await?;
            let url = format!("{server}/{name}");
            let pool = connect(&url, 4)?;
            Ok::<_, DbError>(TestDb {
                server: server.clone(),
                name: name.clone(),
                url,
                pool,
            })
        };
        match created.await {
            Ok(db) => db,
            Err(e) => panic!("test database: {e} (is PostgreSQL running at {server}?)"),
        }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn pool(&self) -> &DbPool {
        &self.pool
    }

    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        self.pool.close();
        let server = self.server.clone();
        let name = self.name.clone();
        // Drop cannot await; a short-lived runtime on its own thread does the work.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime.block_on(async {
                let mut admin = admin_connection(&server).await.ok()?;
                diesel::sql_query(format!(
                    "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                    quote_ident(&name)
                ))
                .execute(&mut admin)
                .await
                .ok()
            })
        })
        .join();
        if !matches!(dropped, Ok(Some(_))) {
            eprintln!("warning: test database {} was not dropped", self.name);
        }
    }
}

/// The PostgreSQL server tests use: `TEST_DATABASE_SERVER`, else the server of
/// `DATABASE_URL`, else the local default.
pub fn server_url() -> String {
    if let Ok(server) = std::env::var("TEST_DATABASE_SERVER") {
        return server.trim_end_matches('/').to_owned();
    }
    std::env::var("DATABASE_URL")
        .ok()
        .and_then(|url| split_database_url(&url).ok())
        .map_or_else(
            || "postgres://postgres@127.0.0.1:5432".to_owned(),
            |(server, _)| server,
        )
}

async fn admin_connection(server: &str) -> Result<AsyncPgConnection, DbError> {
    Ok(AsyncPgConnection::establish(&format!("{server}/postgres")).await?)
}

#[derive(diesel::QueryableByName)]
struct Exists {
    #[diesel(sql_type = diesel::sql_types::Bool)]
    exists: bool,
}

async fn ensure_template(server: &str) -> Result<String, DbError> {
    let template = format!("mb_template_{}", migrations_fingerprint());
    let mut admin = admin_connection(server).await?;
    // Session-level lock: held until released below or the connection closes.
    diesel::sql_query("SELECT pg_advisory_lock(727274001)")
        .execute(&mut admin)
        .await?;
    let result = build_template_if_missing(server, &template, &mut admin).await;
    diesel::sql_query("SELECT pg_advisory_unlock(727274001)")
        .execute(&mut admin)
        .await?;
    result.map(|()| template)
}

async fn build_template_if_missing(
    server: &str,
    template: &str,
    admin: &mut AsyncPgConnection,
) -> Result<(), DbError> {
    let found: Exists =
        diesel::sql_query("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS exists")
            .bind::<diesel::sql_types::Text, _>(template)
            .get_result(admin)
            .await?;
    if found.exists {
        return Ok(());
    }
    let building = format!("{template}_building");
    diesel::sql_query(format!(
        "DROP DATABASE IF EXISTS {} WITH (FORCE)",
        quote_ident(&building)
    ))
    .execute(admin)
    .await?;
    diesel::sql_query(format!("CREATE DATABASE {}", quote_ident(&building)))
        .execute(admin)
        .await?;
    run_pending(&format!("{server}/{building}")).await?;
    diesel::sql_query(format!(
        "ALTER DATABASE {} RENAME TO {}",
        quote_ident(&building),
        quote_ident(template)
    ))
    .execute(admin)
    .await?;
    Ok(())
}

/// A hash of every migration file this build embeds (computed by build.rs in
/// the same build), so a changed migration gets a new template.
fn migrations_fingerprint() -> &'static str {
    env!("MARKETBILL_MIGRATIONS_FINGERPRINT")
}
