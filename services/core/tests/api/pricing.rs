//! The wholesaler's side: who sees which sheets, line and bulk pricing,
//! custom lines with the shipping fee, aggregates, and receipts' validation.

use crate::support::{data, error_code, market};
use serde_json::{Value, json};

const SHEET: &str = "query($id: Int!) { orderSheet(orderSheetId: $id) { id isPriceUpdated totalFlowerPrice \
    hasReceipt recentReceipt { id } retailer { name } orderItems { id price } customOrderItems { flowerName price grade } } }";

fn ids(sheet: &Value) -> Vec<i64> {
    sheet["orderItems"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["id"].as_i64().expect("id"))
        .collect()
}

#[actix_web::test]
async fn every_party_sees_exactly_its_own_sheets() {
    let m = market().await;
    let c = &m.core;
    let sheet = m.ordered_sheet(&[(0, 2, "UPPER")]).await;
    let id = sheet["id"].as_i64().expect("id");
    let list = "{ orderSheets { id } orderItems { id } }";

    for (who, token, sees) in [
        ("retailer", Some(&m.retailer), true),
        ("owner", Some(&m.owner), true),
        ("employee", Some(&m.employee), true),
        ("admin", Some(&m.admin), true),
        ("other retailer", Some(&m.other_retailer), false),
        ("other wholesaler", Some(&m.other_wholesaler), false),
    ] {
        let one = c
            .gql(token.map(String::as_str), SHEET, json!({ "id": id }))
            .await;
        let all = c.gql(token.map(String::as_str), list, json!({})).await;
        let listed = data(&all)["orderSheets"].as_array().expect("list").len();
        let lines = data(&all)["orderItems"].as_array().expect("list").len();
        if sees {
            assert_eq!(data(&one)["orderSheet"]["id"], id, "{who}");
            assert_eq!((listed, lines), (1, 1), "{who}");
        } else {
            assert_eq!(error_code(&one), "NO_ORDER_SHEET", "{who}");
            assert_eq!((listed, lines), (0, 0), "{who}");
        }
    }
    assert_eq!(
        error_code(&c.gql(None, SHEET, json!({ "id": id })).await),
        "TOKEN_NEEDED"
    );
    assert_eq!(
        error_code(&c.gql(None, list, json!({})).await),
        "TOKEN_NEEDED"
    );
}

#[actix_web::test]
async fn line_prices_are_set_by_the_wholesaler_only_and_flag_every_sheet() {
    let m = market().await;
    let c = &m.core;
    let first = m.ordered_sheet(&[(0, 2, "UPPER"), (1, 3, "MIDDLE")]).await;
    let second = m.ordered_sheet(&[(2, 1, "LOWER")]).await;
    let mut lines = ids(&first);
    lines.extend(ids(&second));
    let update = "mutation($items: [OrderItemPriceInput!]!) { updateOrderItemsPrice(items: $items) { id price } }";
    let prices = json!({ "items": [
        { "id": lines[0], "price": 5000 }, { "id": lines[1], "price": 0 }, { "id": lines[2], "price": 12000 } ] });

    for stranger in [&m.other_wholesaler, &m.retailer] {
        let refused = c.gql(Some(stranger), update, prices.clone()).await;
        assert!(
            matches!(error_code(&refused), "NO_ORDER_ITEM" | "PERMISSION_DENIED"),
            "{refused}"
        );
    }
    let negative =
        json!({ "items": [{ "id": lines[0], "price": 100 }, { "id": lines[1], "price": -1 }] });
    assert_eq!(
        error_code(&c.gql(Some(&m.owner), update, negative).await),
        "INVALID_DATA"
    );
    let unknown =
        json!({ "items": [{ "id": lines[0], "price": 100 }, { "id": 999_999, "price": 1 }] });
    assert_eq!(
        error_code(&c.gql(Some(&m.owner), update, unknown).await),
        "NO_ORDER_ITEM"
    );
    assert_eq!(
        c.count("SELECT count(*) FROM order_items WHERE price IS NOT NULL")
            .await,
        0
    );

    // The employee prices for the employer; both sheets are flagged.
    let done = c.gql(Some(&m.employee), update, prices).await;
    let returned: Vec<i64> = data(&done)["updateOrderItemsPrice"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["price"].as_i64().expect("price"))
        .collect();
    assert_eq!(returned, vec![5000, 0, 12000]);
    assert_eq!(
        c.count("SELECT count(*) FROM order_sheets WHERE price_updated_at IS NOT NULL")
            .await,
        2
    );
    let shown = c
        .gql(Some(&m.retailer), SHEET, json!({ "id": first["id"] }))
        .await;
    assert_eq!(data(&shown)["orderSheet"]["isPriceUpdated"], true);
    assert_eq!(data(&shown)["orderSheet"]["totalFlowerPrice"], 5000);
}

#[actix_web::test]
async fn a_bulk_price_for_the_day_reaches_every_matching_line() {
    let m = market().await;
    let c = &m.core;
    m.ordered_sheet(&[(0, 2, "UPPER"), (1, 1, "LOWER")]).await;
    m.ordered_sheet(&[(0, 5, "UPPER")]).await;
    let daily = c
        .gql(
            Some(&m.employee),
            "{ dailyOrderItems { id grade price flower { name } } }",
            json!({}),
        )
        .await;
    let rows = data(&daily)["dailyOrderItems"]
        .as_array()
        .expect("rows")
        .clone();
    assert_eq!(rows.len(), 2, "one row per flower and grade of the day");
    let upper = rows
        .iter()
        .find(|r| r["grade"] == "UPPER")
        .expect("upper row");
    let none = c
        .gql(
            Some(&m.other_wholesaler),
            "{ dailyOrderItems { id } }",
            json!({}),
        )
        .await;
    assert_eq!(
        data(&none)["dailyOrderItems"].as_array().map(Vec::len),
        Some(0)
    );

    let update = "mutation($items: [OrderItemPriceInput!]!) { updateDailyOrderItemsPrice(items: $items) { id price } }";
    let foreign = c
        .gql(
            Some(&m.other_wholesaler),
            update,
            json!({ "items": [{ "id": upper["id"], "price": 7000 }] }),
        )
        .await;
    assert_eq!(error_code(&foreign), "NO_DAILY_ORDER_ITEM");
    let done = c
        .gql(
            Some(&m.owner),
            update,
            json!({ "items": [{ "id": upper["id"], "price": 7000 }] }),
        )
        .await;
    assert_eq!(data(&done)["updateDailyOrderItemsPrice"][0]["price"], 7000);
    assert_eq!(
        c.count("SELECT count(*) FROM order_items WHERE price = 7000")
            .await,
        2
    );
    assert_eq!(
        c.count("SELECT count(*) FROM order_items WHERE price IS NULL")
            .await,
        1
    );
    assert_eq!(
        c.count("SELECT count(*) FROM order_sheets WHERE price_updated_at IS NOT NULL")
            .await,
        2
    );

    // A later order of the same flower and grade today starts at the bulk price.
    let third = m.ordered_sheet(&[(0, 1, "UPPER")]).await;
    assert_eq!(third["orderItems"][0]["price"], 7000);
}

#[actix_web::test]
async fn custom_lines_and_one_shipping_fee() {
    let m = market().await;
    let c = &m.core;
    let sheet = m.ordered_sheet(&[(0, 2, "UPPER")]).await;
    let id = sheet["id"].as_i64().expect("id");
    let upsert = "mutation($i: UpsertCustomOrderItemsInput!) { upsertCustomOrderItems(input: $i) { id flowerName price grade quantity } }";
    let lines = |items: Value| json!({ "i": { "orderSheetId": id, "items": items } });

    let empty = c
        .gql(
            Some(&m.owner),
            upsert,
            lines(json!([{ "flowerName": "  " }])),
        )
        .await;
    assert_eq!(error_code(&empty), "INVALID_DATA");
    let bad = c
        .gql(
            Some(&m.owner),
            upsert,
            lines(json!([{ "flowerName": "포장", "quantity": 0 }])),
        )
        .await;
    assert_eq!(error_code(&bad), "INVALID_DATA");
    let foreign = c
        .gql(
            Some(&m.other_wholesaler),
            upsert,
            lines(json!([{ "flowerName": "포장", "price": 1 }])),
        )
        .await;
    assert_eq!(error_code(&foreign), "NO_ORDER_SHEET");

    let first = c
        .gql(
            Some(&m.employee),
            upsert,
            lines(json!([
                { "flowerName": " 안개 ", "flowerTypeName": "안개꽃", "grade": "UPPER", "quantity": 2, "price": 3000 },
                { "flowerName": "배송비", "grade": "UPPER", "price": 5000 }
            ])),
        )
        .await;
    let saved = data(&first)["upsertCustomOrderItems"]
        .as_array()
        .expect("rows")
        .clone();
    assert_eq!(saved.len(), 2);
    assert_eq!(saved[0]["flowerName"], "안개");
    // Sending the same line and the shipping fee again updates, never duplicates
    // (the original crashed re-saving a graded shipping line).
    let second = c
        .gql(
            Some(&m.owner),
            upsert,
            lines(json!([
                { "flowerName": "안개", "flowerTypeName": "안개꽃", "grade": "UPPER", "quantity": 4, "price": 2500 },
                { "flowerName": "배송비", "price": 6000 }
            ])),
        )
        .await;
    let again = data(&second)["upsertCustomOrderItems"]
        .as_array()
        .expect("rows")
        .clone();
    assert_eq!(again[0]["id"], saved[0]["id"]);
    assert_eq!(again[1]["id"], saved[1]["id"]);
    assert_eq!(again[1]["price"], 6000);
    assert_eq!(
        c.count("SELECT count(*) FROM custom_order_items WHERE deleted_at IS NULL")
            .await,
        2
    );
    // A client id of another sheet's line is refused.
    let other_sheet = m.ordered_sheet(&[(1, 1, "UPPER")]).await;
    let wrong = c
        .gql(
            Some(&m.owner),
            upsert,
            json!({ "i": { "orderSheetId": other_sheet["id"], "items": [{ "id": saved[0]["id"], "flowerName": "x", "price": 1 }] } }),
        )
        .await;
    assert_eq!(error_code(&wrong), "NO_CUSTOM_ORDER_ITEM");

    let shown = c.gql(Some(&m.retailer), SHEET, json!({ "id": id })).await;
    // Σ unit prices of lines and custom lines (the original's rule): 0 + 2500 + 6000.
    assert_eq!(data(&shown)["orderSheet"]["totalFlowerPrice"], 8500);

    let remove =
        "mutation($ids: [Int!]!) { removeCustomOrderItem(customOrderItemIds: $ids) { success } }";
    let refused = c
        .gql(
            Some(&m.other_wholesaler),
            remove,
            json!({ "ids": [saved[0]["id"]] }),
        )
        .await;
    assert_eq!(error_code(&refused), "NO_ORDER_SHEET");
    let removed = c
        .gql(
            Some(&m.owner),
            remove,
            json!({ "ids": [saved[0]["id"], 999_999] }),
        )
        .await;
    assert_eq!(data(&removed)["removeCustomOrderItem"]["success"], true);
    assert_eq!(
        c.count("SELECT count(*) FROM custom_order_items WHERE deleted_at IS NULL")
            .await,
        1
    );
}

#[actix_web::test]
async fn aggregates_count_the_wholesalers_days() {
    let m = market().await;
    let c = &m.core;
    let sheet = m.ordered_sheet(&[(0, 2, "UPPER"), (1, 1, "LOWER")]).await;
    m.ordered_sheet(&[(2, 1, "UPPER")]).await;
    let today = "{ dailyOrderSheetAggregate { date flowerTypesCount orderSheetsCount } }";
    let day = c.gql(Some(&m.employee), today, json!({})).await;
    assert_eq!(
        data(&day)["dailyOrderSheetAggregate"]["orderSheetsCount"],
        2
    );
    assert_eq!(
        data(&day)["dailyOrderSheetAggregate"]["flowerTypesCount"],
        1
    );
    let none = c.gql(Some(&m.other_wholesaler), today, json!({})).await;
    assert!(data(&none)["dailyOrderSheetAggregate"].is_null());
    assert_eq!(
        error_code(&c.gql(Some(&m.retailer), today, json!({})).await),
        "PERMISSION_DENIED"
    );

    // The list counts only sheets that have a receipt (the original's rule).
    let list = "{ dailyOrderSheetAggregates { orderSheetsCount } }";
    let empty = c.gql(Some(&m.owner), list, json!({})).await;
    assert_eq!(
        data(&empty)["dailyOrderSheetAggregates"]
            .as_array()
            .map(Vec::len),
        Some(0)
    );
    c.sql(&format!(
        "INSERT INTO order_sheet_receipts (order_sheet_id, file_name, file_path, file_format, storage_key) \
         VALUES ({}, 'r', 'http://x/r.pdf', '.pdf', 'k')",
        sheet["id"]
    ))
    .await;
    let one = c.gql(Some(&m.owner), list, json!({})).await;
    assert_eq!(
        data(&one)["dailyOrderSheetAggregates"][0]["orderSheetsCount"],
        1
    );
}

#[actix_web::test]
async fn a_receipt_is_validated_and_never_faked_without_the_receipt_service() {
    let m = market().await;
    let c = &m.core;
    let sheet = m.ordered_sheet(&[(0, 2, "UPPER")]).await;
    let id = sheet["id"].as_i64().expect("id");
    let issue = "mutation($id: Int!) { issueOrderSheetReceipt(orderSheetId: $id) { id filePath } }";

    assert_eq!(
        error_code(&c.gql(Some(&m.retailer), issue, json!({ "id": id })).await),
        "PERMISSION_DENIED"
    );
    assert_eq!(
        error_code(
            &c.gql(Some(&m.other_wholesaler), issue, json!({ "id": id }))
                .await
        ),
        "NO_ORDER_SHEET"
    );
    assert_eq!(
        error_code(&c.gql(Some(&m.owner), issue, json!({ "id": id })).await),
        "NO_PRICE_ORDER_ITEM"
    );
    let price =
        "mutation($items: [OrderItemPriceInput!]!) { updateOrderItemsPrice(items: $items) { id } }";
    data(
        &c.gql(
            Some(&m.owner),
            price,
            json!({ "items": [{ "id": ids(&sheet)[0], "price": 4000 }] }),
        )
        .await,
    );
    assert_eq!(
        error_code(&c.gql(Some(&m.owner), issue, json!({ "id": id })).await),
        "NO_BUSINESS_INFO"
    );
    c.business_info(&m.owner, m.owner_id, "그린원예").await;
    // The receipt service is down in this test: a clear error, no row, no SMS.
    let down = c.gql(Some(&m.employee), issue, json!({ "id": id })).await;
    assert_eq!(error_code(&down), "RECEIPT_SERVICE_UNAVAILABLE");
    assert_eq!(
        c.count("SELECT count(*) FROM order_sheet_receipts").await,
        0
    );
    assert_eq!(
        c.count(
            "SELECT count(*) FROM notification_outbox WHERE template = 'IssueOrderSheetReceipt'"
        )
        .await,
        0
    );
}

/// Owner and employee price the same lines at once, in opposite orders, while
/// the retailer removes one of the day's sheets: nothing deadlocks or fails,
/// and every line ends at the price of one writer, never a mix.
#[actix_web::test]
async fn concurrent_price_updates_neither_deadlock_nor_mix() {
    let m = market().await;
    let c = &m.core;
    let lines = [(0, 1, "UPPER"), (1, 1, "LOWER"), (2, 1, "MIDDLE")];
    let first = m.ordered_sheet(&lines).await;
    let second = m.ordered_sheet(&lines).await;
    let doomed = m.ordered_sheet(&lines).await;
    let daily = c
        .gql(Some(&m.owner), "{ dailyOrderItems { id } }", json!({}))
        .await;
    let mut daily_ids: Vec<Value> = data(&daily)["dailyOrderItems"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["id"].clone())
        .collect();
    assert_eq!(daily_ids.len(), 3);

    // Bulk prices from both people, in both orders, during the removal.
    let bulk = "mutation($items: [OrderItemPriceInput!]!) { updateDailyOrderItemsPrice(items: $items) { id } }";
    let mut calls = Vec::new();
    for k in 0..6 {
        daily_ids.reverse();
        let items: Vec<Value> = daily_ids
            .iter()
            .map(|id| json!({ "id": id, "price": 1000 * (k + 1) }))
            .collect();
        let who = if k % 2 == 0 { &m.owner } else { &m.employee };
        calls.push(c.gql(Some(who), bulk, json!({ "items": items })));
    }
    let remove = "mutation($id: Int!) { removeOrderSheet(orderSheetId: $id) { success } }";
    let (bulk_results, removed) = futures_util::join!(
        futures_util::future::join_all(calls),
        c.gql(Some(&m.retailer), remove, json!({ "id": doomed["id"] })),
    );
    for body in &bulk_results {
        data(body);
    }
    data(&removed);
    assert_eq!(
        c.count(&format!(
            "SELECT count(*) FROM order_items WHERE order_sheet_id = {} AND deleted_at IS NULL",
            doomed["id"]
        ))
        .await,
        0
    );
    assert_eq!(
        c.count(
            "SELECT count(DISTINCT price) FROM daily_order_items WHERE deleted_at IS NULL \
             AND price IS NOT NULL"
        )
        .await,
        1,
        "one writer's prices, not a mix"
    );
    assert_eq!(
        c.count(
            "SELECT count(*) FROM order_items i JOIN daily_order_items d \
               ON d.flower_id = i.flower_id AND d.grade = i.grade AND d.deleted_at IS NULL \
             WHERE i.deleted_at IS NULL AND i.price IS DISTINCT FROM d.price"
        )
        .await,
        0,
        "every live line carries its bulk price"
    );

    // Line by line, both people, both orders.
    let mut line_ids = ids(&first);
    line_ids.extend(ids(&second));
    let single =
        "mutation($items: [OrderItemPriceInput!]!) { updateOrderItemsPrice(items: $items) { id } }";
    let mut calls = Vec::new();
    for k in 0..6 {
        line_ids.reverse();
        let items: Vec<Value> = line_ids
            .iter()
            .map(|id| json!({ "id": id, "price": 100 * (k + 1) }))
            .collect();
        let who = if k % 2 == 0 { &m.employee } else { &m.owner };
        calls.push(c.gql(Some(who), single, json!({ "items": items })));
    }
    for body in futures_util::future::join_all(calls).await {
        data(&body);
    }
    assert_eq!(
        c.count(
            "SELECT count(DISTINCT price) FROM order_items WHERE deleted_at IS NULL AND price < 1000"
        )
        .await,
        1,
        "all six lines end at one writer's price"
    );
}
