//! `openapi.json` is the OpenAPI document the running service serves at
//! `GET /openapi.json`, kept current: a change to a handler's annotation or a
//! request/response type that is not committed fails here.

#[test]
fn committed_openapi_matches_the_code() {
    let generated = messaging_service::openapi::json();
    platform::openapi::check_snapshot(env!("CARGO_MANIFEST_DIR"), "messaging-service", generated)
        .unwrap_or_else(|stale| panic!("{stale}"));
    let doc: serde_json::Value = serde_json::from_str(generated).expect("JSON");
    assert_eq!(doc["openapi"], "3.1.0");
}
