//! The HTTP boundary of `/graphql`, tried as an outsider would: which
//! methods and bodies run, how much one request may ask for, and what a page
//! on another origin may read.

use crate::support::{data, error_code, start, start_with};
use serde_json::{Value, json};

const SIGN_UP: &str = "mutation { signUp(input: { name: \"꽃집\", phoneNo: \"010-1234-5678\", \
    password: \"test123@@\", role: RETAILER }) { accessToken } }";

#[actix_web::test]
async fn get_runs_queries_and_refuses_mutations() {
    let c = start().await;
    let with =
        |params: &[(&str, &str)]| reqwest::Url::parse_with_params(&c.url, params).expect("url");
    let get = |query: &str| c.http.get(with(&[("query", query)])).send();

    let answer = get("{ __typename }").await.expect("get");
    assert_eq!(answer.status(), 200);
    let body: Value = answer.json().await.expect("json");
    assert_eq!(data(&body)["__typename"], "Query");

    // An <img src="…/graphql?query=mutation…"> on another site changes nothing.
    let refused = get(SIGN_UP).await.expect("get");
    assert_eq!(refused.status(), 405);
    assert_eq!(refused.headers()["allow"], "POST");
    let body: Value = refused.json().await.expect("json");
    assert_eq!(error_code(&body), "INVALID_DATA");
    assert_eq!(c.count("SELECT count(*) AS n FROM users").await, 0);

    // Malformed variables are the caller's mistake, not a crash.
    let bad = c
        .http
        .get(with(&[("query", "{ __typename }"), ("variables", "{nope")]))
        .send()
        .await
        .expect("get");
    assert_eq!(bad.status(), 400);

    // The same mutation over POST runs.
    data(&c.gql(None, SIGN_UP, json!({})).await);
    assert_eq!(c.count("SELECT count(*) AS n FROM users").await, 1);
}

#[actix_web::test]
async fn bodies_a_cross_site_form_can_send_are_refused() {
    let c = start().await;
    let body = json!({ "query": SIGN_UP }).to_string();
    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ] {
        let answer = c
            .http
            .post(&c.url)
            .header("content-type", content_type)
            .body(body.clone())
            .send()
            .await
            .expect("post");
        assert_eq!(answer.status(), 415, "{content_type}");
    }
    assert_eq!(c.count("SELECT count(*) AS n FROM users").await, 0);
}

#[actix_web::test]
async fn batches_are_bounded_and_share_one_budget() {
    let c = start().await;
    let one = json!({ "query": "{ __typename }" });
    let post = |batch: Value| c.http.post(&c.url).json(&batch).send();

    let answer = post(json!(vec![one.clone(); 10])).await.expect("post");
    assert_eq!(answer.status(), 200);
    let answers: Vec<Value> = answer.json().await.expect("json");
    assert_eq!(answers.len(), 10);

    for size in [0, 11] {
        let answer = post(json!(vec![one.clone(); size])).await.expect("post");
        assert_eq!(answer.status(), 400, "a batch of {size}");
    }

    // Each operation alone fits the budget (40 pages of 1,000 flowers, about
    // 120,000 values); two in one batch do not.
    let pages: Vec<String> = (0..40)
        .map(|i| format!("p{i}: flowers(pagination: {{ size: 1000 }}) {{ items {{ id name }} }}"))
        .collect();
    let heavy = json!({ "query": format!("{{ {} }}", pages.join(" ")) });
    let alone: Value = post(heavy.clone())
        .await
        .expect("post")
        .json()
        .await
        .expect("json");
    data(&alone);
    let answers: Vec<Value> = post(json!([heavy.clone(), heavy]))
        .await
        .expect("post")
        .json()
        .await
        .expect("json");
    data(&answers[0]);
    assert_eq!(error_code(&answers[1]), "INVALID_DATA", "{}", answers[1]);
}

/// `flowerType { flowers }` has no pagination: it is charged at its largest
/// answer, so nesting it multiplies and is refused before anything runs.
#[actix_web::test]
async fn lists_without_pagination_are_charged_and_nesting_them_is_refused() {
    let c = start().await;
    c.flowers("장미", &["레드", "화이트"], "2026-12-01").await;

    let nested = "{ flowers { items { flowerType { flowers { flowerType { flowers { \
        flowerType { flowers { name } } } } } } } } }";
    let refused = c.gql(None, nested, json!({})).await;
    assert_eq!(error_code(&refused), "INVALID_DATA", "{refused}");
    assert!(refused["data"].is_null(), "nothing ran: {refused}");

    // One level is an ordinary catalogue screen and runs.
    let one_level = "{ flowers { items { name flowerType { flowers { name } } biddingFlowers { biddingDate } } } }";
    let body = c.gql(None, one_level, json!({})).await;
    let items = data(&body)["flowers"]["items"].as_array().expect("items");
    assert_eq!(items.len(), 2);
    assert_eq!(
        items[0]["flowerType"]["flowers"].as_array().map(Vec::len),
        Some(2)
    );
}

/// A mutation's answer is charged like a query's, before the mutation runs.
#[actix_web::test]
async fn a_mutation_answer_that_asks_for_too_much_is_refused_before_it_runs() {
    let c = start().await;
    let (token, _) = c.account("꽃집", "010-2222-3333", "RETAILER").await;
    let mutation = "mutation { upsertWholesalerOnCartItems(wholesalerId: 1) { flower { \
        flowerType { flowers { flowerType { flowers { name } } } } } } }";
    let refused = c.gql(Some(&token), mutation, json!({})).await;
    assert_eq!(error_code(&refused), "INVALID_DATA", "{refused}");
    assert!(
        refused["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("too much at once")),
        "{refused}"
    );
}

/// The standard introspection query (graphql-js `getIntrospectionQuery()`,
/// sent by GraphiQL, Apollo and graphql-codegen) nests past the depth an
/// ordinary selection may reach; it runs, while that depth still holds.
#[actix_web::test]
async fn introspection_works_and_the_depth_limit_still_holds() {
    let c = start().await;
    let introspection = include_str!("fixtures/introspection-query.graphql");
    let body = c.gql(None, introspection, json!({})).await;
    let types = data(&body)["__schema"]["types"].as_array().expect("types");
    assert!(types.iter().any(|t| t["name"] == "OrderSheet"));

    // 16 levels of ordinary selections are refused before they run.
    let mut deep = String::from("name");
    for _ in 0..7 {
        deep = format!("flowerType {{ flowers {{ {deep} }} }}");
    }
    let deep = format!("{{ flowers(pagination: {{ size: 1 }}) {{ items {{ {deep} }} }} }}");
    let refused = c.gql(None, &deep, json!({})).await;
    assert_eq!(error_code(&refused), "INVALID_DATA", "{refused}");
    assert!(
        refused["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("nests deeper")),
        "{refused}"
    );
}

#[actix_web::test]
async fn pages_of_the_allowed_origins_may_read_answers_errors_included() {
    const APP: &str = "https://app.marketbill.example";
    let c = start_with(&[("CORS_ALLOWED_ORIGINS", APP)]).await;

    let preflight = c
        .http
        .request(reqwest::Method::OPTIONS, &c.url)
        .header("origin", APP)
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization, content-type",
        )
        .send()
        .await
        .expect("preflight");
    assert!(preflight.status().is_success(), "{}", preflight.status());
    let headers = preflight.headers();
    assert_eq!(headers["access-control-allow-origin"], APP);
    let allowed = headers["access-control-allow-headers"]
        .to_str()
        .unwrap_or_default()
        .to_ascii_lowercase();
    assert!(allowed.contains("authorization") && allowed.contains("content-type"));
    assert_eq!(headers["access-control-max-age"], "3600");

    // A 401 (expired or forged token) is readable, so the page can refresh.
    let unauthorized = c
        .http
        .post(&c.url)
        .header("origin", APP)
        .bearer_auth("not-a-token")
        .json(&json!({ "query": "{ me { id } }" }))
        .send()
        .await
        .expect("post");
    assert_eq!(unauthorized.status(), 401);
    assert_eq!(unauthorized.headers()["access-control-allow-origin"], APP);
    let exposed = unauthorized.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap_or_default()
        .to_ascii_lowercase();
    for header in ["x-request-id", "retry-after", "content-disposition"] {
        assert!(exposed.contains(header), "{header} in {exposed}");
    }

    // Another origin gets no permission to read (its request still runs
    // as any other caller's would, so same-origin tools keep working).
    let other = c
        .http
        .post(&c.url)
        .header("origin", "https://evil.example")
        .json(&json!({ "query": "{ __typename }" }))
        .send()
        .await
        .expect("post");
    assert!(other.headers().get("access-control-allow-origin").is_none());
}

#[actix_web::test]
async fn without_an_allow_list_no_other_origin_may_read() {
    let c = start().await;
    let answer = c
        .http
        .post(&c.url)
        .header("origin", "https://app.marketbill.example")
        .json(&json!({ "query": "{ __typename }" }))
        .send()
        .await
        .expect("post");
    assert_eq!(answer.status(), 200);
    assert!(
        answer
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
}

/// PostgreSQL stores no NUL in text: a name, memo or search term with one is
/// the caller's mistake, answered before anything runs (it used to be an
/// INTERNAL error after the password was hashed).
#[actix_web::test]
async fn text_with_nul_characters_is_a_clear_error() {
    let c = start().await;
    let sign_up = "mutation($i: SignUpInput) { signUp(input: $i) { accessToken } }";
    let input = json!({ "i": { "name": "꽃\u{0}집", "phoneNo": "010-1234-5678",
        "password": "test123@@", "role": "RETAILER" } });
    let answer = c
        .http
        .post(&c.url)
        .json(&json!({ "query": sign_up, "variables": input }))
        .send()
        .await
        .expect("post");
    assert_eq!(answer.status(), 400);
    let body: Value = answer.json().await.expect("json");
    assert_eq!(error_code(&body), "INVALID_DATA");
    assert_eq!(c.count("SELECT count(*) AS n FROM users").await, 0);

    let search = "{ flowers(filter: { keyword: \"장\\u0000미\" }) { resultCount } }";
    let body = c.gql(None, search, json!({})).await;
    assert_eq!(error_code(&body), "INVALID_DATA", "{body}");
}
