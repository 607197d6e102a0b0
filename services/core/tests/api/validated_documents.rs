//! Core keeps each document that validated (`graphql::validated`) and runs it
//! again without parsing it: kept or not, a request answers for its own
//! variables and its own caller, and a document that fails is refused every
//! time.

use crate::support;
use crate::support::{data, error_code};
use core_service::graphql::validated::KEPT_MAX;
use serde_json::json;

const COUNT: &str = "query($f: FlowerFilterInput) { flowers(filter: $f, pagination: { size: 50 }) { resultCount } }";

#[actix_web::test]
async fn a_kept_document_answers_each_requests_variables_and_caller() {
    let core = support::start().await;
    core.flowers("장미", &["레드나오미", "핑크하트"], "2026-11-20")
        .await;
    let count = |keyword: &str| json!({ "f": { "keyword": keyword } });

    // One text, kept after its first run, answered per request's variables.
    for (keyword, matches) in [
        ("레드", 1),
        ("핑크", 1),
        ("장미", 2),
        ("없음", 0),
        ("레드", 1),
    ] {
        let body = core.gql(None, COUNT, count(keyword)).await;
        assert_eq!(data(&body)["flowers"]["resultCount"], matches, "{keyword}");
    }
    // Its variables are still checked on every run.
    let wrong = core
        .gql(None, COUNT, json!({ "f": { "keyword": 5 } }))
        .await;
    assert!(wrong["errors"][0]["message"].is_string(), "{wrong}");
    assert!(wrong["data"].is_null(), "{wrong}");

    // Who asks is checked per request, not per document.
    let sheets = "{ orderSheets { id } }";
    let (florist, _) = core.account("꽃집", "01012345678", "RETAILER").await;
    for _ in 0..2 {
        let anonymous = core.gql(None, sheets, json!({})).await;
        assert_eq!(error_code(&anonymous), "TOKEN_NEEDED");
        let signed_in = core.gql(Some(&florist), sheets, json!({})).await;
        assert_eq!(data(&signed_in)["orderSheets"], json!([]));
    }

    // A document that fails validation is refused again, never kept.
    for _ in 0..2 {
        let invalid = core
            .gql(None, "{ flowers { noSuchField } }", json!({}))
            .await;
        assert!(
            invalid["errors"][0]["message"]
                .as_str()
                .is_some_and(|m| m.contains("noSuchField")),
            "{invalid}"
        );
    }
}

#[actix_web::test]
async fn past_the_bound_documents_are_validated_per_request_and_still_answer() {
    let core = support::start().await;
    core.flowers("국화", &["백선", "신마"], "2026-11-24").await;
    // More distinct texts than are kept: every one answers, kept or not,
    // and each a second time.
    for round in 0..2 {
        for n in 0..KEPT_MAX + 8 {
            let query =
                format!("{{ count{n}: flowers(pagination: {{ size: 50 }}) {{ resultCount }} }}");
            let body = core.gql(None, &query, json!({})).await;
            assert_eq!(
                data(&body)[format!("count{n}")]["resultCount"],
                2,
                "document {n}, round {round}"
            );
        }
    }
}
