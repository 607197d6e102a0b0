//! Metrics and traces across the four real services: after real traffic (an
//! auction sync, sign-ups, a named day view, an order, a statement, SMS
//! through the outbox, with messaging down for a while) each service's
//! `/metrics` shows the counters moved, with route patterns and bounded
//! labels; a proxied scrape is refused; and a `traceparent` sent to core is
//! continued by the receipt service core calls.

use e2e::{Platform, Service};
use platform::metrics::{self as m, sum};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const TRIGGER: &str = "e2e-trigger-token";
const AT_KEY: &str = "e2e-at-key";

/// The aT API stood in for: one page of three cut-flower rows for any day.
async fn fake_at(day: String) -> String {
    use actix_web::{App, HttpResponse, HttpServer, web};
    let server = HttpServer::new(move || {
        let day = day.clone();
        App::new().route(
            "/api/returnData.api",
            web::get().to(move || {
                let row = |pum: &str, good: &str, lv: &str| {
                    json!({ "saleDate": day, "flowerGubn": "절화", "pumName": pum, "goodName": good, "lvNm": lv,
                            "maxAmt": "12000", "minAmt": "8000", "avgAmt": "10000", "totAmt": "1000000", "totQty": "100" })
                };
                let body = json!({ "response": { "resultCd": "0", "resultMsg": "OK", "numOfRows": "3", "items": [
                    row("장미", "레드나오미", "특1"), row("장미", "비탈", "상1"), row("국화", "백선", "특1") ] } });
                async move { HttpResponse::Ok().json(body) }
            }),
        )
    })
    .workers(1)
    .bind(("127.0.0.1", 0))
    .expect("bind");
    let port = server.addrs()[0].port();
    tokio::spawn(server.run());
    format!("http://127.0.0.1:{port}/api/returnData.api")
}

async fn scrape(platform: &Platform, service: Service) -> String {
    let response = platform
        .http
        .get(format!("{}/metrics", platform.url(service)))
        .send()
        .await
        .expect("scrape");
    assert_eq!(response.status(), 200, "{service:?}");
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    response.text().await.expect("text")
}

/// Scrapes until `check` holds (the outbox and messaging work in the
/// background), or fails with the last text.
async fn scrape_until(
    platform: &Platform,
    service: Service,
    what: &str,
    check: impl Fn(&str) -> bool,
) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let text = scrape(platform, service).await;
        if check(&text) {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "{what}; {service:?} shows:\n{text}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Runs one operation with headers of our own; answers the whole body.
async fn graphql(
    platform: &Platform,
    token: Option<&str>,
    headers: &[(&str, &str)],
    body: Value,
) -> Value {
    let mut request = platform
        .http
        .post(format!("{}/graphql", platform.url(Service::Core)))
        .json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request
        .send()
        .await
        .expect("core")
        .json()
        .await
        .expect("json")
}

/// A log without its terminal colours.
fn plain(log: &str) -> String {
    let mut out = String::with_capacity(log.len());
    let mut chars = log.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // CSI: ESC [ parameters final-byte
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn day_view(code: &str, text: &str) -> f64 {
    sum(
        text,
        m::GRAPHQL_OPERATIONS,
        &[("operation", "DayView"), ("code", code)],
    )
}

#[tokio::test]
async fn every_service_counts_real_traffic_and_traces_cross_services() {
    let today = domain::time::business_day(chrono::Utc::now()).to_string();
    let at_url = fake_at(today.clone()).await;
    let mut platform = Platform::start_with(&[
        ("AUCTION_API_URL", at_url.as_str()),
        ("AUCTION_API_KEY", AT_KEY),
        ("SCHEDULER_TRIGGER_TOKEN", TRIGGER),
        ("OUTBOX_POLL_MS", "200"),
        ("ORDER_BATCH_AT", "off"),
    ])
    .await;
    let started = chrono::Utc::now().timestamp() as f64;

    // Nothing synced yet: the last success reads 0 (the alert's "never").
    let scheduler = scrape(&platform, Service::Scheduler).await;
    assert_eq!(
        sum(&scheduler, m::SCHEDULER_LAST_SUCCESS, &[]),
        0.0,
        "{scheduler}"
    );

    // 1. An auction sync: a successful run, 3 rows, and its time.
    let sync = platform.trigger_sync(0, TRIGGER, &today).await;
    assert!(sync.status().is_success());
    let scheduler = scrape(&platform, Service::Scheduler).await;
    let outcome = |o: &str| sum(&scheduler, m::SCHEDULER_RUNS, &[("outcome", o)]);
    assert_eq!(outcome("success"), 1.0, "{scheduler}");
    assert_eq!(outcome("failure"), 0.0, "{scheduler}");
    assert_eq!(sum(&scheduler, m::SCHEDULER_ROWS, &[]), 3.0, "{scheduler}");
    let run_timed = format!("{}_count", m::SCHEDULER_RUN_DURATION);
    assert_eq!(sum(&scheduler, &run_timed, &[("outcome", "success")]), 1.0);
    let last = sum(&scheduler, m::SCHEDULER_LAST_SUCCESS, &[]);
    let now = chrono::Utc::now().timestamp() as f64;
    assert!(
        started - 5.0 <= last && last <= now + 5.0,
        "{last} not within the test"
    );
    let route = |text: &str, route: &str, status: &str| {
        sum(
            text,
            m::HTTP_REQUESTS,
            &[("route", route), ("status", status)],
        )
    };
    assert_eq!(route(&scheduler, "/v1/jobs/auction-sync", "200"), 1.0);

    // 2. Partners connect; the application's SMS waits in the outbox while
    //    messaging is down, and the backlog shows it.
    let (owner, owner_id) = platform
        .account("그린도매", "01011110001", "WHOLESALER_EMPR")
        .await;
    let (retailer, _) = platform
        .account("행복꽃집", "01022220001", "RETAILER")
        .await;
    platform.stop(Service::Messaging);
    let applied = platform
        .gql(
            Some(&retailer),
            "mutation($w: Int!) { applyBizConnection(wholesalerId: $w) { id } }",
            json!({ "w": owner_id }),
        )
        .await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let core = scrape_until(&platform, Service::Core, "a pending notification", |t| {
        sum(t, m::OUTBOX_PENDING, &[]) >= 1.0
    })
    .await;
    assert!(sum(&core, m::OUTBOX_OLDEST_AGE, &[]) >= 1.0, "{core}");
    assert!(
        sum(&core, m::OUTBOX_DELIVERIES, &[("outcome", "postponed")]) >= 1.0,
        "{core}"
    );
    platform.restart(Service::Messaging).await;
    platform
        .gql(
            Some(&owner),
            "mutation($c: Int!) { updateBizConnection(bizConnId: $c, status: CONFIRMED) { applyStatus } }",
            json!({ "c": applied["applyBizConnection"]["id"] }),
        )
        .await;
    let core = scrape_until(&platform, Service::Core, "the outbox drained", |t| {
        sum(t, m::OUTBOX_PENDING, &[]) == 0.0
            && sum(t, m::OUTBOX_DELIVERIES, &[("outcome", "sent")]) >= 2.0
    })
    .await;
    assert_eq!(sum(&core, m::OUTBOX_OLDEST_AGE, &[]), 0.0, "{core}");
    let messaging = scrape_until(&platform, Service::Messaging, "two SMS sent", |t| {
        sum(t, m::SMS_SENDS, &[("outcome", "sent")]) >= 2.0
    })
    .await;
    for template in ["ApplyBizConnection", "ConfirmBizConnection"] {
        let sent = sum(
            &messaging,
            m::SMS_SENDS,
            &[("template", template), ("outcome", "sent")],
        );
        assert_eq!(sent, 1.0, "{template}: {messaging}");
    }
    assert_eq!(sum(&messaging, m::SMS_SENDS, &[("outcome", "failed")]), 0.0);
    assert_eq!(
        route(&messaging, "/v1/sms", "200") + route(&messaging, "/v1/sms", "201"),
        2.0
    );

    // 3. The day view, named as the wholesaler's client names it: refused
    //    anonymously (an error code), answered for the owner.
    let query = "query DayView($date: LocalDate!) { orderSheets(filter: { date: $date }) { id } }";
    let before = scrape(&platform, Service::Core).await;
    let refused = graphql(
        &platform,
        None,
        &[],
        json!({ "query": query, "operationName": "DayView", "variables": { "date": today } }),
    )
    .await;
    assert!(refused.get("errors").is_some(), "{refused}");
    let answered = graphql(
        &platform,
        Some(&owner),
        &[],
        json!({ "query": query, "operationName": "DayView", "variables": { "date": today } }),
    )
    .await;
    assert!(answered.get("errors").is_none(), "{answered}");
    let core = scrape(&platform, Service::Core).await;
    assert_eq!(
        day_view("OK", &core) - day_view("OK", &before),
        1.0,
        "{core}"
    );
    let errors = |text: &str| {
        m::samples(text, m::GRAPHQL_OPERATIONS)
            .into_iter()
            .filter(|(labels, _)| {
                labels
                    .iter()
                    .any(|(k, v)| k == "operation" && v == "DayView")
            })
            .filter(|(labels, _)| labels.iter().any(|(k, v)| k == "code" && v != "OK"))
            .map(|(labels, value)| {
                let code = labels
                    .iter()
                    .find(|(k, _)| k == "code")
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default();
                (code, value)
            })
            .collect::<Vec<_>>()
    };
    let after_errors = errors(&core);
    assert_eq!(
        after_errors.iter().map(|(_, v)| v).sum::<f64>()
            - errors(&before).iter().map(|(_, v)| v).sum::<f64>(),
        1.0,
        "{core}"
    );
    for (code, _) in &after_errors {
        assert!(
            domain::ErrorCode::from_name(code).is_some(),
            "{code} is no error code"
        );
    }
    let timed = format!("{}_count", m::GRAPHQL_DURATION);
    assert!(
        sum(&core, &timed, &[("operation", "DayView")]) >= 2.0,
        "{core}"
    );
    // Unnamed operations (the helper's) collapse into one label.
    assert!(sum(&core, m::GRAPHQL_OPERATIONS, &[("operation", "anonymous")]) >= 4.0);
    assert!(route(&core, "/graphql", "200") >= 6.0, "{core}");

    // 4. An order, priced, and a statement issued with a traceparent: core's
    //    call to the receipt service continues that trace.
    let flowers = platform
        .gql(
            None,
            "query($d: LocalDate!) { flowers(filter: { dateRange: { fromDate: $d, toDate: $d } }) { items { id } } }",
            json!({ "d": today }),
        )
        .await;
    let flower_id = flowers["flowers"]["items"][0]["id"]
        .as_i64()
        .expect("flower");
    let sheet = &platform
        .order(&retailer, flower_id, 10, owner_id, Some("문앞"))
        .await;
    platform
        .price_line(&owner, &sheet["orderItems"][0]["id"], 9000)
        .await;
    platform
        .business_info(&owner, owner_id, "http://127.0.0.1:9/stamp.png")
        .await;
    let trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
    let traceparent = format!("00-{trace_id}-00f067aa0ba902b7-01");
    let issued = graphql(
        &platform,
        Some(&owner),
        &[("traceparent", &traceparent), ("x-request-id", "metrics-e2e-issue")],
        json!({
            "query": "mutation IssueStatement($s: Int!) { issueOrderSheetReceipt(orderSheetId: $s) { id } }",
            "variables": { "s": sheet["id"] },
        }),
    )
    .await;
    assert!(issued.get("errors").is_none(), "{issued}");
    let receipt = scrape(&platform, Service::Receipt).await;
    let rendered = format!("{}_count", m::RECEIPT_RENDER);
    let stored = format!("{}_count", m::RECEIPT_STORE);
    assert_eq!(
        sum(&receipt, &rendered, &[("outcome", "ok")]),
        1.0,
        "{receipt}"
    );
    assert_eq!(
        sum(
            &receipt,
            &stored,
            &[("storage", "local"), ("outcome", "ok")]
        ),
        1.0,
        "{receipt}"
    );
    let issue_route = "/v1/order-sheets/{order_sheet_id}/receipts";
    assert!(
        route(&receipt, issue_route, "201") + route(&receipt, issue_route, "200") >= 1.0,
        "{receipt}"
    );
    let sheet_id = sheet["id"].as_i64().expect("sheet id").to_string();
    assert!(
        !receipt.contains(&format!("/v1/order-sheets/{sheet_id}/")),
        "a raw path became a label:\n{receipt}"
    );
    let core = scrape(&platform, Service::Core).await;
    assert_eq!(
        sum(
            &core,
            m::GRAPHQL_OPERATIONS,
            &[("operation", "IssueStatement"), ("code", "OK")]
        ),
        1.0,
        "{core}"
    );
    // The trace id is in the request span of core and of the receipt service
    // it called (next to the request id that followed the call).
    let core_log = plain(&platform.log(Service::Core));
    let receipt_log = plain(&platform.log(Service::Receipt));
    assert!(
        core_log.contains(&format!("trace_id={trace_id}")),
        "core did not keep the trace:\n{core_log}"
    );
    // No endpoint set: nothing is exported.
    assert!(
        !core_log.contains("exporting spans over OTLP"),
        "{core_log}"
    );
    let continued = receipt_log.lines().any(|line| {
        line.contains(&format!("trace_id={trace_id}")) && line.contains("metrics-e2e-issue")
    });
    assert!(
        continued,
        "receipt did not continue the trace:\n{receipt_log}"
    );

    // 5. Every service: pool gauges sampled at scrape (the harness's pool of
    //    4), and no answer to a scrape that came through a proxy.
    let mut union = String::new();
    for service in Service::ALL {
        let text = scrape(&platform, service).await;
        assert_eq!(sum(&text, m::DB_POOL_MAX, &[]), 4.0, "{service:?}");
        assert!(sum(&text, m::DB_POOL_OPEN, &[]) >= 1.0, "{service:?}");
        assert!(text.contains(m::DB_POOL_IN_USE) && text.contains(m::DB_POOL_WAITING));
        let proxied = platform
            .http
            .get(format!("{}/metrics", platform.url(service)))
            .header("x-forwarded-for", "203.0.113.7")
            .send()
            .await
            .expect("scrape");
        assert_eq!(proxied.status(), 404, "{service:?}");
        union.push_str(&text);
    }
    // Everything the catalogue (and so the alerts and dashboard) names is
    // really exported by some service after this traffic.
    for metric in m::CATALOGUE {
        let series = match metric.kind {
            m::Kind::Histogram => format!("{}_count", metric.name),
            _ => metric.name.to_owned(),
        };
        assert!(
            !m::samples(&union, &series).is_empty(),
            "{} is in the catalogue but no service exported it",
            metric.name
        );
    }
}

/// An OTLP/HTTP collector that keeps the bodies of the trace exports it gets.
async fn collector(bodies: std::sync::Arc<std::sync::Mutex<Vec<Vec<u8>>>>) -> String {
    use actix_web::{App, HttpResponse, HttpServer, web};
    let server = HttpServer::new(move || {
        let bodies = bodies.clone();
        App::new().route(
            "/v1/traces",
            web::post().to(move |body: web::Bytes| {
                bodies.lock().expect("lock").push(body.to_vec());
                async {
                    HttpResponse::Ok()
                        .content_type("application/x-protobuf")
                        .finish()
                }
            }),
        )
    })
    .workers(1)
    .bind(("127.0.0.1", 0))
    .expect("bind");
    let port = server.addrs()[0].port();
    tokio::spawn(server.run());
    format!("http://127.0.0.1:{port}")
}

#[tokio::test]
async fn spans_are_exported_over_otlp_only_when_an_endpoint_is_set() {
    let bodies = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let endpoint = collector(bodies.clone()).await;
    let platform = Platform::start_with(&[
        ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
        ("ORDER_BATCH_AT", "off"),
    ])
    .await;
    let trace_id = 0x0af7651916cd43dd8448eb211c80319c_u128;
    let answered = graphql(
        &platform,
        None,
        &[(
            "traceparent",
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        )],
        json!({ "query": "query Probe { __typename }" }),
    )
    .await;
    assert_eq!(answered["data"]["__typename"], "Query", "{answered}");
    // The batch goes out within the exporter's 5 s delay.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let exported = bodies.lock().expect("lock").iter().any(|body| {
            let has = |needle: &[u8]| body.windows(needle.len()).any(|w| w == needle);
            has(&trace_id.to_be_bytes()) && has(b"core") && has(b"POST /graphql")
        });
        if exported {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "core exported no span of the trace; its log:\n{}",
            platform.log(Service::Core)
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let log = plain(&platform.log(Service::Receipt));
    assert!(log.contains("exporting spans over OTLP"), "{log}");
}
