//! `openapi.json` is the OpenAPI document the running service serves at
//! `GET /openapi.json`, kept current: a change to a handler's annotation or a
//! request/response type that is not committed fails here. The served copy
//! is checked too, with the answers it documents for a statement's life.

use crate::support::{SERVICE_TOKEN, start};
use domain::Role;
use serde_json::Value;

#[test]
fn committed_openapi_matches_the_code() {
    let generated = receipt_service::http::openapi::json();
    platform::openapi::check_snapshot(env!("CARGO_MANIFEST_DIR"), "receipt-service", generated)
        .unwrap_or_else(|stale| panic!("{stale}"));
    let doc: Value = serde_json::from_str(generated).expect("JSON");
    assert_eq!(doc["openapi"], "3.1.0");
}

#[actix_web::test]
async fn the_document_is_served_and_its_answers_hold() {
    let app = start(&[]).await;
    let response = app.get("/openapi.json", None).await;
    assert_eq!(response.status(), 200);
    let served: Value = response.json().await.expect("JSON");
    let committed: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.json"))
            .expect("openapi.json"),
    )
    .expect("JSON");
    assert_eq!(served, committed);
    let documented = |path: &str, method: &str, status: u16| {
        served["paths"][path][method]["responses"]
            .get(status.to_string())
            .cloned()
            .unwrap_or_else(|| panic!("{method} {path}: {status} is not documented"))
    };

    let p = app.parties("").await;
    let sheet = app.sheet(&p, "261205M00001").await;
    let owner = app.token(p.wholesaler, Role::WholesalerEmpr);
    let retailer = app.token(p.retailer, Role::Retailer);
    let issue = "/v1/order-sheets/{order_sheet_id}/receipts";
    let (created, receipt) = app.issue(sheet, Some(&owner), Some("k-1")).await;
    let (repeated, _) = app.issue(sheet, Some(&owner), Some("k-1")).await;
    let (refused, _) = app.issue(sheet, Some(&retailer), None).await;
    let (anonymous, _) = app.issue(sheet, None, None).await;
    let (missing, _) = app.issue(sheet + 1000, Some(SERVICE_TOKEN), None).await;
    for (status, expected) in [
        (created, 201),
        (repeated, 200),
        (refused, 403),
        (anonymous, 401),
        (missing, 404),
    ] {
        assert_eq!(status, expected);
        documented(issue, "post", expected);
    }

    // The body is optional, as documented: none, `null` or an object.
    let with_null = app
        .http
        .post(format!("{}/v1/order-sheets/{sheet}/receipts", app.base))
        .bearer_auth(&owner)
        .header("content-type", "application/json")
        .body("null")
        .send()
        .await
        .expect("request");
    assert_eq!(with_null.status(), 201);

    // The file is the documented binary PDF.
    let id = receipt["id"].as_i64().expect("id");
    let file = app
        .get(&format!("/v1/receipts/{id}/file"), Some(&retailer))
        .await;
    assert_eq!(file.status(), 200);
    assert_eq!(file.headers()["content-type"], "application/pdf");
    let ok = documented("/v1/receipts/{id}/file", "get", 200);
    assert!(ok["content"].get("application/pdf").is_some(), "{ok}");
}
