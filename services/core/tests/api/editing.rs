//! The night market's cut-off: a florist edits or cancels its sheet before
//! it, sends a change request after it, and the wholesaler answers; changed
//! lines lose their price; an edit racing the wholesaler's pricing ends in
//! one consistent state; the cart batch orders at each wholesaler's cut-off.

use crate::support::{Market, data, error_code, market};
use domain::cutoff::CutoffSchedule;
use serde_json::{Value, json};

const SHEET: &str = "query($id: Int!) { orderSheet(orderSheetId: $id) {
  id isPriceUpdated cutoffAt isEditable
  orderItems { id quantity grade price memo flower { id } }
  changeRequests { id status answer } } }";
const EDIT: &str = "mutation($i: EditOrderSheetInput!) { editOrderSheet(input: $i) {
  id isPriceUpdated orderItems { id quantity grade price memo } } }";
const REQUEST: &str = "mutation($i: RequestOrderSheetChangeInput!) {
  requestOrderSheetChange(input: $i) { id status orderSheetId changes } }";
const ANSWER: &str = "mutation($i: AnswerOrderSheetChangeInput!) {
  answerOrderSheetChange(input: $i) { id status answer answeredById } }";
const PRICE: &str = "mutation($items: [OrderItemPriceInput!]!) { updateOrderItemsPrice(items: $items) { id price } }";
const CUTOFFS: &str = "mutation($i: UpdateOrderCutoffsInput!) {
  updateOrderCutoffs(input: $i) { wholesalerId editAfterCutoff days { weekday cutoff } } }";

fn line_ids(sheet: &Value) -> Vec<i64> {
    sheet["orderItems"]
        .as_array()
        .map(|items| items.iter().filter_map(|i| i["id"].as_i64()).collect())
        .unwrap_or_default()
}

async fn sheet_of(m: &Market, token: &str, id: i64) -> Value {
    let body = m.core.gql(Some(token), SHEET, json!({"id": id})).await;
    data(&body)["orderSheet"].clone()
}

/// Moves a sheet three days back: its cut-off has passed.
async fn age(m: &Market, id: i64) {
    m.core
        .sql(&format!(
            "UPDATE order_sheets SET created_at = now() - interval '3 days', cutoff_at = (date_trunc('day', now() AT TIME ZONE 'Asia/Seoul') - interval '2 hours') AT TIME ZONE 'Asia/Seoul' WHERE id = {id}"
        ))
        .await;
}

#[actix_web::test]
async fn before_the_cut_off_the_florist_edits_and_changed_lines_lose_their_price() {
    let m = market().await;
    let placed = m.ordered_sheet(&[(0, 2, "UPPER"), (1, 3, "MIDDLE")]).await;
    let id = placed["id"].as_i64().expect("id");
    let lines = line_ids(&placed);
    let prices =
        json!({"items": [{"id": lines[0], "price": 5000}, {"id": lines[1], "price": 7000}]});
    data(&m.core.gql(Some(&m.owner), PRICE, prices).await);

    let sheet = sheet_of(&m, &m.retailer, id).await;
    assert_eq!(sheet["isPriceUpdated"], true);
    assert_eq!(sheet["isEditable"], true);
    let created = m
        .core
        .count(&format!(
            "SELECT (extract(epoch FROM created_at) * 1000000)::int8 FROM order_sheets WHERE id = {id}"
        ))
        .await;
    let created = chrono::DateTime::from_timestamp_micros(created).expect("instant");
    let cutoff = CutoffSchedule::default().cutoff_after(created);
    let expected = cutoff
        .with_timezone(&domain::KST)
        .format("%Y-%m-%dT%H:%M:%S")
        .to_string();
    assert_eq!(sheet["cutoffAt"], expected);

    let edit = json!({"i": {"orderSheetId": id,
        "changes": [{"orderItemId": lines[0], "quantity": 5, "grade": "LOWER", "memo": "줄기 길게"}],
        "additions": [{"flowerId": m.flowers[2], "quantity": 4, "grade": "MIDDLE"}]}});
    let edited = m.core.gql(Some(&m.retailer), EDIT, edit).await;
    let edited = &data(&edited)["editOrderSheet"];
    assert_eq!(
        edited["isPriceUpdated"], false,
        "the wholesaler prices again"
    );
    let items = edited["orderItems"].as_array().expect("items");
    let changed = items
        .iter()
        .find(|i| i["id"] == lines[0])
        .expect("changed line");
    assert_eq!(
        (
            &changed["quantity"],
            &changed["grade"],
            &changed["price"],
            &changed["memo"]
        ),
        (
            &json!(5),
            &json!("LOWER"),
            &Value::Null,
            &json!("줄기 길게")
        )
    );
    let untouched = items
        .iter()
        .find(|i| i["id"] == lines[1])
        .expect("other line");
    assert_eq!(
        untouched["price"], 7000,
        "an unchanged line keeps its price"
    );
    assert_eq!(items.len(), 3);

    // Removing a line; removing every line is a cancel, not an edit.
    let removed = m
        .core
        .gql(
            Some(&m.retailer),
            EDIT,
            json!({"i": {"orderSheetId": id, "removals": [lines[1]]}}),
        )
        .await;
    assert_eq!(
        data(&removed)["editOrderSheet"]["orderItems"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    let all: Vec<i64> = line_ids(&sheet_of(&m, &m.retailer, id).await);
    let everything = m
        .core
        .gql(
            Some(&m.retailer),
            EDIT,
            json!({"i": {"orderSheetId": id, "removals": all}}),
        )
        .await;
    assert_eq!(error_code(&everything), "INVALID_DATA");

    // Nobody else edits it; bad input changes nothing.
    for token in [&m.other_retailer, &m.owner] {
        let body = m
            .core
            .gql(
                Some(token),
                EDIT,
                json!({"i": {"orderSheetId": id, "removals": [lines[0]]}}),
            )
            .await;
        assert!(
            matches!(error_code(&body), "NO_ORDER_SHEET" | "PERMISSION_DENIED"),
            "{body}"
        );
    }
    for bad in [
        json!({"changes": [{"orderItemId": lines[0], "quantity": 0}]}),
        json!({"changes": [{"orderItemId": 999_999, "quantity": 1}]}),
        json!({"additions": [{"flowerId": 999_999, "quantity": 1, "grade": "UPPER"}]}),
        json!({"changes": [{"orderItemId": lines[0], "quantity": 1}], "removals": [lines[0]]}),
        json!({}),
    ] {
        let mut input = bad.clone();
        input["orderSheetId"] = json!(id);
        let body = m
            .core
            .gql(Some(&m.retailer), EDIT, json!({"i": input}))
            .await;
        assert!(
            matches!(
                error_code(&body),
                "INVALID_DATA" | "NO_ORDER_ITEM" | "NO_FLOWER"
            ),
            "{bad}: {body}"
        );
    }
    let after = sheet_of(&m, &m.retailer, id).await;
    assert_eq!(after["orderItems"].as_array().map(Vec::len), Some(2));

    // Cancel before the cut-off.
    let cancel = "mutation($id: Int!) { cancelOrderSheet(orderSheetId: $id) { success } }";
    data(
        &m.core
            .gql(Some(&m.retailer), cancel, json!({"id": id}))
            .await,
    );
    let gone = m
        .core
        .gql(Some(&m.retailer), SHEET, json!({"id": id}))
        .await;
    assert_eq!(error_code(&gone), "NO_ORDER_SHEET");
}

#[actix_web::test]
async fn after_the_cut_off_changes_go_through_the_wholesaler() {
    let m = market().await;
    let placed = m.ordered_sheet(&[(0, 2, "UPPER"), (1, 3, "MIDDLE")]).await;
    let id = placed["id"].as_i64().expect("id");
    let lines = line_ids(&placed);
    age(&m, id).await;

    let sheet = sheet_of(&m, &m.retailer, id).await;
    assert_eq!(sheet["isEditable"], false);
    let edit =
        json!({"i": {"orderSheetId": id, "changes": [{"orderItemId": lines[0], "quantity": 9}]}});
    let refused = m.core.gql(Some(&m.retailer), EDIT, edit).await;
    assert_eq!(error_code(&refused), "ORDER_CUT_OFF");
    let message = refused["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("22:00"), "names the cut-off: {message}");
    let cancel = "mutation($id: Int!) { cancelOrderSheet(orderSheetId: $id) { success } }";
    assert_eq!(
        error_code(
            &m.core
                .gql(Some(&m.retailer), cancel, json!({"id": id}))
                .await
        ),
        "ORDER_CUT_OFF"
    );

    // A request, one at a time.
    let ask = json!({"i": {"orderSheetId": id, "changes": [{"orderItemId": lines[0], "quantity": 9}],
                           "message": "한 단 더 부탁드려요"}});
    let request = m.core.gql(Some(&m.retailer), REQUEST, ask.clone()).await;
    let request = data(&request)["requestOrderSheetChange"].clone();
    assert_eq!(request["status"], "PENDING");
    let second = m.core.gql(Some(&m.retailer), REQUEST, ask.clone()).await;
    assert_eq!(error_code(&second), "CONFLICT");

    // Only the sheet's wholesaler answers.
    let accept = json!({"i": {"requestId": request["id"], "accept": true, "answer": "네"}});
    assert_eq!(
        error_code(&m.core.gql(Some(&m.retailer), ANSWER, accept.clone()).await),
        "PERMISSION_DENIED"
    );
    assert_eq!(
        error_code(
            &m.core
                .gql(Some(&m.other_wholesaler), ANSWER, accept.clone())
                .await
        ),
        "NO_CHANGE_REQUEST"
    );
    let answered = m.core.gql(Some(&m.employee), ANSWER, accept.clone()).await;
    let answered = &data(&answered)["answerOrderSheetChange"];
    assert_eq!(answered["status"], "ACCEPTED");
    assert_eq!(answered["answeredById"], m.employee_id);
    let twice = m.core.gql(Some(&m.owner), ANSWER, accept).await;
    assert_eq!(error_code(&twice), "CONFLICT");
    let sheet = sheet_of(&m, &m.retailer, id).await;
    let line = sheet["orderItems"]
        .as_array()
        .and_then(|items| items.iter().find(|i| i["id"] == lines[0]).cloned())
        .expect("line");
    assert_eq!(line["quantity"], 9, "the accepted change is applied");
    assert_eq!(sheet["changeRequests"][0]["status"], "ACCEPTED");

    // A declined request changes nothing.
    let cancel_ask = json!({"i": {"orderSheetId": id, "cancel": true}});
    let request = m.core.gql(Some(&m.retailer), REQUEST, cancel_ask).await;
    let request_id = data(&request)["requestOrderSheetChange"]["id"].clone();
    let decline = json!({"i": {"requestId": request_id, "accept": false, "answer": "이미 출고됨"}});
    assert_eq!(
        data(&m.core.gql(Some(&m.owner), ANSWER, decline).await)["answerOrderSheetChange"]["status"],
        "DECLINED"
    );
    assert_eq!(sheet_of(&m, &m.retailer, id).await["id"], id, "still there");

    // The owner lets florists edit after the cut-off: the edit goes through.
    data(
        &m.core
            .gql(
                Some(&m.owner),
                CUTOFFS,
                json!({"i": {"editAfterCutoff": true}}),
            )
            .await,
    );
    let edit =
        json!({"i": {"orderSheetId": id, "changes": [{"orderItemId": lines[1], "quantity": 1}]}});
    data(&m.core.gql(Some(&m.retailer), EDIT, edit).await);
}

#[actix_web::test]
async fn the_owner_sets_the_cut_off_per_weekday() {
    let m = market().await;
    let set = json!({"i": {"days": [{"weekday": 7, "cutoff": "18:30"}, {"weekday": 1, "cutoff": "23:59"}]}});
    let saved = m.core.gql(Some(&m.owner), CUTOFFS, set.clone()).await;
    let days = data(&saved)["updateOrderCutoffs"]["days"].clone();
    assert_eq!(days[6], json!({"weekday": 7, "cutoff": "18:30"}));
    assert_eq!(days[0], json!({"weekday": 1, "cutoff": "23:59"}));
    assert_eq!(
        days[3],
        json!({"weekday": 4, "cutoff": "22:00"}),
        "days not named keep theirs"
    );

    let read = "query($w: Int) { orderCutoffs(wholesalerId: $w) { wholesalerId days { cutoff } } }";
    let by_florist = m
        .core
        .gql(Some(&m.retailer), read, json!({"w": m.owner_id}))
        .await;
    assert_eq!(
        data(&by_florist)["orderCutoffs"]["days"][6]["cutoff"],
        "18:30"
    );
    let by_employee = m.core.gql(Some(&m.employee), read, json!({})).await;
    assert_eq!(
        data(&by_employee)["orderCutoffs"]["wholesalerId"],
        m.owner_id
    );
    assert_eq!(
        error_code(&m.core.gql(None, read, json!({"w": m.owner_id})).await),
        "TOKEN_NEEDED"
    );
    let not_a_wholesaler = m
        .core
        .gql(Some(&m.owner), read, json!({"w": m.retailer_id}))
        .await;
    assert_eq!(error_code(&not_a_wholesaler), "NO_WHOLESALER");

    for token in [&m.employee, &m.retailer, &m.admin] {
        assert_eq!(
            error_code(&m.core.gql(Some(token), CUTOFFS, set.clone()).await),
            "PERMISSION_DENIED"
        );
    }
    for bad in [
        json!({"days": [{"weekday": 8, "cutoff": "22:00"}]}),
        json!({"days": [{"weekday": 1, "cutoff": "24:00"}]}),
        json!({"days": [{"weekday": 1, "cutoff": "9:00"}]}),
    ] {
        let body = m.core.gql(Some(&m.owner), CUTOFFS, json!({"i": bad})).await;
        assert_eq!(error_code(&body), "INVALID_DATA", "{bad}");
    }
}

#[actix_web::test]
async fn an_edit_racing_the_wholesalers_pricing_ends_consistent() {
    let m = market().await;
    for round in 0..6 {
        let placed = m.ordered_sheet(&[(0, 2, "UPPER")]).await;
        let id = placed["id"].as_i64().expect("id");
        let line = line_ids(&placed)[0];
        let edit =
            json!({"i": {"orderSheetId": id, "changes": [{"orderItemId": line, "quantity": 7}]}});
        let price = json!({"items": [{"id": line, "price": 3000 + round}]});
        let (edited, priced) = tokio::join!(
            m.core.gql(Some(&m.retailer), EDIT, edit),
            m.core.gql(Some(&m.owner), PRICE, price)
        );
        data(&edited);
        data(&priced);
        let sheet = sheet_of(&m, &m.owner, id).await;
        let item = &sheet["orderItems"][0];
        assert_eq!(item["quantity"], 7, "the edit is never lost");
        // Either the edit came last (no price, sheet not priced) or the
        // pricing did (the new quantity at the new price, sheet priced).
        let priced_last = !item["price"].is_null();
        assert_eq!(
            sheet["isPriceUpdated"], priced_last,
            "round {round}: {sheet}"
        );
        if priced_last {
            assert_eq!(item["price"], 3000 + round);
        }
    }
}

#[actix_web::test]
async fn the_batch_orders_each_cart_at_its_wholesalers_cut_off() {
    let m = market().await;
    // The connected florist's cart, last changed three days ago: its cut-off has passed.
    data(
        &m.core
            .add_to_cart(&m.retailer, m.flowers[0], 3, "UPPER")
            .await,
    );
    data(
        &m.core
            .choose_wholesaler(&m.retailer, m.owner_id, None)
            .await,
    );
    m.core
        .sql("UPDATE cart_items SET updated_at = now() - interval '3 days'")
        .await;
    m.core
        .sql("UPDATE shopping_sessions SET updated_at = now() - interval '3 days'")
        .await;
    let due = core_service::trading::batch::run_for(
        m.core.db.pool(),
        core_service::trading::batch::Due::AtCutoff,
    )
    .await
    .expect("batch");
    assert_eq!(due.order_sheet_count, 1);
    // The sheet belongs to the cut-off that ordered it: already closed.
    let sheet_id = m.core.count("SELECT max(id) FROM order_sheets").await;
    let placed = sheet_of(&m, &m.retailer, sheet_id).await;
    assert_eq!(placed["isEditable"], false, "{placed}");

    // A cart changed just now waits for the cut-off after now.
    data(
        &m.core
            .add_to_cart(&m.retailer, m.flowers[1], 2, "MIDDLE")
            .await,
    );
    data(
        &m.core
            .choose_wholesaler(&m.retailer, m.owner_id, None)
            .await,
    );
    let waiting = core_service::trading::batch::run_for(
        m.core.db.pool(),
        core_service::trading::batch::Due::AtCutoff,
    )
    .await
    .expect("batch");
    assert_eq!(waiting.order_sheet_count, 0);
    assert_eq!(m.core.count("SELECT count(*) FROM order_sheets").await, 1);
    // An operator's run orders it now.
    let all = core_service::trading::batch::run(m.core.db.pool())
        .await
        .expect("batch");
    assert_eq!(all.order_sheet_count, 1);
}

/// Florists' edits share the wholesaler's sheet lock: edits of different
/// sheets that add the same new (flower, grade) keys in opposite orders run
/// side by side without deadlocking, and two edits of one sheet both land.
#[actix_web::test]
async fn florists_edit_side_by_side_and_no_edit_is_lost() {
    let m = market().await;
    let mut sheets = Vec::new();
    for _ in 0..8 {
        let placed = m.ordered_sheet(&[(0, 1, "UPPER"), (1, 1, "UPPER")]).await;
        sheets.push((placed["id"].as_i64().expect("id"), line_ids(&placed)));
    }
    let keys = [(1, "MIDDLE"), (2, "LOWER"), (1, "LOWER"), (2, "UPPER")];
    let m = &m;
    let edits = sheets.iter().enumerate().map(|(n, (id, lines))| {
        let mut added: Vec<Value> = keys
            .iter()
            .map(|(f, g)| json!({"flowerId": m.flowers[*f], "quantity": 2, "grade": g}))
            .collect();
        if n % 2 == 1 {
            added.reverse();
        }
        let edit = json!({"i": {"orderSheetId": id, "additions": added,
            "changes": [{"orderItemId": lines[0], "quantity": 10 + n}]}});
        // The same sheet's other line, changed by a second edit at once.
        let other = json!({"i": {"orderSheetId": id,
            "changes": [{"orderItemId": lines[1], "quantity": 20 + n}]}});
        async move {
            let (a, b) = tokio::join!(
                m.core.gql(Some(&m.retailer), EDIT, edit),
                m.core.gql(Some(&m.retailer), EDIT, other)
            );
            (a, b)
        }
    });
    for (a, b) in futures_util::future::join_all(edits).await {
        data(&a);
        data(&b);
    }
    for (n, (id, lines)) in sheets.iter().enumerate() {
        let sheet = sheet_of(m, &m.retailer, *id).await;
        let items = sheet["orderItems"].as_array().expect("items");
        assert_eq!(items.len(), 6, "both lines and the 4 added: {sheet}");
        let quantity = |line: i64| {
            items
                .iter()
                .find(|i| i["id"] == line)
                .map(|i| i["quantity"].clone())
        };
        assert_eq!(quantity(lines[0]), Some(json!(10 + n)));
        assert_eq!(quantity(lines[1]), Some(json!(20 + n)));
    }
    let daily = m
        .core
        .count(&format!(
            "SELECT count(*) FROM daily_order_items WHERE wholesaler_id = {} AND deleted_at IS NULL",
            m.owner_id
        ))
        .await;
    assert_eq!(daily, 6, "one bulk-price row per (flower, grade) ordered");
}

/// Edits sent while the cut-off passes: every answered edit is kept, every
/// refused one changed nothing, and once refused, never accepted again; no
/// change is on the timeline from after the cut-off.
#[actix_web::test]
async fn edits_racing_the_cut_off_end_consistent() {
    let m = market().await;
    let placed = m.ordered_sheet(&[(0, 1, "UPPER"), (1, 1, "UPPER")]).await;
    let id = placed["id"].as_i64().expect("id");
    let lines = line_ids(&placed);
    m.core
        .sql(&format!(
            "UPDATE order_sheets SET cutoff_at = now() + interval '600 milliseconds' WHERE id = {id}"
        ))
        .await;
    // Two phones, one line each, edit until the cut-off refuses them.
    let phone = |line: i64| {
        let m = &m;
        async move {
            let mut answers = Vec::new();
            for quantity in 2..200 {
                let edit = json!({"i": {"orderSheetId": id,
                    "changes": [{"orderItemId": line, "quantity": quantity}]}});
                let body = m.core.gql(Some(&m.retailer), EDIT, edit).await;
                let refused = body["errors"].is_array();
                if refused {
                    assert_eq!(error_code(&body), "ORDER_CUT_OFF", "{body}");
                }
                answers.push((quantity, refused));
                if answers.iter().filter(|(_, r)| *r).count() >= 3 {
                    break;
                }
            }
            answers
        }
    };
    let (first, second) = tokio::join!(phone(lines[0]), phone(lines[1]));
    let sheet = sheet_of(&m, &m.retailer, id).await;
    for (line, answers) in [(lines[0], first), (lines[1], second)] {
        let accepted: Vec<i32> = answers
            .iter()
            .filter(|(_, refused)| !refused)
            .map(|(q, _)| *q)
            .collect();
        let first_refusal = answers.iter().position(|(_, refused)| *refused);
        assert!(
            first_refusal.is_some_and(|at| answers[at..].iter().all(|(_, r)| *r)),
            "once the cut-off refuses, it keeps refusing: {answers:?}"
        );
        assert!(!accepted.is_empty(), "edits before the cut-off go through");
        let last = accepted.last().copied().unwrap_or(1);
        let item = sheet["orderItems"]
            .as_array()
            .and_then(|items| items.iter().find(|i| i["id"] == line).cloned())
            .expect("line");
        assert_eq!(item["quantity"], last, "the last answered edit is the line");
        let recorded = m
            .core
            .count(&format!(
                "SELECT count(*) FROM audit_events WHERE subject = 'ORDER_ITEM' AND subject_id = {line} \
                 AND action = 'UPDATED'"
            ))
            .await;
        assert_eq!(
            recorded,
            accepted.len() as i64,
            "one event per accepted edit"
        );
    }
    let late = m
        .core
        .count(&format!(
            "SELECT count(*) FROM audit_events e JOIN order_sheets s ON s.id = e.order_sheet_id \
             WHERE s.id = {id} AND e.action = 'UPDATED' AND e.created_at >= s.cutoff_at"
        ))
        .await;
    assert_eq!(late, 0, "nothing changed at or after the cut-off");
}

/// An edit that removes a line or changes its grade leaves no bulk-price row
/// that no line uses any more (the wholesaler would see a flower to price
/// that nobody ordered); a row another sheet's line still uses stays, and
/// the new grade gets its row.
#[actix_web::test]
async fn an_edit_leaves_no_unused_bulk_price_row() {
    let m = market().await;
    let mine = m
        .ordered_sheet(&[(0, 1, "UPPER"), (1, 1, "UPPER"), (2, 1, "UPPER")])
        .await;
    m.ordered_sheet(&[(1, 2, "UPPER")]).await;
    let id = mine["id"].as_i64().expect("id");
    let sheet = sheet_of(&m, &m.retailer, id).await;
    let line_of = |flower: usize| {
        sheet["orderItems"]
            .as_array()
            .and_then(|items| {
                items
                    .iter()
                    .find(|i| i["flower"]["id"] == m.flowers[flower])
            })
            .map(|i| i["id"].clone())
            .expect("line")
    };
    let edit = json!({"i": {"orderSheetId": id, "removals": [line_of(0)],
        "changes": [{"orderItemId": line_of(1), "grade": "LOWER"},
                    {"orderItemId": line_of(2), "grade": "MIDDLE"}]}});
    data(&m.core.gql(Some(&m.retailer), EDIT, edit).await);
    let live = |flower: usize, grade: &str| {
        format!(
            "SELECT count(*) FROM daily_order_items WHERE wholesaler_id = {} AND flower_id = {} \
             AND grade = '{grade}' AND deleted_at IS NULL",
            m.owner_id, m.flowers[flower]
        )
    };
    assert_eq!(
        m.core.count(&live(0, "상")).await,
        0,
        "removed, used by no line"
    );
    assert_eq!(
        m.core.count(&live(1, "상")).await,
        1,
        "still the other sheet's"
    );
    assert_eq!(m.core.count(&live(1, "하")).await, 1, "the new grade's row");
    assert_eq!(
        m.core.count(&live(2, "상")).await,
        0,
        "regraded, used by no line"
    );
    assert_eq!(m.core.count(&live(2, "중")).await, 1);
}
