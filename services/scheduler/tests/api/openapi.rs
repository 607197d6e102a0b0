//! `openapi.json` is the OpenAPI document the running service serves at
//! `GET /openapi.json`, kept current: a change to a handler's annotation or a
//! request/response type that is not committed fails here. The served copy
//! is checked too, with answers it documents.

#![allow(clippy::unwrap_used)]

use crate::support;
use crate::support::fake_at::{FakeAt, Reply, at_page};
use crate::support::start;
use domain::Role;
use serde_json::{Value, json};

#[test]
fn committed_openapi_matches_the_code() {
    let generated = scheduler_service::openapi::json();
    platform::openapi::check_snapshot(env!("CARGO_MANIFEST_DIR"), "scheduler-service", generated)
        .unwrap_or_else(|stale| panic!("{stale}"));
    let doc: Value = serde_json::from_str(generated).expect("JSON");
    assert_eq!(doc["openapi"], "3.1.0");
}

#[actix_web::test]
async fn the_document_is_served_and_its_answers_hold() {
    let fake = FakeAt::start(|_| Reply::Json(at_page(&[]))).await;
    let app = start(&fake.url, &[]).await;
    let response = app
        .http
        .get(format!("{}/openapi.json", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let served: Value = response.json().await.unwrap();
    let committed: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(served, committed);
    // The properties a documented answer names, for the status it came with.
    let schema_keys = |path: &str, method: &str, status: u16| -> Vec<String> {
        let response = &served["paths"][path][method]["responses"][status.to_string()];
        let reference = response["content"]["application/json"]["schema"]["$ref"]
            .as_str()
            .unwrap_or_else(|| panic!("{method} {path} {status} is not documented"));
        let name = reference.rsplit('/').next().unwrap();
        let mut keys: Vec<String> = served["components"]["schemas"][name]["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        keys.sort();
        keys
    };
    let keys_of = |body: &Value| -> Vec<String> {
        let mut keys: Vec<String> = body.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        keys
    };

    let sync = "/v1/jobs/auction-sync";
    let (status, report) = app.sync(json!({ "date": "2026-11-23" })).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(keys_of(&report), schema_keys(sync, "post", 200));
    // A failed run answers the envelope plus its report, as documented.
    fake.respond(|_| Reply::Status(500));
    let (status, failed) = app.sync(json!({ "date": "2026-11-22" })).await;
    assert_eq!(status, 502, "{failed}");
    assert_eq!(keys_of(&failed), schema_keys(sync, "post", 502));
    let (status, refused) = app.sync_as(None, json!({})).await;
    assert_eq!((status, keys_of(&refused)), (401, vec!["error".to_owned()]));

    let (status, runs) = app.runs(Some(support::TRIGGER_TOKEN), "?limit=5").await;
    assert_eq!(status, 200);
    assert_eq!(keys_of(&runs), schema_keys("/v1/jobs/runs", "get", 200));

    let owner = app
        .account("양재꽃도매", Role::WholesalerEmpr, "01022220001")
        .await;
    let token = app.token(owner, Role::WholesalerEmpr);
    let upload = "/v1/auction-results";
    let (status, _) = app.upload(Some(&token), "text/plain", "x").await;
    assert_eq!(status, 415);
    schema_keys(upload, "post", 415);
    let csv = "flowerName,flowerTypeName,flowerGrade,boxCount,flowerCount,price,totalPrice,serialCode,auctionDate\n\
               블론디,장미,상,2,20,9000,180000,A-001,20261123\n";
    let (status, report) = app.upload(Some(&token), "text/csv", csv).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(keys_of(&report), schema_keys(upload, "post", 200));
}
