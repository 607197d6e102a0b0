//! Integrity lives in the database, not only in code: these statements bypass
//! every service and must still be refused.

use db::testing::TestDb;
use diesel_async::RunQueryDsl;
use diesel_async::pooled_connection::deadpool::Object;

type Conn = Object<diesel_async::AsyncPgConnection>;

async fn exec(conn: &mut Conn, sql: &str) -> Result<usize, diesel::result::Error> {
    diesel::sql_query(sql).execute(conn).await
}

async fn ok(conn: &mut Conn, sql: &str) {
    if let Err(e) = exec(conn, sql).await {
        panic!("statement should succeed: {sql}: {e}");
    }
}

/// Runs `sql` and returns the name of the constraint it violated.
async fn violation(conn: &mut Conn, sql: &str) -> String {
    match exec(conn, sql).await {
        Ok(_) => panic!("statement should be refused: {sql}"),
        Err(diesel::result::Error::DatabaseError(_, info)) => info
            .constraint_name()
            .map(str::to_owned)
            .unwrap_or_else(|| info.message().to_owned()),
        Err(other) => panic!("unexpected error for {sql}: {other}"),
    }
}

async fn seed(conn: &mut Conn) {
    ok(
        conn,
        "INSERT INTO users (id, name) VALUES (1, '꽃집'), (2, '도매상'), (3, '또다른꽃집')",
    )
    .await;
    ok(
        conn,
        "INSERT INTO flower_types (id, name) VALUES (1, '장미')",
    )
    .await;
    ok(
        conn,
        "INSERT INTO flowers (id, name, flower_type_id) VALUES (1, '레드장미', 1)",
    )
    .await;
    ok(
        conn,
        "INSERT INTO shopping_sessions (id, retailer_id, wholesaler_id) VALUES (1, 1, 2)",
    )
    .await;
}

#[tokio::test]
async fn a_live_phone_number_belongs_to_one_credential() {
    let db = TestDb::new().await;
    let mut conn = db.pool().get().await.expect("connection");
    seed(&mut conn).await;
    let insert = |user: i64| {
        format!(
            "INSERT INTO user_credentials (user_id, role, phone_no, password) \
             VALUES ({user}, 'RETAILER', '01012345678', 'hash')"
        )
    };
    ok(&mut conn, &insert(1)).await;
    let name = violation(&mut conn, &insert(3)).await;
    assert!(name.contains("phone"), "violated {name}");

    // A deleted account frees its number.
    ok(
        &mut conn,
        "UPDATE user_credentials SET deleted_at = now() WHERE user_id = 1",
    )
    .await;
    ok(&mut conn, &insert(3)).await;
}

#[tokio::test]
async fn grades_are_stored_in_korean_only() {
    let db = TestDb::new().await;
    let mut conn = db.pool().get().await.expect("connection");
    seed(&mut conn).await;
    let line = |grade: &str| {
        format!(
            "INSERT INTO cart_items (session_id, retailer_id, wholesaler_id, flower_id, quantity, grade) \
             VALUES (1, 1, 2, 1, 3, '{grade}')"
        )
    };
    for bad in ["UPPER", "X", ""] {
        violation(&mut conn, &line(bad)).await;
    }
    ok(&mut conn, &line("상")).await;
    ok(&mut conn, &line("하")).await;
}

#[tokio::test]
async fn prices_are_never_negative_and_quantities_positive() {
    let db = TestDb::new().await;
    let mut conn = db.pool().get().await.expect("connection");
    seed(&mut conn).await;
    ok(
        &mut conn,
        "INSERT INTO order_sheets (id, order_no, retailer_id, wholesaler_id) VALUES (1, '261125M00001', 1, 2)",
    )
    .await;
    let item = |quantity: i32, price: i32| {
        format!(
            "INSERT INTO order_items (order_sheet_id, retailer_id, wholesaler_id, flower_id, quantity, grade, price) \
             VALUES (1, 1, 2, 1, {quantity}, '중', {price})"
        )
    };
    violation(&mut conn, &item(3, -1)).await;
    violation(&mut conn, &item(0, 1000)).await;
    ok(&mut conn, &item(3, 0)).await;
    violation(
        &mut conn,
        "INSERT INTO daily_order_items (wholesaler_id, flower_id, grade, price) VALUES (2, 1, '상', -500)",
    )
    .await;
}

#[tokio::test]
async fn a_removed_cart_line_can_be_added_again() {
    let db = TestDb::new().await;
    let mut conn = db.pool().get().await.expect("connection");
    seed(&mut conn).await;
    let line = "INSERT INTO cart_items (session_id, retailer_id, wholesaler_id, flower_id, quantity, grade) \
                VALUES (1, 1, 2, 1, 3, '상')";
    ok(&mut conn, line).await;
    violation(&mut conn, line).await;
    ok(&mut conn, "UPDATE cart_items SET deleted_at = now()").await;
    ok(&mut conn, line).await;
}

#[tokio::test]
async fn one_live_application_per_pair_and_unique_order_numbers() {
    let db = TestDb::new().await;
    let mut conn = db.pool().get().await.expect("connection");
    seed(&mut conn).await;
    let apply = |status: &str| {
        format!(
            "INSERT INTO biz_connections (retailer_id, wholesaler_id, apply_status) VALUES (1, 2, '{status}')"
        )
    };
    ok(&mut conn, &apply("REJECTED")).await;
    ok(&mut conn, &apply("APPLYING")).await;
    violation(&mut conn, &apply("CONFIRMED")).await;
    violation(&mut conn, &apply("MAYBE")).await;

    let sheet = "INSERT INTO order_sheets (order_no, retailer_id, wholesaler_id) VALUES ('261125M00001', 1, 2)";
    ok(&mut conn, sheet).await;
    violation(&mut conn, sheet).await;
}
