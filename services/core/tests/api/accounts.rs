//! Accounts over real HTTP against a fresh PostgreSQL database: sign-up and
//! sign-in, token rotation, trading-partner links with their queued SMS, the
//! original's 401 body, and races that must create exactly one row.

use db::testing::TestDb;
use serde_json::{Value, json};

struct Core {
    url: String,
    http: reqwest::Client,
    db: TestDb,
}

async fn start() -> Core {
    let db = TestDb::new().await;
    let keys = platform::auth::generate_keys().expect("keys");
    let env = platform::config::Env::from_pairs([
        ("DATABASE_URL", db.url()),
        ("CORE_PORT", "0"),
        ("HTTP_WORKERS", "1"),
        ("JWT_PUBLIC_KEY", keys.public_key.as_str()),
        ("JWT_SIGNING_KEY", keys.signing_key.as_str()),
        ("SERVICE_TOKEN", "test-service-token"),
        // Not what these tests are about (see abuse_limits.rs).
        ("SIGN_UP_LIMIT_PER_IP", "1000"),
        ("SIGN_IN_LIMIT_PER_IP", "1000"),
    ]);
    let running = core_service::Application::from_env(&env)
        .await
        .expect("core starts");
    let url = format!("http://127.0.0.1:{}/graphql", running.port);
    actix_web::rt::spawn(running.server);
    Core {
        url,
        http: reqwest::Client::new(),
        db,
    }
}

impl Core {
    async fn gql(&self, token: Option<&str>, query: &str, variables: Value) -> (u16, Value) {
        let mut request = self
            .http
            .post(&self.url)
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        (status, response.json().await.expect("json body"))
    }

    async fn sign_up(&self, name: &str, phone: &str, role: &str) -> Value {
        let (_, body) = self
            .gql(
                None,
                "mutation($i: SignUpInput) { signUp(input: $i) { accessToken refreshToken } }",
                json!({ "i": { "name": name, "phoneNo": phone, "password": "test123@@", "role": role } }),
            )
            .await;
        body
    }

    async fn token(&self, name: &str, phone: &str, role: &str) -> (String, String) {
        let body = self.sign_up(name, phone, role).await;
        let tokens = &body["data"]["signUp"];
        assert!(tokens.is_object(), "sign-up failed: {body}");
        (
            tokens["accessToken"].as_str().expect("access").to_owned(),
            tokens["refreshToken"].as_str().expect("refresh").to_owned(),
        )
    }

    async fn outbox(&self) -> Vec<db::outbox::OutboxRow> {
        let mut conn = self.db.pool().get().await.expect("conn");
        db::outbox::all(&mut conn).await.expect("outbox")
    }
}

fn error_code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("expected an error: {body}"))
}

const ME: &str = "{ me { id name belongsTo userCredential { role phoneNo } \
    connectedEmployer { name } pendingEmployer { name } } }";

#[actix_web::test]
async fn sign_up_sign_in_and_employee_joins_its_employer_once_approved() {
    let core = start().await;
    let (owner, _) = core
        .token("그린도매", "010-1111-2222", "WHOLESALER_EMPR")
        .await;
    let (employee, _) = core
        .token("그린도매", "01033334444", "WHOLESALER_EMPE")
        .await;

    let (_, me) = core.gql(Some(&employee), ME, json!({})).await;
    assert_eq!(me["data"]["me"]["belongsTo"], "양재");
    assert_eq!(
        me["data"]["me"]["userCredential"]["role"],
        "WHOLESALER_EMPE"
    );
    assert_eq!(me["data"]["me"]["userCredential"]["phoneNo"], "01033334444");
    // Asked to join; the owner has not answered.
    assert_eq!(me["data"]["me"]["connectedEmployer"], Value::Null, "{me}");
    assert_eq!(me["data"]["me"]["pendingEmployer"]["name"], "그린도매");
    let employee_id = me["data"]["me"]["id"].as_i64().expect("id");
    let (_, approved) = core
        .gql(
            Some(&owner),
            "mutation($e: Int!) { approveEmployee(employeeId: $e) { id } }",
            json!({ "e": employee_id }),
        )
        .await;
    assert_eq!(
        approved["data"]["approveEmployee"]["id"], employee_id,
        "{approved}"
    );
    let (_, me) = core.gql(Some(&employee), ME, json!({})).await;
    assert_eq!(me["data"]["me"]["connectedEmployer"]["name"], "그린도매");
    assert_eq!(me["data"]["me"]["pendingEmployer"], Value::Null);

    let dup_phone = core.sign_up("다른꽃집", "01011112222", "RETAILER").await;
    assert_eq!(error_code(&dup_phone), "PHONE_NO_DUPLICATED");
    assert_eq!(dup_phone["errors"][0]["extensions"]["errorCode"], "E108");
    assert_eq!(
        dup_phone["errors"][0]["extensions"]["errorType"],
        "INTERNAL"
    );
    assert_eq!(
        error_code(&core.sign_up("그린도매", "01055556666", "RETAILER").await),
        "USER_NAME_DUPLICATED"
    );
    assert_eq!(
        error_code(
            &core
                .sign_up("없는도매", "01055556666", "WHOLESALER_EMPE")
                .await
        ),
        "EMPLOYER_SIGNUP_NEEDED"
    );
    assert_eq!(
        error_code(&core.sign_up("관리자", "01055556666", "ADMIN").await),
        "INVALID_ROLE"
    );
    assert_eq!(
        error_code(&core.sign_up("  ", "01055556666", "RETAILER").await),
        "INVALID_DATA"
    );
    assert_eq!(
        error_code(&core.sign_up("꽃집", "02-123-4567", "RETAILER").await),
        "INVALID_FORMAT"
    );

    let sign_in = "mutation($i: SignInInput) { signIn(input: $i) { accessToken } }";
    let (_, ok) = core
        .gql(
            None,
            sign_in,
            json!({ "i": { "phoneNo": "01011112222", "password": "test123@@" } }),
        )
        .await;
    assert!(ok["data"]["signIn"]["accessToken"].is_string(), "{ok}");
    let (_, bad) = core
        .gql(
            None,
            sign_in,
            json!({ "i": { "phoneNo": "01011112222", "password": "wrong1@@x" } }),
        )
        .await;
    assert_eq!(error_code(&bad), "NO_USER");
}

#[actix_web::test]
async fn repeated_failed_sign_ins_lock_the_number() {
    let core = start().await;
    core.token("꽃집", "01012345678", "RETAILER").await;
    let sign_in = "mutation($i: SignInInput) { signIn(input: $i) { accessToken } }";
    for _ in 0..5 {
        let (_, body) = core
            .gql(
                None,
                sign_in,
                json!({ "i": { "phoneNo": "01012345678", "password": "nope1@@x" } }),
            )
            .await;
        assert_eq!(error_code(&body), "NO_USER");
    }
    let (_, locked) = core
        .gql(
            None,
            sign_in,
            json!({ "i": { "phoneNo": "01012345678", "password": "test123@@" } }),
        )
        .await;
    assert_eq!(error_code(&locked), "TOO_MANY_ATTEMPTS");
}

#[actix_web::test]
async fn tokens_rotate_and_bad_tokens_get_the_original_401() {
    let core = start().await;
    let (access, refresh) = core.token("꽃집", "01012345678", "RETAILER").await;

    let (status, body) = core.gql(Some("not-a-jwt"), ME, json!({})).await;
    assert_eq!(status, 401);
    assert_eq!(
        body,
        json!({ "status": "401", "error": "UNAUTHORIZED", "message": "INVALID_TOKEN" })
    );

    // A refresh token is not an access token.
    let (_, body) = core.gql(Some(&refresh), ME, json!({})).await;
    assert_eq!(error_code(&body), "TOKEN_NEEDED");

    let reissue = "mutation { reissueToken { accessToken refreshToken } }";
    let (_, rotated) = core.gql(Some(&refresh), reissue, json!({})).await;
    let new_refresh = rotated["data"]["reissueToken"]["refreshToken"]
        .as_str()
        .expect("rotated")
        .to_owned();
    assert_ne!(new_refresh, refresh);
    let (_, me) = core.gql(Some(&access), ME, json!({})).await;
    assert!(
        me["data"]["me"].is_object(),
        "rotation keeps the session: {me}"
    );
    let (_, replay) = core.gql(Some(&refresh), reissue, json!({})).await;
    assert_eq!(
        error_code(&replay),
        "UNAUTHENTICATED",
        "an old refresh token is dead after rotation"
    );
}

#[actix_web::test]
async fn applications_are_confirmed_by_the_owners_company_only_and_queue_one_sms_each() {
    let core = start().await;
    let (owner, _) = core
        .token("그린도매", "01011112222", "WHOLESALER_EMPR")
        .await;
    let (employee, _) = core
        .token("그린도매", "01033334444", "WHOLESALER_EMPE")
        .await;
    let (retailer, _) = core.token("꽃집A", "01055556666", "RETAILER").await;
    let (other_owner_token, _) = core
        .token("다른도매", "01077778888", "WHOLESALER_EMPR")
        .await;

    let (_, me) = core.gql(Some(&owner), "{ me { id } }", json!({})).await;
    let owner_id = me["data"]["me"]["id"].as_i64().expect("id");
    let (_, me) = core.gql(Some(&employee), "{ me { id } }", json!({})).await;
    let employee_id = me["data"]["me"]["id"].as_i64().expect("id");
    let (_, approved) = core
        .gql(
            Some(&owner),
            "mutation($e: Int!) { approveEmployee(employeeId: $e) { id } }",
            json!({ "e": employee_id }),
        )
        .await;
    assert!(
        approved["data"]["approveEmployee"].is_object(),
        "{approved}"
    );

    let apply = "mutation($w: Int!) { applyBizConnection(wholesalerId: $w) { id applyStatus wholesaler { name } } }";
    let (_, applied) = core
        .gql(Some(&retailer), apply, json!({ "w": owner_id }))
        .await;
    assert_eq!(
        applied["data"]["applyBizConnection"]["applyStatus"], "APPLYING",
        "{applied}"
    );
    let conn_id = applied["data"]["applyBizConnection"]["id"]
        .as_i64()
        .expect("id");
    assert_eq!(
        error_code(
            &core
                .gql(Some(&retailer), apply, json!({ "w": owner_id }))
                .await
                .1
        ),
        "BIZ_CONNECTION_DUPLICATED"
    );
    assert_eq!(
        error_code(
            &core
                .gql(Some(&retailer), apply, json!({ "w": employee_id }))
                .await
                .1
        ),
        "INVALID_DATA"
    );
    assert_eq!(
        error_code(
            &core
                .gql(Some(&owner), apply, json!({ "w": owner_id }))
                .await
                .1
        ),
        "PERMISSION_DENIED"
    );

    let update = "mutation($c: Int!, $s: ApplyStatus) { updateBizConnection(bizConnId: $c, status: $s) { applyStatus } }";
    let (_, foreign) = core
        .gql(
            Some(&other_owner_token),
            update,
            json!({ "c": conn_id, "s": "CONFIRMED" }),
        )
        .await;
    assert_eq!(
        error_code(&foreign),
        "NO_BIZ_CONNECTION",
        "another wholesaler cannot touch it"
    );
    let (_, by_retailer) = core
        .gql(
            Some(&retailer),
            update,
            json!({ "c": conn_id, "s": "CONFIRMED" }),
        )
        .await;
    assert_eq!(error_code(&by_retailer), "PERMISSION_DENIED");
    let (_, confirmed) = core
        .gql(
            Some(&employee),
            update,
            json!({ "c": conn_id, "s": "CONFIRMED" }),
        )
        .await;
    assert_eq!(
        confirmed["data"]["updateBizConnection"]["applyStatus"], "CONFIRMED",
        "{confirmed}"
    );

    let outbox = core.outbox().await;
    let sent: Vec<(&str, &str)> = outbox
        .iter()
        .map(|o| (o.template.as_str(), o.recipient.as_str()))
        .collect();
    assert_eq!(
        sent,
        vec![
            ("ApplyBizConnection", "01011112222"),
            ("ConfirmBizConnection", "01055556666")
        ]
    );
    assert_eq!(outbox[0].args[0], "꽃집A");
    assert_eq!(outbox[1].args[0], "그린도매");
    assert!(
        outbox[1].args[2]
            .as_str()
            .expect("url")
            .starts_with("https://marketbill.co.kr/retail/signin")
    );
}

#[actix_web::test]
async fn strangers_see_masked_phones_and_anonymous_callers_see_nobody() {
    let core = start().await;
    let (retailer, _) = core.token("꽃집A", "01055556666", "RETAILER").await;
    core.token("그린도매", "01011112222", "WHOLESALER_EMPR")
        .await;
    let list = "{ users { name userCredential { phoneNo } businessInfo { id } } }";
    let (_, anonymous) = core.gql(None, list, json!({})).await;
    assert_eq!(error_code(&anonymous), "TOKEN_NEEDED");
    let (_, seen) = core.gql(Some(&retailer), list, json!({})).await;
    let users = seen["data"]["users"].as_array().expect("users");
    let wholesaler = users
        .iter()
        .find(|u| u["name"] == "그린도매")
        .expect("listed");
    assert_eq!(wholesaler["userCredential"]["phoneNo"], "*******2222");
    let me = users.iter().find(|u| u["name"] == "꽃집A").expect("listed");
    assert_eq!(me["userCredential"]["phoneNo"], "01055556666");
    let (_, by_phone) = core
        .gql(
            Some(&retailer),
            "{ users(filter: {phoneNo: \"01011112222\"}) { id } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&by_phone), "PERMISSION_DENIED");
}

#[actix_web::test]
async fn concurrent_sign_ups_with_one_phone_create_one_account() {
    let core = start().await;
    let attempts =
        (0..4).map(|i| core.sign_up(["가", "나", "다", "라"][i], "01099998888", "RETAILER"));
    let results = futures_util::future::join_all(attempts).await;
    let created = results
        .iter()
        .filter(|r| r["data"]["signUp"].is_object())
        .count();
    assert_eq!(created, 1, "{results:?}");
    for failed in results.iter().filter(|r| !r["data"]["signUp"].is_object()) {
        assert_eq!(error_code(failed), "PHONE_NO_DUPLICATED");
    }
}

#[actix_web::test]
async fn concurrent_applications_for_one_pair_create_one_live_application() {
    let core = start().await;
    let (owner, _) = core
        .token("그린도매", "01011112222", "WHOLESALER_EMPR")
        .await;
    let (retailer, _) = core.token("꽃집A", "01055556666", "RETAILER").await;
    let (_, me) = core.gql(Some(&owner), "{ me { id } }", json!({})).await;
    let owner_id = me["data"]["me"]["id"].as_i64().expect("id");
    let apply = "mutation($w: Int!) { applyBizConnection(wholesalerId: $w) { id } }";
    let attempts = (0..4).map(|_| core.gql(Some(&retailer), apply, json!({ "w": owner_id })));
    let results = futures_util::future::join_all(attempts).await;
    let created = results
        .iter()
        .filter(|(_, r)| r["data"]["applyBizConnection"].is_object())
        .count();
    assert_eq!(created, 1, "{results:?}");
    for (_, failed) in results
        .iter()
        .filter(|(_, r)| !r["data"]["applyBizConnection"].is_object())
    {
        assert_eq!(error_code(failed), "BIZ_CONNECTION_DUPLICATED");
    }
    assert_eq!(
        core.outbox().await.len(),
        1,
        "only the application that was saved queues an SMS"
    );
}
