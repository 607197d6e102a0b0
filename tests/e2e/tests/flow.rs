//! A florist's day across the four real services: the scheduler loads the
//! auction feed (from a local stand-in for the aT API), core shows the
//! catalogue, partners connect (SMS through messaging, also across a
//! messaging outage), the florist orders, the wholesaler prices and issues the
//! statement (PDF by the receipt service), and both sides can fetch it.

use diesel_async::RunQueryDsl;
use e2e::{Platform, Service};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const TRIGGER: &str = "e2e-trigger-token";
const AT_KEY: &str = "e2e-at-key";

async fn sms_count(platform: &Platform, template: &str) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = platform.db.pool().get().await.expect("conn");
    let row: Count = diesel::sql_query(
        "SELECT count(*) AS n FROM send_sms_logs WHERE template = $1 AND status = 'SUCCESS'",
    )
    .bind::<diesel::sql_types::Text, _>(template)
    .get_result(&mut conn)
    .await
    .expect("count");
    row.n
}

/// Waits until `template` was sent `expected` times (the outbox delivers
/// asynchronously), then checks it stays at that number.
async fn expect_sms(platform: &Platform, template: &str, expected: i64) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while sms_count(platform, template).await < expected {
        assert!(
            Instant::now() < deadline,
            "{template} SMS not delivered in time"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(
        sms_count(platform, template).await,
        expected,
        "{template} sent more than once"
    );
}

#[tokio::test]
async fn a_florist_orders_and_receives_a_statement() {
    let today = domain::time::business_day(chrono::Utc::now()).to_string();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let at_url = e2e::auction::fake_at(today.clone(), Duration::ZERO, seen.clone()).await;
    let pages = e2e::browser::Pages::serve().await;
    let mut platform = Platform::start_with(&[
        ("CORS_ALLOWED_ORIGINS", pages.allowed_origin().as_str()),
        ("AUCTION_API_URL", at_url.as_str()),
        ("AUCTION_API_KEY", AT_KEY),
        ("SCHEDULER_TRIGGER_TOKEN", TRIGGER),
        ("OUTBOX_POLL_MS", "200"),
        ("ORDER_BATCH_AT", "off"),
    ])
    .await;

    // 1. The scheduler pulls today's auction into the catalogue.
    let sync = platform.trigger_sync(0, TRIGGER, &today).await;
    assert!(
        sync.status().is_success(),
        "sync: {}",
        sync.text().await.unwrap_or_default()
    );
    let query = seen
        .lock()
        .expect("lock")
        .as_slice()
        .first()
        .cloned()
        .expect("aT was called");
    assert!(
        query.contains(&format!("serviceKey={AT_KEY}"))
            && query.contains(&format!("baseDate={today}")),
        "{query}"
    );

    let flowers = platform
        .gql(
            None,
            "query($d: LocalDate!) { flowers(filter: { dateRange: { fromDate: $d, toDate: $d }, keyword: \"장미\" }) { resultCount items { id name } } }",
            json!({ "d": today }),
        )
        .await;
    assert_eq!(flowers["flowers"]["resultCount"], 2, "{flowers}");
    let flower_id = flowers["flowers"]["items"][0]["id"]
        .as_i64()
        .expect("flower");

    // 2. Partners connect; the approval SMS survives a messaging outage.
    let (owner, owner_id) = platform
        .account("그린도매", "01011110001", "WHOLESALER_EMPR")
        .await;
    let (retailer, _) = platform
        .account("행복꽃집", "01022220001", "RETAILER")
        .await;
    let (other_retailer, _) = platform
        .account("다른꽃집", "01022220002", "RETAILER")
        .await;
    let applied = platform
        .gql(
            Some(&retailer),
            "mutation($w: Int!) { applyBizConnection(wholesalerId: $w) { id } }",
            json!({ "w": owner_id }),
        )
        .await;
    expect_sms(&platform, "ApplyBizConnection", 1).await;

    platform.stop(Service::Messaging);
    platform
        .gql(
            Some(&owner),
            "mutation($c: Int!) { updateBizConnection(bizConnId: $c, status: CONFIRMED) { applyStatus } }",
            json!({ "c": applied["applyBizConnection"]["id"] }),
        )
        .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(sms_count(&platform, "ConfirmBizConnection").await, 0);
    platform.restart(Service::Messaging).await;
    expect_sms(&platform, "ConfirmBizConnection", 1).await;

    // 3. The florist orders; the wholesaler prices and issues the statement.
    let sheet = &platform
        .order(&retailer, flower_id, 10, owner_id, Some("문앞"))
        .await;
    platform
        .price_line(&owner, &sheet["orderItems"][0]["id"], 9000)
        .await;
    platform
        .business_info(&owner, owner_id, "http://127.0.0.1:9/stamp.png")
        .await;
    let issued = platform
        .gql(
            Some(&owner),
            "mutation($s: Int!) { issueOrderSheetReceipt(orderSheetId: $s) { id fileName filePath fileFormat } }",
            json!({ "s": sheet["id"] }),
        )
        .await;
    let receipt = &issued["issueOrderSheetReceipt"];
    assert_eq!(receipt["fileFormat"], ".pdf");
    expect_sms(&platform, "IssueOrderSheetReceipt", 1).await;
    let shown = platform
        .gql(
            Some(&retailer),
            "query($s: Int!) { orderSheet(orderSheetId: $s) { hasReceipt recentReceipt { id } } }",
            json!({ "s": sheet["id"] }),
        )
        .await;
    assert_eq!(shown["orderSheet"]["hasReceipt"], true);
    assert_eq!(shown["orderSheet"]["recentReceipt"]["id"], receipt["id"]);

    // 4. The florist downloads the PDF from the receipt service; strangers cannot.
    let file = format!(
        "{}/v1/receipts/{}/file",
        platform.url(Service::Receipt),
        receipt["id"]
    );
    let pdf = platform
        .http
        .get(&file)
        .bearer_auth(&retailer)
        .send()
        .await
        .expect("file");
    assert_eq!(pdf.status(), 200);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    assert!(pdf.bytes().await.expect("bytes").starts_with(b"%PDF"));
    let stranger = platform
        .http
        .get(&file)
        .bearer_auth(&other_retailer)
        .send()
        .await
        .expect("file");
    assert!(
        matches!(stranger.status().as_u16(), 403 | 404),
        "{}",
        stranger.status()
    );

    // 5. The wholesaler's own auction purchases, uploaded to the scheduler,
    //    appear in core for that wholesaler only.
    let day = domain::time::yyyymmdd(domain::time::business_day(chrono::Utc::now()));
    let upload = platform
        .http
        .post(format!("{}/v1/auction-results", platform.url(Service::Scheduler)))
        .bearer_auth(&owner)
        .json(&json!([{ "flowerName": "레드나오미", "flowerTypeName": "장미", "flowerGrade": "특1", "boxCount": 2,
                        "flowerCount": 20, "price": 8000, "totalPrice": 160000, "serialCode": "A-001",
                        "shipper": "하늘농원", "auctionDate": day }]))
        .send()
        .await
        .expect("upload");
    assert!(
        upload.status().is_success(),
        "upload: {}",
        upload.text().await.unwrap_or_default()
    );
    let results = platform
        .gql(
            Some(&owner),
            "query($w: Int!) { auctionResult(filter: { wholesalerId: $w }) { resultCount items { serialCode images } } }",
            json!({ "w": owner_id }),
        )
        .await;
    assert_eq!(results["auctionResult"]["resultCount"], 1);
    assert_eq!(results["auctionResult"]["items"][0]["serialCode"], "A-001");

    // 6. The frontend's way in: a page on another origin, in a real browser.
    let seen = e2e::browser::run(
        "cross-origin.mjs",
        &[
            ("PAGE_URL", pages.allowed_origin()),
            ("BLOCKED_PAGE_URL", pages.stranger_origin()),
            ("CORE_URL", platform.url(Service::Core)),
            ("RECEIPT_URL", platform.url(Service::Receipt)),
            ("MESSAGING_URL", platform.url(Service::Messaging)),
            ("RETAILER_PHONE", "01022220001".into()),
            ("RETAILER_PASSWORD", e2e::graphql::PASSWORD.into()),
            ("RECEIPT_ID", receipt["id"].to_string()),
            ("NEW_PHONE", "01033330001".into()),
        ],
    )
    .await;
    check_browser(&seen["allowed"], receipt);
    assert_eq!(seen["stranger"]["blocked"], true, "{seen}");
    // The live order board: the allowed page's socket is acknowledged; the
    // other origin's never opens (core refuses its Origin with 403).
    assert_eq!(
        seen["allowed"]["live"],
        json!({ "acked": true, "protocol": "graphql-transport-ws" }),
        "{seen}"
    );
    assert_eq!(seen["stranger"]["live"]["opened"], false, "{seen}");
}

/// What the allowed page could read through CORS.
fn check_browser(seen: &Value, receipt: &Value) {
    assert_eq!(
        seen["signUp"],
        json!({ "status": 200, "gotToken": true }),
        "{seen}"
    );
    assert_eq!(seen["me"]["name"], "브라우저꽃집", "{seen}");
    assert!(
        seen["me"]["requestId"].is_string(),
        "x-request-id is exposed: {seen}"
    );
    assert_eq!(seen["receipt"]["status"], 200, "{seen}");
    assert_eq!(seen["receipt"]["body"]["id"], receipt["id"], "{seen}");
    assert_eq!(seen["file"]["status"], 200, "{seen}");
    assert_eq!(seen["file"]["contentType"], "application/pdf", "{seen}");
    assert_eq!(seen["file"]["magic"], "%PDF", "{seen}");
    assert!(
        seen["file"]["contentDisposition"]
            .as_str()
            .is_some_and(|d| d.contains(".pdf")),
        "Content-Disposition is exposed: {seen}"
    );
    assert!(
        seen["verification"]["status"]
            .as_u64()
            .is_some_and(|s| (200..300).contains(&s)),
        "{seen}"
    );
    assert_eq!(seen["unauthorized"]["status"], 401, "{seen}");
    assert_eq!(
        seen["unauthorized"]["body"]["error"], "UNAUTHORIZED",
        "{seen}"
    );
}
