//! The audit timeline over real HTTP: each change to a sheet, its lines,
//! prices and custom lines, and to a trading-partner link shows in
//! `OrderSheet.history` and `orderTimeline` with its actor and the changed
//! fields before and after; a refused or failed change leaves no event; the
//! history pages, and a page of sheets asking for it costs what one does.
//! (Statements' events are the receipt service's: its tests check them.)

use crate::support::{Core, Market, data, error_code, market};
use serde_json::{Value, json};

const HISTORY: &str = "query($id: Int!, $p: PaginationInput) { orderSheet(orderSheetId: $id) { \
    history(pagination: $p) { id subject subjectId action orderSheetId actorId actorName before after createdAt } } }";
const TIMELINE: &str = "query($f: AuditTimelineFilterInput, $p: PaginationInput) { orderTimeline(filter: $f, pagination: $p) { \
    totalCount items { subject subjectId action orderSheetId retailerId actorId actorName before after } } }";

fn json_of(field: &Value) -> Value {
    field
        .as_str()
        .map_or(Value::Null, |s| serde_json::from_str(s).expect("JSON text"))
}

async fn history(m: &Market, token: &str, sheet: i64, page: Value) -> Vec<Value> {
    let body = m
        .core
        .gql(Some(token), HISTORY, json!({"id": sheet, "p": page}))
        .await;
    data(&body)["orderSheet"]["history"]
        .as_array()
        .expect("history")
        .clone()
}

fn actions(events: &[Value]) -> Vec<(String, String)> {
    events
        .iter()
        .map(|e| {
            (
                e["subject"].as_str().expect("subject").to_owned(),
                e["action"].as_str().expect("action").to_owned(),
            )
        })
        .collect()
}

/// The newest event of `token`'s timeline under `filter`.
async fn newest_event(core: &Core, token: &str, filter: Value) -> Value {
    let page = json!({"f": filter, "p": {"size": 1, "sort": "DESCEND"}});
    let body = core.gql(Some(token), TIMELINE, page).await;
    data(&body)["orderTimeline"]["items"][0].clone()
}

async fn events(core: &Core) -> i64 {
    core.count("SELECT count(*) FROM audit_events").await
}

#[actix_web::test]
async fn every_change_to_a_sheet_is_recorded_with_its_actor_before_and_after() {
    let m = market().await;
    let c = &m.core;
    let sheet = m.ordered_sheet(&[(0, 2, "UPPER"), (1, 1, "MIDDLE")]).await;
    let id = sheet["id"].as_i64().expect("sheet id");
    let line = c
        .count(&format!(
            "SELECT id FROM order_items WHERE order_sheet_id = {id} AND flower_id = {}",
            m.flowers[0]
        ))
        .await;

    // The owner prices one line; the employee sets the day's bulk price of
    // the other (which reaches the line).
    data(
        &c.gql(
            Some(&m.owner),
            "mutation($i: [OrderItemPriceInput!]!) { updateOrderItemsPrice(items: $i) { id } }",
            json!({"i": [{"id": line, "price": 12000}]}),
        )
        .await,
    );
    let daily = c
        .count(&format!(
            "SELECT id FROM daily_order_items WHERE wholesaler_id = {} AND flower_id = {}",
            m.owner_id, m.flowers[1]
        ))
        .await;
    data(&c
        .gql(
            Some(&m.employee),
            "mutation($i: [OrderItemPriceInput!]!) { updateDailyOrderItemsPrice(items: $i) { id } }",
            json!({"i": [{"id": daily, "price": 8000}]}),
        )
        .await);
    // A custom line added, its price changed, then removed.
    let upsert =
        "mutation($i: UpsertCustomOrderItemsInput!) { upsertCustomOrderItems(input: $i) { id } }";
    let custom = |price: i32, custom_id: Option<i64>| {
        json!({"i": {"orderSheetId": id, "items": [{"id": custom_id, "flowerName": "포장", "flowerTypeName": "부자재",
            "grade": "UPPER", "quantity": 1, "price": price}]}})
    };
    let added = c.gql(Some(&m.owner), upsert, custom(3000, None)).await;
    let custom_id = data(&added)["upsertCustomOrderItems"][0]["id"]
        .as_i64()
        .expect("custom id");
    data(
        &c.gql(Some(&m.owner), upsert, custom(3500, Some(custom_id)))
            .await,
    );
    data(&c
        .gql(
            Some(&m.employee),
            "mutation($ids: [Int!]!) { removeCustomOrderItem(customOrderItemIds: $ids) { success } }",
            json!({"ids": [custom_id]}),
        )
        .await);

    // The florist reads its sheet's history, newest first.
    let got = history(&m, &m.retailer, id, Value::Null).await;
    let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
        list.iter()
            .map(|(s, a)| (s.to_string(), a.to_string()))
            .collect()
    };
    assert_eq!(
        actions(&got),
        pairs(&[
            ("CUSTOM_ORDER_ITEM", "DELETED"),
            ("CUSTOM_ORDER_ITEM", "UPDATED"),
            ("CUSTOM_ORDER_ITEM", "ADDED"),
            ("ORDER_ITEM", "PRICED"),
            ("ORDER_ITEM", "PRICED"),
            ("ORDER_SHEET", "PLACED"),
        ])
    );
    let [deleted, updated, added, bulk, priced, placed] = got.as_slice() else {
        panic!("six events: {got:?}");
    };
    assert_eq!(placed["actorId"], m.retailer_id);
    assert_eq!(placed["actorName"], "행복꽃집");
    assert_eq!(placed["before"], Value::Null);
    let placed_after = json_of(&placed["after"]);
    assert_eq!(placed_after["orderNo"], sheet["orderNo"]);
    assert_eq!(placed_after["orderItems"].as_array().map(Vec::len), Some(2));

    assert_eq!(priced["subjectId"], line);
    assert_eq!(priced["actorId"], m.owner_id);
    assert_eq!(json_of(&priced["before"]), json!({"price": null}));
    assert_eq!(json_of(&priced["after"]), json!({"price": 12000}));
    assert_eq!(bulk["actorId"], m.employee_id);
    assert_eq!(json_of(&bulk["after"]), json!({"price": 8000}));

    assert_eq!(added["subjectId"], custom_id);
    assert_eq!(added["before"], Value::Null);
    assert_eq!(json_of(&added["after"])["price"], 3000);
    // Only the changed field, before and after.
    assert_eq!(json_of(&updated["before"]), json!({"price": 3000}));
    assert_eq!(json_of(&updated["after"]), json!({"price": 3500}));
    assert_eq!(deleted["actorId"], m.employee_id);
    assert_eq!(json_of(&deleted["before"])["flowerName"], "포장");
    assert_eq!(deleted["after"], Value::Null);
    // Nothing personal is recorded: the sheet's memo ("오전 배송") stays out.
    let all = c
        .count("SELECT count(*) FROM audit_events WHERE before::text LIKE '%배송%' OR after::text LIKE '%배송%'")
        .await;
    assert_eq!(all, 0);

    // Setting the same price again changes nothing and records nothing.
    let before = events(c).await;
    data(
        &c.gql(
            Some(&m.owner),
            "mutation($i: [OrderItemPriceInput!]!) { updateOrderItemsPrice(items: $i) { id } }",
            json!({"i": [{"id": line, "price": 12000}]}),
        )
        .await,
    );
    assert_eq!(events(c).await, before);

    // The florist deletes the sheet: the wholesaler's timeline shows it.
    data(
        &c.gql(
            Some(&m.retailer),
            "mutation($id: Int!) { removeOrderSheet(orderSheetId: $id) { success } }",
            json!({"id": id}),
        )
        .await,
    );
    let newest = &newest_event(c, &m.owner, json!({"retailerId": m.retailer_id})).await;
    assert_eq!(newest["subject"], "ORDER_SHEET");
    assert_eq!(newest["action"], "DELETED");
    assert_eq!(newest["actorId"], m.retailer_id);
    assert_eq!(json_of(&newest["before"])["orderNo"], sheet["orderNo"]);
}

#[actix_web::test]
async fn refused_and_failed_changes_leave_no_event() {
    let m = market().await;
    let c = &m.core;
    let sheet = m.ordered_sheet(&[(0, 2, "UPPER")]).await;
    let id = sheet["id"].as_i64().expect("sheet id");
    let line = sheet["orderItems"][0]["id"].as_i64().expect("line id");
    let before = events(c).await;
    let prices =
        "mutation($i: [OrderItemPriceInput!]!) { updateOrderItemsPrice(items: $i) { id } }";

    // A negative price is refused before anything is written.
    let body = c
        .gql(
            Some(&m.owner),
            prices,
            json!({"i": [{"id": line, "price": -1}]}),
        )
        .await;
    assert_eq!(error_code(&body), "INVALID_DATA");
    // A valid price beside an unknown line: the whole change rolls back.
    let body = c
        .gql(
            Some(&m.owner),
            prices,
            json!({"i": [{"id": line, "price": 5000}, {"id": 999_999, "price": 1}]}),
        )
        .await;
    assert_eq!(error_code(&body), "NO_ORDER_ITEM");
    // A custom line written, then a second naming an unknown id: rolled back.
    let body = c
        .gql(
            Some(&m.owner),
            "mutation($i: UpsertCustomOrderItemsInput!) { upsertCustomOrderItems(input: $i) { id } }",
            json!({"i": {"orderSheetId": id, "items": [
                {"flowerName": "포장", "flowerTypeName": "부자재", "grade": "UPPER", "quantity": 1, "price": 100},
                {"id": 999_999, "price": 200}]}}),
        )
        .await;
    assert_eq!(error_code(&body), "NO_CUSTOM_ORDER_ITEM");
    // Someone else's sheet, and an order without a cart.
    let body = c
        .gql(
            Some(&m.other_retailer),
            "mutation($id: Int!) { removeOrderSheet(orderSheetId: $id) { success } }",
            json!({"id": id}),
        )
        .await;
    assert_eq!(error_code(&body), "NO_ORDER_SHEET");
    assert!(c.order(&m.retailer).await.get("errors").is_some());

    assert_eq!(events(c).await, before, "no event for a change not made");
    assert_eq!(
        c.count(&format!(
            "SELECT count(*) FROM order_items WHERE id = {line} AND price IS NULL"
        ))
        .await,
        1
    );
}

#[actix_web::test]
async fn history_pages_newest_first_by_default() {
    let m = market().await;
    let c = &m.core;
    let sheet = m.ordered_sheet(&[(0, 2, "UPPER")]).await;
    let id = sheet["id"].as_i64().expect("sheet id");
    let line = sheet["orderItems"][0]["id"].as_i64().expect("line id");
    for price in [1000, 2000, 3000, 4000] {
        data(
            &c.gql(
                Some(&m.owner),
                "mutation($i: [OrderItemPriceInput!]!) { updateOrderItemsPrice(items: $i) { id } }",
                json!({"i": [{"id": line, "price": price}]}),
            )
            .await,
        );
    }
    let after_price = |e: &Value| json_of(&e["after"])["price"].clone();
    let newest = history(&m, &m.owner, id, Value::Null).await;
    assert_eq!(newest.len(), 5);
    assert_eq!(after_price(&newest[0]), 4000);
    assert_eq!(newest[4]["action"], "PLACED");

    // Given pagination pages oldest first unless DESCEND, like other lists.
    let second = history(&m, &m.owner, id, json!({"page": 1, "size": 2})).await;
    assert_eq!(
        second.iter().map(after_price).collect::<Vec<_>>(),
        [json!(2000), json!(3000)]
    );
    let last = history(&m, &m.owner, id, json!({"page": 2, "size": 2})).await;
    assert_eq!(
        last.iter().map(after_price).collect::<Vec<_>>(),
        [json!(4000)]
    );
    let descending = history(&m, &m.owner, id, json!({"size": 2, "sort": "DESCEND"})).await;
    assert_eq!(
        descending.iter().map(after_price).collect::<Vec<_>>(),
        [json!(4000), json!(3000)]
    );

    let body = c
        .gql(Some(&m.owner), HISTORY, json!({"id": id, "p": {"size": 0}}))
        .await;
    assert_eq!(error_code(&body), "INVALID_DATA");

    // The timeline pages too, and counts the whole period.
    let body = c
        .gql(
            Some(&m.owner),
            TIMELINE,
            json!({"p": {"page": 0, "size": 3}}),
        )
        .await;
    let page = &data(&body)["orderTimeline"];
    // Applied + confirmed (the market's link), placed, four prices.
    assert_eq!(page["totalCount"], 7);
    assert_eq!(page["items"].as_array().map(Vec::len), Some(3));
    assert_eq!(page["items"][0]["action"], "APPLIED");
}

#[actix_web::test]
async fn trading_partner_links_and_the_nightly_batch_are_on_the_timeline() {
    let m = market().await;
    let c = &m.core;
    let body = c
        .gql(Some(&m.owner), TIMELINE, json!({"p": {"sort": "ASCEND"}}))
        .await;
    let items = data(&body)["orderTimeline"]["items"].clone();
    let links: Vec<&Value> = items
        .as_array()
        .expect("items")
        .iter()
        .filter(|e| e["subject"] == "BIZ_CONNECTION" && e["retailerId"] == m.retailer_id)
        .collect();
    assert_eq!(links.len(), 2, "{items}");
    assert_eq!(links[0]["action"], "APPLIED");
    assert_eq!(links[0]["actorId"], m.retailer_id);
    assert_eq!(
        json_of(&links[0]["after"]),
        json!({"applyStatus": "APPLYING"})
    );
    assert_eq!(links[1]["action"], "CONFIRMED");
    assert_eq!(links[1]["actorId"], m.owner_id);
    assert_eq!(
        json_of(&links[1]["before"]),
        json!({"applyStatus": "APPLYING"})
    );
    assert_eq!(
        json_of(&links[1]["after"]),
        json!({"applyStatus": "CONFIRMED"})
    );

    // The nightly batch places a sheet as the system (no actor).
    data(&c.add_to_cart(&m.retailer, m.flowers[2], 4, "LOWER").await);
    data(&c.choose_wholesaler(&m.retailer, m.owner_id, None).await);
    data(
        &c.gql(
            Some(&m.admin),
            "mutation { orderBatchCartItems { success } }",
            json!({}),
        )
        .await,
    );
    let batch = c
        .count("SELECT count(*) FROM audit_events WHERE action = 'PLACED' AND actor_id IS NULL")
        .await;
    assert_eq!(batch, 1);

    // An operator removes the florist: its link goes with it, on the record.
    data(
        &c.gql(
            Some(&m.admin),
            "mutation($u: Int!) { removeUser(userId: $u) { success } }",
            json!({"u": m.retailer_id}),
        )
        .await,
    );
    let filter = json!({"wholesalerId": m.owner_id, "retailerId": m.retailer_id});
    let removed = &newest_event(c, &m.admin, filter).await;
    assert_eq!(removed["subject"], "BIZ_CONNECTION");
    assert_eq!(removed["action"], "REMOVED");
    assert_eq!(
        json_of(&removed["before"]),
        json!({"applyStatus": "CONFIRMED"})
    );
    assert_eq!(removed["after"], Value::Null);
}

#[actix_web::test]
async fn timeline_periods_are_bounded() {
    let m = market().await;
    let c = &m.core;
    for filter in [
        json!({"from": "2026-12-01", "to": "2027-01-01"}),
        json!({"from": "2026-12-02", "to": "2026-12-01"}),
        json!({"from": "+262000-01-01"}),
    ] {
        let body = c.gql(Some(&m.owner), TIMELINE, json!({"f": filter})).await;
        assert!(body.get("errors").is_some(), "{filter}: {body}");
    }
    let body = c
        .gql(
            Some(&m.owner),
            TIMELINE,
            json!({"f": {"from": "2026-12-01", "to": "2026-12-31"}}),
        )
        .await;
    data(&body);
    // An operator must name the wholesaler.
    let body = c.gql(Some(&m.admin), TIMELINE, json!({})).await;
    assert_eq!(error_code(&body), "INVALID_DATA");
}

/// Statements the server ran while answering one request.
async fn statements_for(core: &Core, token: &str, query: &str) -> u64 {
    let before = db::pool::statements_executed();
    data(&core.gql(Some(token), query, json!({})).await);
    db::pool::statements_executed() - before
}

#[actix_web::test]
async fn a_page_of_sheets_asking_for_history_costs_a_fixed_number_of_statements() {
    let m = market().await;
    let c = &m.core;
    let view = "{ orderSheets(pagination: { size: 100 }) { id history(pagination: { size: 50 }) { id action actorName } } }";
    m.ordered_sheet(&[(0, 1, "UPPER")]).await;
    statements_for(c, &m.owner, view).await;
    let one = statements_for(c, &m.owner, view).await;
    for _ in 0..5 {
        m.ordered_sheet(&[(0, 1, "UPPER"), (1, 2, "MIDDLE")]).await;
    }
    let six = statements_for(c, &m.owner, view).await;
    assert_eq!(one, six, "6 sheets' history must cost what 1 sheet's costs");
}

const EDIT: &str = "mutation($i: EditOrderSheetInput!) { editOrderSheet(input: $i) { id } }";

/// The florist's own changes are on the timeline too: lines changed, added
/// and removed, a change request filed and answered (the lines the accepted
/// request changed carry the wholesaler's name), and a cancel. Memos and the
/// request's message stay out.
#[actix_web::test]
async fn a_florists_edits_requests_and_cancel_are_recorded() {
    let m = market().await;
    let c = &m.core;
    let sheet = m.ordered_sheet(&[(0, 2, "UPPER"), (1, 1, "MIDDLE")]).await;
    let id = sheet["id"].as_i64().expect("sheet id");
    let line = |flower: usize| {
        format!(
            "SELECT id FROM order_items WHERE order_sheet_id = {id} AND flower_id = {} AND deleted_at IS NULL",
            m.flowers[flower]
        )
    };
    let (first, second) = (c.count(&line(0)).await, c.count(&line(1)).await);
    let edit = json!({"i": {"orderSheetId": id,
        "changes": [{"orderItemId": first, "quantity": 5, "memo": "비밀 메모"}],
        "additions": [{"flowerId": m.flowers[2], "quantity": 3, "grade": "LOWER", "memo": "비밀 메모"}],
        "removals": [second]}});
    data(&c.gql(Some(&m.retailer), EDIT, edit).await);
    let added = c.count(&line(2)).await;

    // After the cut-off, through a request the employee accepts.
    c.sql(&format!(
        "UPDATE order_sheets SET cutoff_at = now() - interval '1 minute' WHERE id = {id}"
    ))
    .await;
    let ask = json!({"i": {"orderSheetId": id, "message": "비밀 메시지",
        "changes": [{"orderItemId": added, "quantity": 4, "memo": "비밀 메모"}]}});
    let request = c
        .gql(
            Some(&m.retailer),
            "mutation($i: RequestOrderSheetChangeInput!) { requestOrderSheetChange(input: $i) { id } }",
            ask,
        )
        .await;
    let request_id = data(&request)["requestOrderSheetChange"]["id"]
        .as_i64()
        .expect("request id");
    data(&c
        .gql(
            Some(&m.employee),
            "mutation($i: AnswerOrderSheetChangeInput!) { answerOrderSheetChange(input: $i) { id } }",
            json!({"i": {"requestId": request_id, "accept": true}}),
        )
        .await);

    let got = history(&m, &m.retailer, id, json!({"size": 50, "sort": "ASCEND"})).await;
    let by = |subject: &str, action: &str, subject_id: i64| {
        got.iter()
            .find(|e| {
                e["subject"] == subject && e["action"] == action && e["subjectId"] == subject_id
            })
            .unwrap_or_else(|| panic!("no {subject} {action} of {subject_id} in {got:?}"))
            .clone()
    };
    let changed = by("ORDER_ITEM", "UPDATED", first);
    assert_eq!(changed["actorId"], m.retailer_id);
    assert_eq!(json_of(&changed["before"]), json!({"quantity": 2}));
    assert_eq!(json_of(&changed["after"]), json!({"quantity": 5}));
    let new_line = by("ORDER_ITEM", "ADDED", added);
    assert_eq!(json_of(&new_line["after"])["quantity"], 3);
    assert_eq!(json_of(&new_line["after"])["grade"], "하");
    let removed = by("ORDER_ITEM", "DELETED", second);
    assert_eq!(json_of(&removed["before"])["quantity"], 1);
    let filed = by("CHANGE_REQUEST", "REQUESTED", request_id);
    assert_eq!(filed["actorId"], m.retailer_id);
    assert_eq!(
        json_of(&filed["after"])["changes"][0],
        json!({"orderItemId": added, "quantity": 4, "grade": null})
    );
    let applied = by("ORDER_ITEM", "UPDATED", added);
    assert_eq!(
        applied["actorId"], m.employee_id,
        "applied as the wholesaler"
    );
    assert_eq!(json_of(&applied["after"]), json!({"quantity": 4}));
    let accepted = by("CHANGE_REQUEST", "ACCEPTED", request_id);
    assert_eq!(accepted["actorId"], m.employee_id);
    assert_eq!(json_of(&accepted["after"]), json!({"status": "ACCEPTED"}));
    let written: Vec<String> = got.iter().map(Value::to_string).collect();
    assert!(
        !written.iter().any(|e| e.contains("비밀")),
        "memos and messages stay out: {written:?}"
    );

    // A second sheet, cancelled by its florist before the cut-off.
    let other = m.ordered_sheet(&[(0, 1, "UPPER")]).await;
    let other_id = other["id"].as_i64().expect("sheet id");
    data(
        &c.gql(
            Some(&m.retailer),
            "mutation($id: Int!) { cancelOrderSheet(orderSheetId: $id) { success } }",
            json!({"id": other_id}),
        )
        .await,
    );
    let newest = &newest_event(c, &m.owner, json!({"retailerId": m.retailer_id})).await;
    assert_eq!(
        (
            &newest["subject"],
            &newest["action"],
            &newest["orderSheetId"]
        ),
        (&json!("ORDER_SHEET"), &json!("CANCELLED"), &json!(other_id))
    );
    assert_eq!(newest["actorId"], m.retailer_id);
}
