//! Removing a user soft-deletes what the original cascaded with it, and
//! nothing of anyone else's.

use chrono::Utc;
use db::testing::TestDb;
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Text};
use diesel_async::{RunQueryDsl, SimpleAsyncConnection};

#[derive(QueryableByName)]
struct Live {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = BigInt)]
    live: i64,
}

/// Live rows per table, in the order of the query.
async fn live_rows(conn: &mut diesel_async::AsyncPgConnection) -> Vec<(String, i64)> {
    let rows: Vec<Live> = diesel::sql_query(
        "SELECT 'users' AS table_name, count(*) FILTER (WHERE deleted_at IS NULL) AS live FROM users
         UNION ALL SELECT 'user_credentials', count(*) FILTER (WHERE deleted_at IS NULL) FROM user_credentials
         UNION ALL SELECT 'auth_tokens', count(*) FILTER (WHERE deleted_at IS NULL) FROM auth_tokens
         UNION ALL SELECT 'business_infos', count(*) FILTER (WHERE deleted_at IS NULL) FROM business_infos
         UNION ALL SELECT 'biz_connections', count(*) FILTER (WHERE deleted_at IS NULL) FROM biz_connections
         UNION ALL SELECT 'wholesaler_connections', count(*) FILTER (WHERE deleted_at IS NULL) FROM wholesaler_connections
         UNION ALL SELECT 'cart_items', count(*) FILTER (WHERE deleted_at IS NULL) FROM cart_items",
    )
    .load(conn)
    .await
    .expect("count live rows");
    rows.into_iter().map(|r| (r.table_name, r.live)).collect()
}

#[tokio::test]
async fn removing_a_user_soft_deletes_its_dependants_only() {
    let db = TestDb::new().await;
    let mut conn = db.pool().get().await.expect("connection");
    // 1 and 4 are florists, 2 and 5 wholesalers, 3 an employee of 2.
    conn.batch_execute(
        "INSERT INTO users (id, name) VALUES (1, '꽃집'), (2, '도매상'), (3, '직원'), (4, '다른꽃집'), (5, '다른도매상');
         INSERT INTO user_credentials (user_id, role, phone_no, password) VALUES
           (1, 'RETAILER', '01000000001', 'h'), (2, 'WHOLESALER_EMPR', '01000000002', 'h'),
           (3, 'WHOLESALER_EMPE', '01000000003', 'h'), (4, 'RETAILER', '01000000004', 'h'),
           (5, 'WHOLESALER_EMPR', '01000000005', 'h');
         INSERT INTO auth_tokens (refresh_token, user_id, family) VALUES
           ('a', 2, gen_random_uuid()), ('b', 4, gen_random_uuid());
         INSERT INTO business_infos (user_id, company_name, company_phone_no, employer_name, address,
             business_no, business_main_category, business_sub_category, seal_stamp_img_url, bank_account)
           VALUES (2, '양재꽃', '02', '김', '서울', '123-45-67890', '도매', '화훼', '', ''),
                  (5, '다른꽃', '02', '이', '서울', '123-45-67891', '도매', '화훼', '', '');
         INSERT INTO biz_connections (retailer_id, wholesaler_id, apply_status) VALUES
           (1, 2, 'CONFIRMED'), (4, 2, 'APPLYING'), (4, 5, 'CONFIRMED');
         INSERT INTO wholesaler_connections (employer_id, employee_id, status) VALUES (2, 3, 'APPROVED');
         INSERT INTO flower_types (id, name) VALUES (1, '장미');
         INSERT INTO flowers (id, name, flower_type_id) VALUES (1, '레드장미', 1);
         INSERT INTO shopping_sessions (id, retailer_id, wholesaler_id) VALUES (1, 1, 2), (2, 4, 5);
         INSERT INTO cart_items (session_id, retailer_id, wholesaler_id, flower_id, quantity, grade) VALUES
           (1, 1, 2, 1, 3, '상'), (2, 4, 5, 1, 1, '중');",
    )
    .await
    .expect("seed");

    let removed = db::users::soft_delete_user(&mut conn, 2, Utc::now())
        .await
        .expect("remove the wholesaler");
    assert_eq!(removed, 1);

    // The wholesaler's own rows and every link naming it are gone; the
    // florist's cart line with it stays (the cascade follows the retailer).
    let expected = [
        ("users", 4),
        ("user_credentials", 4),
        ("auth_tokens", 1),
        ("business_infos", 1),
        ("biz_connections", 1),
        ("wholesaler_connections", 0),
        ("cart_items", 2),
    ]
    .map(|(table, live)| (table.to_owned(), live));
    assert_eq!(live_rows(&mut conn).await, expected);

    db::users::soft_delete_user(&mut conn, 4, Utc::now())
        .await
        .expect("remove a florist");
    let after = live_rows(&mut conn).await;
    assert_eq!(after[0], ("users".to_owned(), 3));
    assert_eq!(after[2], ("auth_tokens".to_owned(), 0));
    assert_eq!(after[4], ("biz_connections".to_owned(), 0));
    assert_eq!(after[6], ("cart_items".to_owned(), 1));

    // Removing a removed user changes nothing.
    let again = db::users::soft_delete_user(&mut conn, 2, Utc::now())
        .await
        .expect("remove again");
    assert_eq!(again, 0);
}
