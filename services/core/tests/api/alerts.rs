//! Order alerts by SMS: queued in the outbox in the change's transaction to
//! whom they concern (the wholesaler's owner and opted-in employees when a
//! florist orders; the florist when its sheet is fully priced or its change
//! request answered), switchable per user. The outbox row is what the
//! delivery worker sends (its tests cover delivery); here messaging is
//! closed, so the rows stay queued for the test to read.

use crate::support::{Market, data, error_code, market};
use serde_json::json;

const SETTINGS: &str =
    "mutation($on: Boolean!) { updateAlertSettings(orderAlerts: $on) { orderAlerts } }";
const PRICE: &str =
    "mutation($items: [OrderItemPriceInput!]!) { updateOrderItemsPrice(items: $items) { id } }";

async fn queued(m: &Market, template: &str, phone: &str) -> i64 {
    m.core
        .count(&format!(
            "SELECT count(*) FROM notification_outbox WHERE template = '{template}' AND recipient = '{phone}'"
        ))
        .await
}

const OWNER_PHONE: &str = "01011110001";
const EMPLOYEE_PHONE: &str = "01011110002";
const RETAILER_PHONE: &str = "01022220001";

#[actix_web::test]
async fn an_order_alerts_the_owner_and_the_employees_who_opted_in() {
    let m = market().await;
    let sheet = m.ordered_sheet(&[(0, 2, "UPPER")]).await;
    assert_eq!(queued(&m, "OrderPlaced", OWNER_PHONE).await, 1);
    assert_eq!(
        queued(&m, "OrderPlaced", EMPLOYEE_PHONE).await,
        0,
        "employees opt in"
    );
    let args = m
        .core
        .count(&format!(
            "SELECT count(*) FROM notification_outbox WHERE template = 'OrderPlaced' \
             AND args = '[\"행복꽃집\", \"{}\", \"@link:wholesale\"]'::jsonb",
            sheet["orderNo"].as_str().expect("order no")
        ))
        .await;
    assert_eq!(
        args, 1,
        "florist's name, order number, the wholesale link at delivery"
    );

    data(
        &m.core
            .gql(Some(&m.employee), SETTINGS, json!({"on": true}))
            .await,
    );
    data(
        &m.core
            .gql(Some(&m.owner), SETTINGS, json!({"on": false}))
            .await,
    );
    m.ordered_sheet(&[(1, 1, "MIDDLE")]).await;
    assert_eq!(
        queued(&m, "OrderPlaced", OWNER_PHONE).await,
        1,
        "switched off"
    );
    assert_eq!(
        queued(&m, "OrderPlaced", EMPLOYEE_PHONE).await,
        1,
        "opted in"
    );

    let read = "{ alertSettings { orderAlerts } }";
    for (token, on) in [
        (&m.owner, false),
        (&m.employee, true),
        (&m.retailer, true),
        (&m.admin, false),
    ] {
        assert_eq!(
            data(&m.core.gql(Some(token), read, json!({})).await)["alertSettings"]["orderAlerts"],
            on
        );
    }
    assert_eq!(
        error_code(
            &m.core
                .gql(Some(&m.admin), SETTINGS, json!({"on": true}))
                .await
        ),
        "PERMISSION_DENIED"
    );
    assert_eq!(
        error_code(&m.core.gql(None, read, json!({})).await),
        "TOKEN_NEEDED"
    );
}

#[actix_web::test]
async fn a_fully_priced_sheet_and_an_answered_request_alert_the_florist() {
    let m = market().await;
    let sheet = m.ordered_sheet(&[(0, 2, "UPPER"), (1, 3, "MIDDLE")]).await;
    let lines: Vec<i64> = sheet["orderItems"]
        .as_array()
        .expect("lines")
        .iter()
        .filter_map(|l| l["id"].as_i64())
        .collect();
    // One line priced: not yet.
    data(
        &m.core
            .gql(
                Some(&m.owner),
                PRICE,
                json!({"items": [{"id": lines[0], "price": 1000}]}),
            )
            .await,
    );
    assert_eq!(queued(&m, "OrderPriced", RETAILER_PHONE).await, 0);
    // The last one: the florist hears once, and not again on a re-price.
    data(
        &m.core
            .gql(
                Some(&m.employee),
                PRICE,
                json!({"items": [{"id": lines[1], "price": 2000}]}),
            )
            .await,
    );
    assert_eq!(queued(&m, "OrderPriced", RETAILER_PHONE).await, 1);
    data(
        &m.core
            .gql(
                Some(&m.owner),
                PRICE,
                json!({"items": [{"id": lines[1], "price": 2500}]}),
            )
            .await,
    );
    assert_eq!(queued(&m, "OrderPriced", RETAILER_PHONE).await, 1);
    // A refused pricing alerts no one.
    let refused = m
        .core
        .gql(
            Some(&m.owner),
            PRICE,
            json!({"items": [{"id": lines[0], "price": -1}]}),
        )
        .await;
    assert_eq!(error_code(&refused), "INVALID_DATA");
    assert_eq!(queued(&m, "OrderPriced", RETAILER_PHONE).await, 1);

    // A change request after the cut-off, declined: the florist hears.
    let id = sheet["id"].as_i64().expect("id");
    m.core
        .sql(&format!(
            "UPDATE order_sheets SET created_at = now() - interval '3 days', cutoff_at = now() - interval '2 days' WHERE id = {id}"
        ))
        .await;
    let ask =
        "mutation($i: RequestOrderSheetChangeInput!) { requestOrderSheetChange(input: $i) { id } }";
    let request = m
        .core
        .gql(
            Some(&m.retailer),
            ask,
            json!({"i": {"orderSheetId": id, "cancel": true}}),
        )
        .await;
    let request = data(&request)["requestOrderSheetChange"]["id"].clone();
    let answer = "mutation($i: AnswerOrderSheetChangeInput!) { answerOrderSheetChange(input: $i) { status } }";
    data(
        &m.core
            .gql(
                Some(&m.owner),
                answer,
                json!({"i": {"requestId": request, "accept": false}}),
            )
            .await,
    );
    assert_eq!(queued(&m, "ChangeRequestDeclined", RETAILER_PHONE).await, 1);

    // Switched off, the florist hears nothing more.
    data(
        &m.core
            .gql(Some(&m.retailer), SETTINGS, json!({"on": false}))
            .await,
    );
    let other = m.ordered_sheet(&[(2, 1, "LOWER")]).await;
    let line = other["orderItems"][0]["id"].clone();
    data(
        &m.core
            .gql(
                Some(&m.owner),
                PRICE,
                json!({"items": [{"id": line, "price": 900}]}),
            )
            .await,
    );
    assert_eq!(queued(&m, "OrderPriced", RETAILER_PHONE).await, 1);
}
