//! Two of each service on one database, as a deployment past one machine runs
//! them: nothing is done twice or lost when instances compete. The batch runs
//! once, every notification is delivered once, limits are shared, a scheduler
//! trigger on both at once gives one run and one 409, a receipt issued with
//! one idempotency key through both is one receipt, and a session works on
//! either core whichever minted its tokens.

use e2e::{Platform, Service};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const TRIGGER: &str = "e2e-trigger-token";

async fn gql_at(platform: &Platform, core: usize, token: Option<&str>, query: &str) -> Value {
    let mut request = platform
        .http
        .post(format!("{}/graphql", platform.url_of(Service::Core, core)))
        .json(&json!({ "query": query }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request
        .send()
        .await
        .expect("core")
        .json()
        .await
        .expect("json")
}

async fn eventually(platform: &Platform, statement: &str, expected: i64) {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let n = platform.count(statement).await;
        if n == expected {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{statement}: {n}, expected {expected}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn two_of_each_do_nothing_twice_and_lose_nothing() {
    let today = domain::time::business_day(chrono::Utc::now()).to_string();
    let at_url = e2e::auction::fake_at(
        today.clone(),
        Duration::from_millis(1500),
        Arc::new(Mutex::new(Vec::new())),
    )
    .await;
    let platform = Platform::start_replicated(
        2,
        &[
            ("AUCTION_API_URL", at_url.as_str()),
            ("AUCTION_API_KEY", "e2e-at-key"),
            ("SCHEDULER_TRIGGER_TOKEN", TRIGGER),
            ("OUTBOX_POLL_MS", "100"),
            ("ORDER_BATCH_AT", "off"),
            ("SMS_VERIFICATIONS_PER_PHONE_PER_HOUR", "3"),
        ],
    )
    .await;

    // A session works on either core, whichever minted its tokens.
    let (owner, owner_id) = platform
        .account("그린도매", "01011110001", "WHOLESALER_EMPR")
        .await;
    let me = gql_at(&platform, 1, Some(&owner), "{ me { id } }").await;
    assert_eq!(me["data"]["me"]["id"], owner_id, "{me}");
    let signed_in = gql_at(
        &platform,
        1,
        None,
        "mutation { signIn(input: { phoneNo: \"01011110001\", password: \"test123@@\" }) { refreshToken } }",
    )
    .await;
    let refresh = signed_in["data"]["signIn"]["refreshToken"]
        .as_str()
        .expect("refresh token");
    let reissued = gql_at(
        &platform,
        0,
        Some(refresh),
        "mutation { reissueToken { accessToken } }",
    )
    .await;
    let access = reissued["data"]["reissueToken"]["accessToken"]
        .as_str()
        .unwrap_or_else(|| panic!("{reissued}"));
    let me = gql_at(&platform, 1, Some(access), "{ me { id } }").await;
    assert_eq!(me["data"]["me"]["id"], owner_id, "{me}");

    // Six florists link up: each application and confirmation is one SMS,
    // though both cores' outbox workers compete for them.
    let flower = platform.seed_flower().await;
    let mut florists = Vec::new();
    for i in 0..6 {
        let name = format!("꽃집{i}");
        let phone = format!("0102222{i:04}");
        florists.push(
            platform
                .linked_retailer(&owner, owner_id, &name, &phone)
                .await,
        );
    }
    for template in ["ApplyBizConnection", "ConfirmBizConnection"] {
        eventually(
            &platform,
            &format!("SELECT count(*) AS n FROM send_sms_logs WHERE template = '{template}'"),
            6,
        )
        .await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        platform
            .count("SELECT count(*) AS n FROM send_sms_logs WHERE template LIKE '%BizConnection'")
            .await,
        12,
        "delivered once each"
    );

    // The batch, asked of both cores at once, orders each cart once.
    for florist in &florists[..3] {
        platform.fill_cart(florist, flower, 3, owner_id, None).await;
    }
    let admin = platform.admin("01099990001").await;
    let batch = "mutation { orderBatchCartItems { success } }";
    let (a, b) = tokio::join!(
        gql_at(&platform, 0, Some(&admin), batch),
        gql_at(&platform, 1, Some(&admin), batch)
    );
    assert!(
        a.get("errors").is_none() || b.get("errors").is_none(),
        "{a} {b}"
    );
    assert_eq!(
        platform
            .count("SELECT count(*) AS n FROM order_sheets WHERE deleted_at IS NULL")
            .await,
        3
    );

    // One idempotency key through both receipt instances is one statement.
    platform
        .business_info(&owner, owner_id, "https://stamp.invalid/seal.png")
        .await;
    let sheet = platform
        .count("SELECT min(id) AS n FROM order_sheets WHERE deleted_at IS NULL")
        .await;
    let line = platform
        .count(&format!(
            "SELECT min(id) AS n FROM order_items WHERE order_sheet_id = {sheet}"
        ))
        .await;
    platform.price_line(&owner, &json!(line), 9000).await;
    let issue = |replica| {
        platform
            .http
            .post(format!(
                "{}/v1/order-sheets/{sheet}/receipts",
                platform.url_of(Service::Receipt, replica)
            ))
            .bearer_auth(&owner)
            .header("idempotency-key", "replicas-one-statement")
            .json(&json!({}))
            .send()
    };
    let (a, b) = tokio::join!(issue(0), issue(1));
    let (a, b) = (a.expect("receipt 0"), b.expect("receipt 1"));
    let statuses = (a.status(), b.status());
    let (a, b): (Value, Value) = (a.json().await.expect("json"), b.json().await.expect("json"));
    assert!(
        statuses.0.is_success() && statuses.1.is_success(),
        "{statuses:?} {a} {b}"
    );
    assert_eq!(a["id"], b["id"], "{a} {b}");
    assert_eq!(
        platform
            .count(&format!(
                "SELECT count(*) AS n FROM order_sheet_receipts WHERE order_sheet_id = {sheet}"
            ))
            .await,
        1
    );

    // A phone's verification limit (3 an hour here) counts across instances.
    let verify = |replica| {
        platform
            .http
            .post(format!(
                "{}/v1/verifications",
                platform.url_of(Service::Messaging, replica)
            ))
            .json(&json!({ "phoneNo": "01077770001" }))
            .send()
    };
    for replica in [0, 1, 0] {
        let answer = verify(replica).await.expect("verify");
        assert!(answer.status().is_success(), "{}", answer.status());
    }
    assert_eq!(verify(1).await.expect("verify").status(), 429);

    // A sync triggered on both schedulers at once runs once; the other is told so.
    let (a, b) = tokio::join!(
        platform.trigger_sync(0, TRIGGER, &today),
        platform.trigger_sync(1, TRIGGER, &today)
    );
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409]);
    assert_eq!(
        platform
            .count("SELECT count(*) AS n FROM flower_batch_process_logs WHERE status = 'SUCCESS'")
            .await,
        1
    );
}
