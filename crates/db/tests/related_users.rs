//! Who sees whose private details: `related_user_ids` (the set the resolvers
//! read) and `related_party` (the check per party the read models run) are
//! two forms of one rule, and must answer alike for every pair of users.

use db::testing::TestDb;
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Bool};
use diesel_async::{RunQueryDsl, SimpleAsyncConnection};

#[derive(QueryableByName, Debug, PartialEq)]
struct Pair {
    #[diesel(sql_type = BigInt)]
    viewer: i64,
    #[diesel(sql_type = BigInt)]
    party: i64,
    #[diesel(sql_type = Bool)]
    in_set: bool,
    #[diesel(sql_type = Bool)]
    checked: bool,
}

#[tokio::test]
async fn the_set_and_the_check_agree_on_every_pair() {
    let db = TestDb::new().await;
    let mut conn = db.pool().get().await.expect("connection");
    // 1 a wholesaler (owner), 2 its approved employee, 3 a pending employee,
    // 4 another approved employee of 1; 5 another wholesaler.
    // Florists: 10 confirmed with 1, 11 applying to 1, 12 rejected by 1,
    // 13 confirmed with 1 but the link deleted, 14 applying to 5, 15 confirmed with 5.
    conn.batch_execute(
        "INSERT INTO users (id, name) VALUES
           (1, '도매'), (2, '직원'), (3, '대기직원'), (4, '직원2'), (5, '다른도매'),
           (10, '꽃집1'), (11, '꽃집2'), (12, '꽃집3'), (13, '꽃집4'), (14, '꽃집5'), (15, '꽃집6');
         INSERT INTO wholesaler_connections (employer_id, employee_id, status) VALUES
           (1, 2, 'APPROVED'), (1, 3, 'PENDING'), (1, 4, 'APPROVED');
         INSERT INTO biz_connections (retailer_id, wholesaler_id, apply_status, deleted_at) VALUES
           (10, 1, 'CONFIRMED', NULL), (11, 1, 'APPLYING', NULL), (12, 1, 'REJECTED', NULL),
           (13, 1, 'CONFIRMED', now()), (14, 5, 'APPLYING', NULL), (15, 5, 'CONFIRMED', NULL);",
    )
    .await
    .expect("seed");

    let pairs: Vec<Pair> = diesel::sql_query(
        "SELECT v.id AS viewer, p.id AS party,
                p.id IN (SELECT related_user_ids(v.id)) AS in_set,
                EXISTS (SELECT FROM related_party(
                    (SELECT array_agg(id) FROM company_user_ids(v.id) AS company(id)), p.id)) AS checked
         FROM users v CROSS JOIN users p
         ORDER BY v.id, p.id",
    )
    .load(&mut conn)
    .await
    .expect("pairs");
    assert_eq!(pairs.len(), 121);
    let disagree: Vec<&Pair> = pairs.iter().filter(|p| p.in_set != p.checked).collect();
    assert!(disagree.is_empty(), "the two forms differ: {disagree:?}");

    let related = |viewer: i64| -> Vec<i64> {
        pairs
            .iter()
            .filter(|p| p.viewer == viewer && p.checked)
            .map(|p| p.party)
            .collect()
    };
    // The owner: itself, approved colleagues, applicants not rejected.
    assert_eq!(related(1), vec![1, 2, 4, 10, 11]);
    // An employee sees what its company sees.
    assert_eq!(related(2), vec![1, 2, 4, 10, 11]);
    // A pending employee is nobody's colleague yet.
    assert_eq!(related(3), vec![3]);
    // A florist sees the wholesalers that confirmed it, not those it applied to.
    assert_eq!(related(10), vec![1, 10]);
    assert_eq!(related(14), vec![14]);
    assert_eq!(related(5), vec![5, 14, 15]);
}
