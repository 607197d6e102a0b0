//! `openapi.json` is the OpenAPI document the running service serves at
//! `GET /openapi.json`, kept current: a change to a handler's annotation or a
//! request/response type that is not committed fails here.

#[test]
fn committed_openapi_matches_the_code() {
    let generated = messaging_service::openapi::json();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi.json");
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, generated).expect("write openapi.json");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "services/messaging/openapi.json is stale: run `UPDATE_OPENAPI=1 cargo test -p messaging-service --test openapi` and commit it"
    );
    let doc: serde_json::Value = serde_json::from_str(generated).expect("JSON");
    assert_eq!(doc["openapi"], "3.1.0");
}
