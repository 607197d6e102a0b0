//! Standing orders and reorder: an occurrence becomes one order sheet at the
//! wholesaler's cut-off, exactly once with two instances running the
//! ticker; pause and skip; reorder reports lines whose flower is gone.

use crate::support::{Market, data, error_code, market};
use chrono::{Duration, Utc};
use core_service::trading::standing::run_due;
use domain::cutoff::CutoffSchedule;
use serde_json::{Value, json};

const CREATE: &str = "mutation($i: CreateStandingOrderInput!) { createStandingOrder(input: $i) {
  id weekdays paused skipOn nextPlacementAt lines { flowerId quantity grade } runs { outcome orderSheetId } } }";
const UPDATE: &str = "mutation($i: UpdateStandingOrderInput!) { updateStandingOrder(input: $i) {
  id paused skipOn nextPlacementAt } }";
const LIST: &str = "{ standingOrders { id paused runs { occurrenceOn orderSheetId outcome } } }";

async fn every_day(m: &Market) -> Value {
    let input = json!({"i": {"wholesalerId": m.owner_id, "weekdays": [1, 2, 3, 4, 5, 6, 7], "memo": "매주 장미",
        "lines": [{"flowerId": m.flowers[0], "quantity": 10, "grade": "UPPER"},
                  {"flowerId": m.flowers[1], "quantity": 5, "grade": "MIDDLE", "memo": "짧게"}]}});
    let body = m.core.gql(Some(&m.retailer), CREATE, input).await;
    data(&body)["createStandingOrder"].clone()
}

/// Backdates a standing order so yesterday's occurrence is due.
async fn backdate(m: &Market, id: &Value) {
    m.core
        .sql(&format!(
            "UPDATE standing_orders SET created_at = now() - interval '3 days', \
             starts_on = current_date - 3 WHERE id = {id}"
        ))
        .await;
}

#[actix_web::test]
async fn an_occurrence_is_placed_once_even_with_two_instances() {
    let m = market().await;
    let order = every_day(&m).await;
    assert_eq!(order["lines"].as_array().map(Vec::len), Some(2));
    backdate(&m, &order["id"]).await;

    let now = Utc::now();
    let today = domain::time::business_day(now);
    let due_days = [today - Duration::days(1), today]
        .into_iter()
        .filter(|d| CutoffSchedule::default().cutoff_on(*d) <= now)
        .count();
    // Two instances (two pools on one database) run the ticker at once, twice.
    let other = db::connect(m.core.db.url(), 4).expect("second pool");
    for _ in 0..2 {
        let (a, b) = tokio::join!(run_due(m.core.db.pool(), now), run_due(&other, now));
        a.expect("first instance");
        b.expect("second instance");
    }
    let sheets = m.core.count("SELECT count(*) FROM order_sheets").await;
    assert_eq!(sheets, i64::try_from(due_days).expect("small"));
    assert_eq!(
        m.core
            .count("SELECT count(*) FROM standing_order_runs WHERE outcome = 'PLACED'")
            .await,
        sheets
    );
    // The sheet went through the ordering pipeline: lines, number, cut-off.
    let lines = m.core.count("SELECT count(*) FROM order_items").await;
    assert_eq!(lines, 2 * sheets);
    assert_eq!(
        m.core
            .count("SELECT count(*) FROM order_sheets WHERE cutoff_at IS NULL OR order_no IS NULL")
            .await,
        0
    );
    let listed = m.core.gql(Some(&m.retailer), LIST, json!({})).await;
    let runs = &data(&listed)["standingOrders"][0]["runs"];
    assert_eq!(runs.as_array().map(Vec::len), Some(due_days));
}

#[actix_web::test]
async fn paused_or_skipped_occurrences_are_not_placed() {
    let m = market().await;
    let order = every_day(&m).await;
    backdate(&m, &order["id"]).await;
    let now = Utc::now();

    let paused = m
        .core
        .gql(
            Some(&m.retailer),
            UPDATE,
            json!({"i": {"id": order["id"], "paused": true}}),
        )
        .await;
    let paused = &data(&paused)["updateStandingOrder"];
    assert_eq!(
        (&paused["paused"], &paused["nextPlacementAt"]),
        (&json!(true), &Value::Null)
    );
    run_due(m.core.db.pool(), now).await.expect("run");
    assert_eq!(m.core.count("SELECT count(*) FROM order_sheets").await, 0);

    // Resumed with the next occurrence skipped: its date is remembered.
    let resumed = m
        .core
        .gql(
            Some(&m.retailer),
            UPDATE,
            json!({"i": {"id": order["id"], "paused": false, "skipNext": true}}),
        )
        .await;
    let resumed = &data(&resumed)["updateStandingOrder"];
    let skipped = resumed["skipOn"]
        .as_str()
        .expect("a skipped day")
        .to_owned();
    assert!(
        resumed["nextPlacementAt"]
            .as_str()
            .is_some_and(|next| !next.starts_with(&skipped[..10]))
    );
    let undone = m
        .core
        .gql(
            Some(&m.retailer),
            UPDATE,
            json!({"i": {"id": order["id"], "skipNext": false}}),
        )
        .await;
    assert_eq!(data(&undone)["updateStandingOrder"]["skipOn"], Value::Null);
}

#[actix_web::test]
async fn who_may_keep_standing_orders_and_what_is_refused() {
    let m = market().await;
    let order = every_day(&m).await;
    let id = order["id"].clone();
    for token in [&m.other_retailer] {
        let body = m
            .core
            .gql(
                Some(token),
                UPDATE,
                json!({"i": {"id": id, "paused": true}}),
            )
            .await;
        assert_eq!(error_code(&body), "NO_STANDING_ORDER");
        let delete = "mutation($id: Int!) { deleteStandingOrder(id: $id) { success } }";
        assert_eq!(
            error_code(&m.core.gql(Some(token), delete, json!({"id": id})).await),
            "NO_STANDING_ORDER"
        );
    }
    let other_list = m.core.gql(Some(&m.other_retailer), LIST, json!({})).await;
    assert_eq!(data(&other_list)["standingOrders"], json!([]));
    for token in [&m.owner, &m.admin] {
        assert_eq!(
            error_code(&m.core.gql(Some(token), LIST, json!({})).await),
            "PERMISSION_DENIED"
        );
    }
    assert_eq!(
        error_code(&m.core.gql(None, LIST, json!({})).await),
        "TOKEN_NEEDED"
    );

    let base = json!({"wholesalerId": m.owner_id, "weekdays": [1],
                      "lines": [{"flowerId": m.flowers[0], "quantity": 1, "grade": "UPPER"}]});
    let with = |patch: Value| {
        let mut input = base.clone();
        if let (Some(i), Some(p)) = (input.as_object_mut(), patch.as_object()) {
            i.extend(p.clone());
        }
        json!({"i": input})
    };
    for (patch, code) in [
        (json!({"weekdays": [0]}), "INVALID_DATA"),
        (json!({"weekdays": []}), "INVALID_DATA"),
        (json!({"startsOn": "2020-01-01"}), "INVALID_DATA"),
        (
            json!({"lines": [{"flowerId": 999_999, "quantity": 1, "grade": "UPPER"}]}),
            "NO_FLOWER",
        ),
        (
            json!({"lines": [{"flowerId": m.flowers[0], "quantity": 0, "grade": "UPPER"}]}),
            "INVALID_DATA",
        ),
        (
            json!({"wholesalerId": m.other_wholesaler_id}),
            "NOT_CONNECTED",
        ),
        (json!({"fromOrderSheetId": 1}), "INVALID_DATA"),
    ] {
        let body = m
            .core
            .gql(Some(&m.retailer), CREATE, with(patch.clone()))
            .await;
        assert_eq!(error_code(&body), code, "{patch}");
    }
    // A past sheet of someone else's is no sheet.
    let sheet = m.ordered_sheet(&[(0, 1, "UPPER")]).await;
    let copy = json!({"i": {"wholesalerId": m.owner_id, "weekdays": [2], "fromOrderSheetId": sheet["id"]}});
    let copied = m.core.gql(Some(&m.retailer), CREATE, copy.clone()).await;
    assert_eq!(
        data(&copied)["createStandingOrder"]["lines"][0]["quantity"],
        1
    );
    let stranger = m.core.gql(Some(&m.other_retailer), CREATE, copy).await;
    assert!(
        matches!(error_code(&stranger), "NOT_CONNECTED" | "NO_ORDER_SHEET"),
        "{stranger}"
    );
    assert_eq!(
        m.core.count("SELECT count(*) FROM standing_orders").await,
        2
    );
}

#[actix_web::test]
async fn reorder_puts_a_past_sheet_back_in_the_cart_and_reports_gone_flowers() {
    let m = market().await;
    let sheet = m.ordered_sheet(&[(0, 4, "UPPER"), (1, 2, "LOWER")]).await;
    m.core
        .sql(&format!(
            "UPDATE flowers SET deleted_at = now() WHERE id = {}",
            m.flowers[1]
        ))
        .await;
    const REORDER: &str = "mutation($id: Int!) { reorderOrderSheet(orderSheetId: $id) {
      cartItems { id quantity grade } skipped { flowerId quantity grade reason } } }";
    let body = m
        .core
        .gql(Some(&m.retailer), REORDER, json!({"id": sheet["id"]}))
        .await;
    let out = &data(&body)["reorderOrderSheet"];
    assert_eq!(out["cartItems"].as_array().map(Vec::len), Some(1));
    assert_eq!(out["cartItems"][0]["quantity"], 4);
    assert_eq!(
        out["skipped"],
        json!([{"flowerId": m.flowers[1], "quantity": 2, "grade": "LOWER", "reason": "NO_FLOWER"}])
    );
    // The cart is ready to order from the same wholesaler.
    let ordered = m.core.order(&m.retailer).await;
    assert!(ordered.get("errors").is_none(), "{ordered}");
    // Someone else's sheet is no sheet.
    let stranger = m
        .core
        .gql(Some(&m.other_retailer), REORDER, json!({"id": sheet["id"]}))
        .await;
    assert_eq!(error_code(&stranger), "NO_ORDER_SHEET");
}
