//! Cart → order sheet over real HTTP and PostgreSQL: cart rules, the trading
//! link requirement, totals from the database, double submits, removal.

use crate::support;
use crate::support::{data, error_code, market};
use serde_json::json;

#[actix_web::test]
async fn a_florist_fills_a_cart_and_places_one_order() {
    let m = market().await;
    let c = &m.core;
    let rose = m.flowers[0];

    // Bad input is refused with clear codes and writes nothing.
    assert_eq!(
        error_code(&c.add_to_cart(&m.retailer, rose, 0, "UPPER").await),
        "INVALID_DATA"
    );
    assert_eq!(
        error_code(&c.add_to_cart(&m.retailer, 999_999, 1, "UPPER").await),
        "NO_FLOWER"
    );
    assert_eq!(
        error_code(&c.add_to_cart(&m.owner, rose, 1, "UPPER").await),
        "PERMISSION_DENIED"
    );
    assert_eq!(c.count("SELECT count(*) FROM cart_items").await, 0);

    // Re-adding the same flower and grade replaces the quantity.
    data(&c.add_to_cart(&m.retailer, rose, 3, "UPPER").await);
    let line = c.add_to_cart(&m.retailer, rose, 5, "UPPER").await;
    assert_eq!(data(&line)["addToCart"]["quantity"], 5);
    let middle = c.add_to_cart(&m.retailer, rose, 2, "MIDDLE").await;
    let middle_id = data(&middle)["addToCart"]["id"].as_i64().expect("id");
    data(&c.add_to_cart(&m.retailer, m.flowers[1], 4, "LOWER").await);

    // Moving the MIDDLE line to UPPER merges it into the UPPER line.
    let merged = c
        .gql(
            Some(&m.retailer),
            "mutation($i: UpdateCartItemInput!) { updateCartItem(input: $i) { quantity grade } }",
            json!({ "i": { "id": middle_id, "quantity": 2, "grade": "UPPER" } }),
        )
        .await;
    assert_eq!(data(&merged)["updateCartItem"]["quantity"], 7);
    // Someone else's line looks like a missing one.
    let foreign = c
        .gql(
            Some(&m.other_retailer),
            "mutation($i: UpdateCartItemInput!) { updateCartItem(input: $i) { id } }",
            json!({ "i": { "id": middle_id, "quantity": 1, "grade": "UPPER" } }),
        )
        .await;
    assert_eq!(error_code(&foreign), "NO_CART_ITEM");

    // Ordering needs a wholesaler, and only a confirmed partner can be chosen.
    assert_eq!(
        error_code(&c.order(&m.retailer).await),
        "NO_CART_WHOLESALER"
    );
    let stranger = c
        .choose_wholesaler(&m.retailer, m.other_wholesaler_id, None)
        .await;
    assert_eq!(error_code(&stranger), "NOT_CONNECTED");
    data(
        &c.choose_wholesaler(&m.retailer, m.owner_id, Some("오전 배송"))
            .await,
    );

    let session = c
        .gql(
            Some(&m.retailer),
            "{ shoppingSession { memo wholesaler { id } cartItems { resultCount items { quantity grade flower { name } } } } }",
            json!({}),
        )
        .await;
    let session = &data(&session)["shoppingSession"];
    assert_eq!(session["memo"], "오전 배송");
    assert_eq!(session["cartItems"]["resultCount"], 2);

    let ordered = c.order(&m.retailer).await;
    let sheet = &data(&ordered)["orderCartItems"];
    let order_no = sheet["orderNo"].as_str().expect("order number");
    let today = chrono::Utc::now()
        .with_timezone(&domain::time::KST)
        .format("%y%m%d")
        .to_string();
    assert!(order_no.starts_with(&format!("{today}M")), "{order_no}");
    assert_eq!(order_no.len(), 12);
    assert_eq!(sheet["memo"], "오전 배송");
    // Totals come from the database (the original answered 0 here).
    assert_eq!(sheet["totalFlowerQuantity"], 11);
    assert_eq!(sheet["totalFlowerTypeCount"], 1);
    assert_eq!(sheet["orderItems"].as_array().map(Vec::len), Some(2));

    // The cart is gone; a second submit finds nothing to order.
    assert_eq!(
        error_code(&c.order(&m.retailer).await),
        "NO_SHOPPING_SESSION"
    );
    assert_eq!(c.count("SELECT count(*) FROM daily_order_items").await, 2);
    let session = c
        .gql(Some(&m.retailer), "{ shoppingSession { id } }", json!({}))
        .await;
    assert!(data(&session)["shoppingSession"].is_null());

    // A removed line can be added again (the original's unique key forbade it).
    let again = c.add_to_cart(&m.retailer, rose, 1, "UPPER").await;
    let again_id = data(&again)["addToCart"]["id"].as_i64().expect("id");
    let removed = c
        .gql(
            Some(&m.retailer),
            "mutation($id: Int!) { removeCartItem(cartItemId: $id) { success } }",
            json!({ "id": again_id }),
        )
        .await;
    assert_eq!(data(&removed)["removeCartItem"]["success"], true);
    data(&c.add_to_cart(&m.retailer, rose, 1, "UPPER").await);
}

#[actix_web::test]
async fn concurrent_submits_of_one_cart_make_exactly_one_order() {
    let m = market().await;
    let c = &m.core;
    data(&c.add_to_cart(&m.retailer, m.flowers[0], 3, "UPPER").await);
    data(&c.add_to_cart(&m.retailer, m.flowers[1], 2, "MIDDLE").await);
    data(&c.choose_wholesaler(&m.retailer, m.owner_id, None).await);

    let submits = (0..6).map(|_| c.order(&m.retailer));
    let results = futures_util::future::join_all(submits).await;
    let placed = results.iter().filter(|r| r.get("errors").is_none()).count();
    assert_eq!(placed, 1, "{results:?}");
    for refused in results.iter().filter(|r| r.get("errors").is_some()) {
        assert_eq!(error_code(refused), "NO_SHOPPING_SESSION");
    }
    assert_eq!(c.count("SELECT count(*) FROM order_sheets").await, 1);
    assert_eq!(c.count("SELECT count(*) FROM order_items").await, 2);
}

#[actix_web::test]
async fn a_retailer_removes_its_own_sheet_until_a_receipt_exists() {
    let m = market().await;
    let c = &m.core;
    let sheet = m.ordered_sheet(&[(0, 2, "UPPER"), (1, 1, "LOWER")]).await;
    let id = sheet["id"].as_i64().expect("id");
    let remove = "mutation($id: Int!) { removeOrderSheet(orderSheetId: $id) { success } }";

    for stranger in [&m.other_retailer, &m.owner] {
        let refused = c.gql(Some(stranger), remove, json!({ "id": id })).await;
        assert!(
            matches!(error_code(&refused), "NO_ORDER_SHEET" | "PERMISSION_DENIED"),
            "{refused}"
        );
    }
    c.sql(&format!(
        "INSERT INTO order_sheet_receipts (order_sheet_id, file_name, file_path, file_format, storage_key) \
         VALUES ({id}, 'r', 'http://x/r.pdf', '.pdf', 'k')"
    ))
    .await;
    let blocked = c.gql(Some(&m.retailer), remove, json!({ "id": id })).await;
    assert_eq!(
        error_code(&blocked),
        "CANNOT_DELETE_ORDER_SHEET_WITH_RECEIPT"
    );

    c.sql("UPDATE order_sheet_receipts SET deleted_at = now()")
        .await;
    let removed = c.gql(Some(&m.retailer), remove, json!({ "id": id })).await;
    assert_eq!(data(&removed)["removeOrderSheet"]["success"], true);
    // The day's bulk-price rows no other line uses went with it.
    assert_eq!(
        c.count("SELECT count(*) FROM daily_order_items WHERE deleted_at IS NULL")
            .await,
        0
    );
    assert_eq!(
        c.count("SELECT count(*) FROM order_items WHERE deleted_at IS NULL")
            .await,
        0
    );
    let gone = c
        .gql(
            Some(&m.retailer),
            "query($id: Int!) { orderSheet(orderSheetId: $id) { id } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(error_code(&gone), "NO_ORDER_SHEET");
}

#[actix_web::test]
async fn the_nightly_batch_orders_open_carts_once_and_logs_the_run() {
    let m = market().await;
    let c = &m.core;
    data(&c.add_to_cart(&m.retailer, m.flowers[0], 3, "UPPER").await);
    data(
        &c.choose_wholesaler(&m.retailer, m.owner_id, Some("배치 메모"))
            .await,
    );
    // A cart without a wholesaler is not the batch's business.
    data(
        &c.add_to_cart(&m.other_retailer, m.flowers[0], 1, "UPPER")
            .await,
    );

    let batch = "mutation { orderBatchCartItems { success } }";
    assert_eq!(
        error_code(&c.gql(Some(&m.retailer), batch, json!({})).await),
        "PERMISSION_DENIED"
    );
    assert_eq!(
        error_code(&c.gql(None, batch, json!({})).await),
        "TOKEN_NEEDED"
    );

    // The batch racing the retailer's own submit still yields one sheet.
    let (by_batch, by_hand) = futures_util::join!(
        c.gql(Some(&m.admin), batch, json!({})),
        c.order(&m.retailer)
    );
    assert_eq!(data(&by_batch)["orderBatchCartItems"]["success"], true);
    if by_hand.get("errors").is_some() {
        assert_eq!(error_code(&by_hand), "NO_SHOPPING_SESSION");
    }
    assert_eq!(c.count("SELECT count(*) FROM order_sheets").await, 1);
    // Same pipeline as orderCartItems: memo and daily items included.
    assert_eq!(
        c.count("SELECT count(*) FROM order_sheets WHERE memo = '배치 메모'")
            .await,
        1
    );
    assert_eq!(c.count("SELECT count(*) FROM daily_order_items").await, 1);
    assert_eq!(
        c.count("SELECT count(*) FROM batch_cart_to_order_logs WHERE status = 'SUCCESS'")
            .await,
        1
    );
    assert_eq!(
        c.count("SELECT count(*) FROM cart_items WHERE ordered_at IS NULL AND deleted_at IS NULL")
            .await,
        1
    );
}

/// The owner's sheets answering `selection`, by id.
async fn owner_sheets(m: &support::Market, selection: &str) -> Vec<serde_json::Value> {
    let query = format!("{{ orderSheets {{ {selection} }} }}");
    let body = m.core.gql(Some(&m.owner), &query, json!({})).await;
    let mut sheets = data(&body)["orderSheets"]
        .as_array()
        .expect("sheets")
        .clone();
    sheets.sort_by_key(|s| s["id"].as_i64());
    sheets
}

const TOTALS: [&str; 3] = [
    "totalFlowerQuantity",
    "totalFlowerTypeCount",
    "totalFlowerPrice",
];

/// [id, quantity, type count, price] of each sheet.
fn totals_of(sheets: &[serde_json::Value]) -> serde_json::Value {
    sheets
        .iter()
        .map(|s| {
            let mut row = vec![s["id"].clone()];
            row.extend(TOTALS.iter().map(|t| s[*t].clone()));
            row
        })
        .collect()
}

/// The totals and pages of the owner's sheets read the three ways, checked
/// to agree with each other and with `expected`; the counted sheets.
async fn totals_agree(m: &support::Market, expected: serde_json::Value) -> Vec<serde_json::Value> {
    let totals = format!("id {}", TOTALS.join(" "));
    let pages = "orderItems { id } later: orderItems(pagination: { page: 1, size: 1 }) { id } \
                 customOrderItems(pagination: { size: 2, sort: DESCEND }) { id }";
    let counted = owner_sheets(m, &format!("{totals} {pages}")).await;
    assert_eq!(totals_of(&counted), expected, "counted from the lines");
    assert_eq!(
        totals_of(&owner_sheets(m, &totals).await),
        expected,
        "summed in a list"
    );
    let mut one_by_one = Vec::new();
    for sheet in &counted {
        let query = format!(
            "{{ orderSheet(orderSheetId: {}) {{ {totals} }} }}",
            sheet["id"]
        );
        let body = m.core.gql(Some(&m.owner), &query, json!({})).await;
        one_by_one.push(data(&body)["orderSheet"].clone());
    }
    assert_eq!(totals_of(&one_by_one), expected, "summed for one sheet");
    // The pages cut from every line are the pages the database cuts.
    let without_totals: Vec<serde_json::Value> = counted
        .iter()
        .map(|sheet| {
            let mut sheet = sheet.clone();
            for total in TOTALS {
                sheet.as_object_mut().expect("sheet").remove(total);
            }
            sheet
        })
        .collect();
    assert_eq!(
        owner_sheets(m, &format!("id {pages}")).await,
        without_totals
    );
    counted
}

/// A list asked for totals and lines counts the totals from the lines it
/// reads; asked for totals alone, or for one sheet, PostgreSQL sums them.
/// All three give the same figures, and the same pages, on awkward data:
/// missing prices and quantities, repeated and missing custom type names,
/// removed lines, a flower of another type, and a line whose flower is gone.
#[actix_web::test]
async fn totals_counted_from_the_lines_match_the_database() {
    let m = market().await;
    let c = &m.core;
    let today = chrono::Utc::now()
        .with_timezone(&domain::time::KST)
        .date_naive()
        .to_string();
    let tulip = c.flowers("튤립", &["퀸오브나이트"], &today).await[0];
    c.sql(&format!(
        "UPDATE flowers SET flower_type_id = (SELECT flower_type_id FROM flowers WHERE id = {tulip}) \
         WHERE id = {}",
        m.flowers[2]
    ))
    .await;
    let first = m
        .ordered_sheet(&[
            (0, 2, "UPPER"),
            (1, 3, "LOWER"),
            (2, 1, "MIDDLE"),
            (0, 7, "LOWER"),
        ])
        .await;
    let second = m.ordered_sheet(&[(1, 4, "MIDDLE")]).await;
    let (first, second) = (
        first["id"].as_i64().expect("id"),
        second["id"].as_i64().expect("id"),
    );
    c.sql(&format!(
        "UPDATE order_items SET price = 1000 * quantity WHERE order_sheet_id = {first} AND grade <> '하'"
    ))
    .await;
    c.sql(&format!(
        "UPDATE order_items SET deleted_at = now() WHERE order_sheet_id = {first} AND quantity = 7"
    ))
    .await;
    c.sql(&format!(
        "INSERT INTO custom_order_items (order_sheet_id, retailer_id, wholesaler_id, flower_name, \
           flower_type_name, quantity, price, deleted_at) \
         SELECT id, retailer_id, wholesaler_id, n, t, q, p, d FROM order_sheets, (VALUES \
           ('배송비', NULL, NULL::int, 5000, NULL::timestamptz), ('안개', '안개꽃', 3, NULL::int, NULL), \
           ('안개 대', '안개꽃', 2, 100, NULL), ('장미', '장미', 1, 10, NULL), \
           ('취소', '국화', 9, 900, now())) AS v(n, t, q, p, d) WHERE id = {first}"
    ))
    .await;

    // First sheet: lines 2 + 3 + 1 (the 7 removed), custom 0 + 3 + 2 + 1
    // (the removed 9 not counted); types 장미 and 튤립 from the lines, 안개꽃
    // and 장미 from the custom lines' names; prices 2,000 + 0 + 1,000 of the
    // lines and 5,000 + 0 + 100 + 10 of the custom lines.
    let expected = json!([[first, 12, 4, 8110], [second, 4, 1, 0]]);
    let counted = totals_agree(&m, expected.clone()).await;
    let lines = counted[0]["orderItems"].as_array().expect("lines");
    assert_eq!(lines.len(), 3);
    assert!(
        lines[0]["id"].as_i64() > lines[2]["id"].as_i64(),
        "newest first"
    );
    assert_eq!(counted[0]["later"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        counted[0]["customOrderItems"].as_array().map(Vec::len),
        Some(2)
    );

    // A line whose flower is gone still counts that flower's type.
    c.sql(&format!(
        "UPDATE flowers SET deleted_at = now() WHERE id = {}",
        m.flowers[2]
    ))
    .await;
    totals_agree(&m, expected).await;
}
