//! Reading and writing a test database directly: fixtures a service would
//! write in production, and the rows a test checks afterwards.

use super::TestDb;
use diesel::QueryableByName;
use diesel::sql_types::BigInt;
use diesel_async::RunQueryDsl;

#[derive(QueryableByName)]
struct Number {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

impl TestDb {
    /// Runs one statement. (Not `execute`: diesel's `RunQueryDsl::execute`,
    /// in scope in most tests, would be picked first.)
    ///
    /// # Panics
    /// When it fails, naming the statement.
    pub async fn sql(&self, statement: &str) {
        let mut conn = self.pool().get().await.expect("test database connection");
        diesel::sql_query(statement)
            .execute(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("{statement}: {e}"));
    }

    /// The one number `query` answers (a count, an id, a sum), whatever its
    /// column is called.
    ///
    /// # Panics
    /// When the query fails, naming it.
    pub async fn count(&self, query: &str) -> i64 {
        let mut conn = self.pool().get().await.expect("test database connection");
        let row: Number = diesel::sql_query(format!("SELECT ({query})::bigint AS n"))
            .get_result(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("{query}: {e}"));
        row.n
    }
}
