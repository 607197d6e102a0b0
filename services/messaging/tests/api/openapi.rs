//! `openapi.json` is the OpenAPI document the running service serves at
//! `GET /openapi.json`, kept current: a change to a handler's annotation or a
//! request/response type that is not committed fails here. The served copy
//! answers anyone, and what the document promises holds on the wire for the
//! cases it singles out.

use crate::support::{SERVICE_TOKEN, start};
use serde_json::{Value, json};

#[test]
fn committed_openapi_matches_the_code() {
    let generated = messaging_service::openapi::json();
    platform::openapi::check_snapshot(env!("CARGO_MANIFEST_DIR"), "messaging-service", generated)
        .unwrap_or_else(|stale| panic!("{stale}"));
    let doc: Value = serde_json::from_str(generated).expect("JSON");
    assert_eq!(doc["openapi"], "3.1.0");
}

#[actix_web::test]
async fn the_document_is_served_without_credentials() {
    let app = start(&[]).await;
    let response = app
        .http
        .get(format!("{}/openapi.json", app.base))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"].to_str().ok(),
        Some("application/json")
    );
    let served: Value = response.json().await.expect("JSON");
    let committed: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.json"))
            .expect("openapi.json"),
    )
    .expect("JSON");
    assert_eq!(served, committed);

    // The documented statuses of POST /v1/sms are the ones it answers.
    let documented = |status: u16| {
        served["paths"]["/v1/sms"]["post"]["responses"]
            .get(status.to_string())
            .is_some()
    };
    let sent = app
        .send(
            Some("openapi-1"),
            &json!({ "to": "010-1111-2222", "template": "Default", "args": ["hi"] }),
        )
        .await;
    let repeated = app
        .send(
            Some("openapi-1"),
            &json!({ "to": "010-1111-2222", "template": "Default", "args": ["hi"] }),
        )
        .await;
    let anonymous = app
        .send_as(
            None,
            None,
            &json!({ "to": "x", "template": "x", "args": [] }),
        )
        .await;
    let unknown = app
        .send_as(
            Some(SERVICE_TOKEN),
            None,
            &json!({ "to": "010-1111-2222", "template": "Nope", "args": [] }),
        )
        .await;
    for (answer, expected) in [
        (sent, 201),
        (repeated, 200),
        (anonymous, 401),
        (unknown, 400),
    ] {
        assert_eq!(answer.status, expected, "{}", answer.body);
        assert!(documented(expected), "{expected} is not documented");
    }
}
