//! After `migrate import-original`, the original's users work in the rebuild:
//! a retailer signs in with its original password (bcrypt, re-hashed on the
//! way in) and sees its order history with the original's totals; a
//! wholesaler's day view and daily aggregate match the original rows.

use crate::support;
use crate::support::data;
use db::import::{Options, import_original};
use db::testing::TestDb;
use db::testing::original::{self, PASSWORD, Size};
use serde_json::{Value, json};
use tokio_postgres::NoTls;

/// (id, order number, Σ quantity, Σ unit price) per live sheet, computed from
/// the original rows with the original's definitions (live lines and live
/// custom lines; unit prices summed, NULL as 0).
const ORIGINAL_SHEETS: &str = "
    SELECT s.id, s.order_no, (
           coalesce((SELECT sum(i.quantity) FROM order_items i WHERE i.order_sheet_id = s.id AND i.deleted_at IS NULL), 0)
         + coalesce((SELECT sum(coalesce(c.quantity, 0)) FROM custom_order_items c WHERE c.order_sheet_id = s.id AND c.deleted_at IS NULL), 0))::bigint, (
           coalesce((SELECT sum(coalesce(i.price, 0)) FROM order_items i WHERE i.order_sheet_id = s.id AND i.deleted_at IS NULL), 0)
         + coalesce((SELECT sum(coalesce(c.price, 0)) FROM custom_order_items c WHERE c.order_sheet_id = s.id AND c.deleted_at IS NULL), 0))::bigint
    FROM order_sheets s
    WHERE s.deleted_at IS NULL AND ";

async fn original_sheets(url: &str, filter: &str) -> Vec<(i64, String, i64, i64)> {
    let (client, connection) = tokio_postgres::connect(url, NoTls).await.expect("source");
    tokio::spawn(connection);
    let rows = client
        .query(&format!("{ORIGINAL_SHEETS} {filter} ORDER BY s.id"), &[])
        .await
        .expect("original sheets");
    rows.iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect()
}

fn sheets_of(body: &Value) -> Vec<(i64, String, i64, i64)> {
    let mut sheets: Vec<_> = data(body)["orderSheets"]
        .as_array()
        .expect("orderSheets")
        .iter()
        .map(|s| {
            (
                s["id"].as_i64().expect("id"),
                s["orderNo"].as_str().expect("orderNo").to_owned(),
                s["totalFlowerQuantity"].as_i64().expect("quantity"),
                s["totalFlowerPrice"].as_i64().expect("price"),
            )
        })
        .collect();
    sheets.sort();
    sheets
}

const SIGN_IN: &str = "mutation($i: SignInInput) { signIn(input: $i) { accessToken } }";
const SHEETS: &str = "query($f: DateFilterInput) { orderSheets(filter: $f, pagination: { size: 100 }) \
    { id orderNo totalFlowerQuantity totalFlowerPrice } }";

#[actix_web::test]
async fn imported_users_sign_in_and_see_the_original_orders() {
    let source = TestDb::empty().await;
    let planted = original::build(source.url(), Size::SMALL)
        .await
        .expect("original fixture");
    let core = support::start().await;
    import_original(&Options {
        source_url: source.url().to_owned(),
        target_url: core.db.url().to_owned(),
        dry_run: false,
        show_progress: false,
    })
    .await
    .expect("import");

    // The retailer's original password (a bcrypt hash) is accepted and
    // replaced by our hash on the way in.
    let (retailer_id, retailer_phone) = &planted.retailer;
    let signed_in = core
        .gql(
            None,
            SIGN_IN,
            json!({ "i": { "phoneNo": retailer_phone, "password": PASSWORD } }),
        )
        .await;
    let token = data(&signed_in)["signIn"]["accessToken"]
        .as_str()
        .expect("token")
        .to_owned();
    let rehashed = format!(
        "SELECT count(*) FROM user_credentials WHERE user_id = {retailer_id} \
         AND deleted_at IS NULL AND password NOT LIKE '$2%'"
    );
    assert_eq!(core.count(&rehashed).await, 1, "bcrypt hash not replaced");
    let wrong = core
        .gql(
            None,
            SIGN_IN,
            json!({ "i": { "phoneNo": retailer_phone, "password": "wrong" } }),
        )
        .await;
    assert!(wrong.get("errors").is_some(), "{wrong}");

    // Order history: every live sheet, same numbers and totals.
    let history = sheets_of(&core.gql(Some(&token), SHEETS, json!({})).await);
    let expected = original_sheets(source.url(), &format!("s.retailer_id = {retailer_id}")).await;
    assert!(
        expected.len() >= 2,
        "fixture gives the retailer sheets: {expected:?}"
    );
    assert_eq!(history, expected);

    // The wholesaler's day view and aggregate for one KST day.
    let (wholesaler_id, wholesaler_phone) = &planted.wholesaler;
    let signed_in = core
        .gql(
            None,
            SIGN_IN,
            json!({ "i": { "phoneNo": wholesaler_phone, "password": PASSWORD } }),
        )
        .await;
    let owner = data(&signed_in)["signIn"]["accessToken"]
        .as_str()
        .expect("token")
        .to_owned();
    let day = "2023-10-03";
    let view = sheets_of(
        &core
            .gql(Some(&owner), SHEETS, json!({ "f": { "date": day } }))
            .await,
    );
    let expected = original_sheets(
        source.url(),
        &format!("s.wholesaler_id = {wholesaler_id} AND s.created_at::date = '{day}'"),
    )
    .await;
    assert!(
        !expected.is_empty(),
        "fixture gives the wholesaler sheets on {day}"
    );
    assert_eq!(view, expected);

    let aggregate = core
        .gql(
            Some(&owner),
            "query($d: LocalDate) { dailyOrderSheetAggregate(date: $d) { date orderSheetsCount flowerTypesCount } }",
            json!({ "d": day }),
        )
        .await;
    let aggregate = &data(&aggregate)["dailyOrderSheetAggregate"];
    let (src, connection) = tokio_postgres::connect(source.url(), NoTls)
        .await
        .expect("source");
    tokio::spawn(connection);
    // The original's aggregate: live sheets of the day with a live line, and
    // the distinct types of those lines' flowers.
    let row = src
        .query_one(
            &format!(
                "SELECT count(DISTINCT s.id), count(DISTINCT f.flower_type_id)
                 FROM order_sheets s
                 JOIN order_items i ON i.order_sheet_id = s.id AND i.deleted_at IS NULL
                 JOIN flowers f ON f.id = i.flower_id AND f.deleted_at IS NULL
                 WHERE s.wholesaler_id = {wholesaler_id} AND s.deleted_at IS NULL AND s.created_at::date = '{day}'"
            ),
            &[],
        )
        .await
        .expect("original aggregate");
    let (sheets, types): (i64, i64) = (row.get(0), row.get(1));
    assert_eq!(
        aggregate["orderSheetsCount"].as_i64(),
        Some(sheets),
        "{aggregate}"
    );
    assert_eq!(
        aggregate["flowerTypesCount"].as_i64(),
        Some(types),
        "{aggregate}"
    );
    assert_eq!(
        aggregate["date"].as_str(),
        Some("2023-10-03T00:00:00"),
        "{aggregate}"
    );
}
