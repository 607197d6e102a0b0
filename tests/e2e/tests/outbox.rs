//! The outbox tells the truth: when the SMS provider refuses a notification,
//! core does not record it as sent; it tries again (a refusal sent nothing,
//! so under a new idempotency key) a bounded number of times, then keeps it
//! as FAILED with the provider's answer. The provider is a local stand-in for
//! Naver Cloud SENS that refuses every message and counts what it received.

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use e2e::Platform;
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// SENS refusing everything (HTTP 400, its own error body); counts the
/// signed requests it received.
async fn refusing_sens(received: Arc<AtomicUsize>) -> String {
    let server = HttpServer::new(move || {
        let received = received.clone();
        App::new().default_service(web::to(move |req: HttpRequest| {
            let signed = req.headers().contains_key("x-ncp-apigw-signature-v2");
            if signed {
                received.fetch_add(1, Ordering::SeqCst);
            }
            async move {
                HttpResponse::BadRequest()
                    .json(json!({ "statusCode": "400", "statusName": "fail" }))
            }
        }))
    })
    .workers(1)
    .bind(("127.0.0.1", 0))
    .expect("bind");
    let port = server.addrs()[0].port();
    tokio::spawn(server.run());
    format!("http://127.0.0.1:{port}")
}

#[derive(diesel::QueryableByName, Debug)]
struct Row {
    #[diesel(sql_type = diesel::sql_types::Text)]
    status: String,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    attempts: i32,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    last_error: Option<String>,
}

async fn outbox(platform: &Platform) -> Vec<Row> {
    use diesel_async::RunQueryDsl;
    let mut conn = platform.db.pool().get().await.expect("conn");
    diesel::sql_query("SELECT status, attempts, last_error FROM notification_outbox ORDER BY id")
        .load(&mut conn)
        .await
        .expect("outbox")
}

#[tokio::test]
async fn a_refused_notification_is_retried_then_kept_as_failed_never_sent() {
    let received = Arc::new(AtomicUsize::new(0));
    let sens = refusing_sens(received.clone()).await;
    let platform = Platform::start_with(&[
        ("SMS_PROVIDER", "sens"),
        ("SENS_HOST", sens.as_str()),
        ("SENS_SERVICE_ID", "ncp:sms:kr:0000:marketbill"),
        ("SENS_ACCESS_KEY_ID", "e2e-access-key"),
        ("SENS_SECRET_KEY", "e2e-secret"),
        ("SENS_SENDER", "0212345678"),
        ("OUTBOX_POLL_MS", "100"),
        ("OUTBOX_MAX_ATTEMPTS", "2"),
        ("ORDER_BATCH_AT", "off"),
    ])
    .await;

    let (_, owner_id) = platform
        .account("그린도매", "01011110001", "WHOLESALER_EMPR")
        .await;
    let (retailer, _) = platform
        .account("행복꽃집", "01022220001", "RETAILER")
        .await;
    // The application notifies the wholesaler (ApplyBizConnection).
    platform
        .gql(
            Some(&retailer),
            "mutation($w: Int!) { applyBizConnection(wholesalerId: $w) { id } }",
            json!({ "w": owner_id }),
        )
        .await;

    // First attempt refused: pending again, never SENT.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let rows = outbox(&platform).await;
        assert_ne!(rows[0].status, "SENT", "{rows:?}");
        if rows[0].attempts >= 1 {
            break;
        }
        assert!(Instant::now() < deadline, "no attempt: {rows:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The second (after a 2 s backoff) is the last: the row is FAILED and says why.
    let deadline = Instant::now() + Duration::from_secs(15);
    let rows = loop {
        let rows = outbox(&platform).await;
        assert_ne!(rows[0].status, "SENT", "{rows:?}");
        if rows[0].status == "FAILED" {
            break rows;
        }
        assert!(Instant::now() < deadline, "not given up: {rows:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(rows[0].attempts, 2, "{rows:?}");
    assert!(
        rows[0]
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("provider refused")),
        "{rows:?}"
    );
    // Both attempts reached the provider: the retry was not answered from the
    // first refusal's record.
    assert_eq!(received.load(Ordering::SeqCst), 2);
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        received.load(Ordering::SeqCst),
        2,
        "given up means no more attempts"
    );
}
