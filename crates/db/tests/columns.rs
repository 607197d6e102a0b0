//! Hand-written statements name their columns, so a migration that adds a
//! column does not break the statements running services have prepared.

use db::testing::TestDb;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

#[derive(diesel::QueryableByName)]
struct Column {
    #[diesel(sql_type = diesel::sql_types::Text)]
    name: String,
}

async fn columns_of(conn: &mut AsyncPgConnection, table: &str) -> Vec<String> {
    let rows: Vec<Column> = diesel::sql_query(
        "SELECT column_name::text AS name FROM information_schema.columns \
         WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position",
    )
    .bind::<diesel::sql_types::Text, _>(table)
    .load(conn)
    .await
    .expect("columns");
    rows.into_iter().map(|c| c.name).collect()
}

#[tokio::test]
async fn every_column_list_names_exactly_its_tables_columns() {
    let db = TestDb::new().await;
    let mut conn = db.pool().get().await.expect("connection");
    for table in db::columns::TABLES {
        let listed: Vec<String> = table
            .columns
            .split(',')
            .map(|c| c.trim().to_owned())
            .collect();
        assert_eq!(
            listed,
            columns_of(&mut conn, table.name).await,
            "db::columns for {}",
            table.name
        );
    }
}

async fn daily_page(
    conn: &mut AsyncPgConnection,
) -> diesel::QueryResult<Vec<db::daily_items::DailyItemRow>> {
    db::daily_items::page(conn, 1, None, false, 0, 10).await
}

#[tokio::test]
async fn a_prepared_page_still_runs_after_a_column_is_added() {
    let db = TestDb::new().await;
    let mut conn = db.pool().get().await.expect("connection");
    assert!(daily_page(&mut conn).await.expect("first run").is_empty());

    diesel::sql_query("ALTER TABLE daily_order_items ADD COLUMN note text")
        .execute(&mut conn)
        .await
        .expect("a migration adds a column");

    // The same connection runs its cached statement again; with `SELECT *`
    // PostgreSQL would answer "cached plan must not change result type".
    assert!(
        daily_page(&mut conn)
            .await
            .expect("after the migration")
            .is_empty(),
        "the page still answers"
    );
}
