//! Prometheus metrics: one process-wide recorder (the `metrics` facade with
//! `metrics-exporter-prometheus`'s recorder, rendered by our own actix route,
//! so no second HTTP stack), `GET /metrics` on the service's own port, the
//! HTTP middleware every service gets, and the names of everything exported.
//!
//! Who may read `/metrics`: a request that came through a proxy (it carries
//! `Forwarded`, `X-Forwarded-For`, `X-Forwarded-Host` or `X-Real-IP`, which
//! every ingress controller adds) is answered 404, exactly as an unknown
//! route, so even an ingress rule that forwards every path never publishes
//! it; Prometheus scrapes the pods directly, inside the cluster, where the
//! NetworkPolicies decide who reaches the service port. The text holds no
//! personal data: labels are route patterns, bounded operation names, codes
//! and template names, never a raw path, id, phone number or token.
//!
//! Cardinality: routes are actix's match patterns (`/v1/receipts/{id}`),
//! unmatched requests are `unmatched`, methods outside the standard ones are
//! `OTHER`; every other label comes from a closed set (see [`CATALOGUE`]).

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::http::header::HeaderMap;
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse, web};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub use metrics::{counter, gauge, histogram};

/// What kind of series a metric is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Counter,
    Gauge,
    Histogram,
}

/// One exported metric: its name, kind, label names and meaning.
#[derive(Debug, Clone, Copy)]
pub struct Metric {
    pub name: &'static str,
    pub kind: Kind,
    pub labels: &'static [&'static str],
    pub help: &'static str,
}

const fn metric(
    name: &'static str,
    kind: Kind,
    labels: &'static [&'static str],
    help: &'static str,
) -> Metric {
    Metric {
        name,
        kind,
        labels,
        help,
    }
}

pub const HTTP_REQUESTS: &str = "marketbill_http_requests_total";
pub const HTTP_DURATION: &str = "marketbill_http_request_duration_seconds";
pub const GRAPHQL_OPERATIONS: &str = "marketbill_graphql_operations_total";
pub const GRAPHQL_DURATION: &str = "marketbill_graphql_operation_duration_seconds";
pub const READ_MODEL_ANSWERS: &str = "marketbill_read_model_answers_total";
pub const DB_POOL_MAX: &str = "marketbill_db_pool_max_connections";
pub const DB_POOL_OPEN: &str = "marketbill_db_pool_connections";
pub const DB_POOL_IN_USE: &str = "marketbill_db_pool_in_use_connections";
pub const DB_POOL_WAITING: &str = "marketbill_db_pool_waiting_requests";
pub const OUTBOX_PENDING: &str = "marketbill_outbox_pending_notifications";
pub const OUTBOX_OLDEST_AGE: &str = "marketbill_outbox_oldest_pending_age_seconds";
pub const OUTBOX_DELIVERIES: &str = "marketbill_outbox_deliveries_total";
pub const SMS_SENDS: &str = "marketbill_sms_sends_total";
pub const RECEIPT_RENDER: &str = "marketbill_receipt_render_duration_seconds";
pub const RECEIPT_STORE: &str = "marketbill_receipt_store_duration_seconds";
pub const SCHEDULER_RUNS: &str = "marketbill_scheduler_runs_total";
pub const SCHEDULER_RUN_DURATION: &str = "marketbill_scheduler_run_duration_seconds";
pub const SCHEDULER_ROWS: &str = "marketbill_scheduler_rows_ingested_total";
pub const SCHEDULER_LAST_SUCCESS: &str = "marketbill_scheduler_last_success_timestamp_seconds";

/// Everything the services export. Alert rules and the Grafana dashboard may
/// name only these (checked by a test).
pub const CATALOGUE: &[Metric] = &[
    metric(
        HTTP_REQUESTS,
        Kind::Counter,
        &["method", "route", "status"],
        "HTTP requests answered, by method, route pattern and status.",
    ),
    metric(
        HTTP_DURATION,
        Kind::Histogram,
        &["method", "route"],
        "Time to answer an HTTP request (until the response head), by route pattern.",
    ),
    metric(
        GRAPHQL_OPERATIONS,
        Kind::Counter,
        &["operation", "code"],
        "GraphQL operations run by core, by operation name (bounded) and first error code (OK without errors).",
    ),
    metric(
        GRAPHQL_DURATION,
        Kind::Histogram,
        &["operation"],
        "Time core took to run a GraphQL operation (its batch, when batched), by operation name.",
    ),
    metric(
        READ_MODEL_ANSWERS,
        Kind::Counter,
        &["view", "by"],
        "List fields core answered from a read model (by=view) or from its resolvers (by=resolvers), by view.",
    ),
    metric(
        DB_POOL_MAX,
        Kind::Gauge,
        &[],
        "Largest number of database connections the pool opens (sampled at scrape).",
    ),
    metric(
        DB_POOL_OPEN,
        Kind::Gauge,
        &[],
        "Database connections the pool holds open (sampled at scrape).",
    ),
    metric(
        DB_POOL_IN_USE,
        Kind::Gauge,
        &[],
        "Database connections checked out of the pool (sampled at scrape).",
    ),
    metric(
        DB_POOL_WAITING,
        Kind::Gauge,
        &[],
        "Requests waiting for a database connection (sampled at scrape).",
    ),
    metric(
        OUTBOX_PENDING,
        Kind::Gauge,
        &[],
        "Notifications in core's outbox not yet delivered (PENDING; read from the database at scrape).",
    ),
    metric(
        OUTBOX_OLDEST_AGE,
        Kind::Gauge,
        &[],
        "Age of the oldest PENDING notification in core's outbox, 0 when none (read at scrape).",
    ),
    metric(
        OUTBOX_DELIVERIES,
        Kind::Counter,
        &["outcome"],
        "Delivery attempts of core's outbox worker: sent, postponed (retried later) or given_up.",
    ),
    metric(
        SMS_SENDS,
        Kind::Counter,
        &["template", "outcome"],
        "Messages the messaging service handled, by template and outcome (sent, failed, withheld).",
    ),
    metric(
        RECEIPT_RENDER,
        Kind::Histogram,
        &["outcome"],
        "Time to draw a statement PDF (ok or error).",
    ),
    metric(
        RECEIPT_STORE,
        Kind::Histogram,
        &["storage", "outcome"],
        "Time to store a statement PDF, by storage (local, s3) and outcome (ok or error).",
    ),
    metric(
        SCHEDULER_RUNS,
        Kind::Counter,
        &["outcome"],
        "Auction sync runs by outcome: success, failure, in_progress (turned away), not_configured.",
    ),
    metric(
        SCHEDULER_RUN_DURATION,
        Kind::Histogram,
        &["outcome"],
        "Time an auction sync run took (success or failure).",
    ),
    metric(
        SCHEDULER_ROWS,
        Kind::Counter,
        &[],
        "Auction rows ingested by successful sync runs (accepted rows of committed runs).",
    ),
    metric(
        SCHEDULER_LAST_SUCCESS,
        Kind::Gauge,
        &[],
        "Unix time the last successful auction sync finished, 0 when none (read from the run log at scrape).",
    ),
];

/// Latency buckets (seconds) of request-sized histograms: fine around the
/// day view's 50 ms target, up to the 10 s a request may take at worst.
const BUCKETS: &[f64] = &[
    0.002, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
/// An auction sync pages through a whole day: seconds to minutes.
const RUN_BUCKETS: &[f64] = &[0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0];

/// How often histogram samples are folded into their buckets when nobody
/// scrapes (each scrape does it too); keeps memory bounded.
const UPKEEP_EVERY: Duration = Duration::from_secs(5);

/// How long a scrape waits for service-specific samples (database reads).
const SAMPLE_TIMEOUT: Duration = Duration::from_secs(2);

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// Installs the process-wide recorder once (later calls return the same
/// handle). `None` only if another recorder was installed first.
pub fn install() -> Option<&'static PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new().set_buckets(BUCKETS).and_then(|b| {
                b.set_buckets_for_metric(Matcher::Full(SCHEDULER_RUN_DURATION.into()), RUN_BUCKETS)
            });
            let handle = match builder.map(PrometheusBuilder::install_recorder) {
                Ok(Ok(handle)) => handle,
                Ok(Err(e)) => {
                    tracing::warn!(error = %e, "metrics recorder not installed");
                    return None;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "metrics recorder not built");
                    return None;
                }
            };
            describe();
            let upkeep = handle.clone();
            let spawned = std::thread::Builder::new()
                .name("metrics-upkeep".into())
                .spawn(move || {
                    loop {
                        std::thread::sleep(UPKEEP_EVERY);
                        upkeep.run_upkeep();
                    }
                });
            if let Err(e) = spawned {
                tracing::warn!(error = %e, "metrics upkeep thread not started");
            }
            Some(handle)
        })
        .as_ref()
}

fn describe() {
    for m in CATALOGUE {
        match m.kind {
            Kind::Counter => metrics::describe_counter!(m.name, m.help),
            Kind::Gauge => metrics::describe_gauge!(m.name, m.help),
            Kind::Histogram => metrics::describe_histogram!(m.name, m.help),
        }
    }
}

/// The current text exposition (what `/metrics` answers, minus the samples
/// taken at scrape time).
pub fn render() -> String {
    install().map(PrometheusHandle::render).unwrap_or_default()
}

/// `GET /metrics`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/metrics", web::get().to(scrape));
}

/// Headers a proxy adds to what it forwards. A request carrying any of them
/// did not come straight from inside the cluster.
const PROXY_HEADERS: &[&str] = &[
    "forwarded",
    "x-forwarded-for",
    "x-forwarded-host",
    "x-forwarded-proto",
    "x-real-ip",
];

pub fn came_through_proxy(headers: &HeaderMap) -> bool {
    PROXY_HEADERS.iter().any(|name| headers.contains_key(*name))
}

/// Service-specific values read at scrape time (core's outbox, the
/// scheduler's last success), registered as app data next to the routes.
pub struct ScrapeHook(Box<dyn Fn() -> Pin<Box<dyn Future<Output = ()>>> + Send + Sync>);

impl ScrapeHook {
    pub fn new<F, Fut>(sample: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + 'static,
    {
        ScrapeHook(Box::new(move || Box::pin(sample())))
    }
}

async fn scrape(req: HttpRequest) -> HttpResponse {
    if came_through_proxy(req.headers()) {
        return HttpResponse::NotFound().finish();
    }
    let Some(handle) = install() else {
        return HttpResponse::NotFound().finish();
    };
    if let Some(pool) = req.app_data::<web::Data<db::DbPool>>() {
        sample_pool(pool);
    }
    if let Some(hook) = req.app_data::<web::Data<ScrapeHook>>()
        && tokio::time::timeout(SAMPLE_TIMEOUT, (hook.0)())
            .await
            .is_err()
    {
        tracing::warn!("metrics: sampling at scrape timed out");
    }
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(handle.render())
}

fn sample_pool(pool: &db::DbPool) {
    let status = pool.status();
    gauge!(DB_POOL_MAX).set(status.max_size as f64);
    gauge!(DB_POOL_OPEN).set(status.size as f64);
    gauge!(DB_POOL_IN_USE).set(status.size.saturating_sub(status.available) as f64);
    gauge!(DB_POOL_WAITING).set(status.waiting as f64);
}

fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "OTHER",
    }
}

/// actix middleware (use with `actix_web::middleware::from_fn`): counts each
/// request by method, route pattern and status, and times it.
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = method_label(req.method());
    let result = next.call(req).await;
    let (route, status) = match &result {
        Ok(response) => (
            response.request().match_pattern(),
            response.status().as_u16(),
        ),
        Err(e) => (None, e.as_response_error().status_code().as_u16()),
    };
    let route = route.unwrap_or_else(|| "unmatched".to_owned());
    counter!(HTTP_REQUESTS, "method" => method, "route" => route.clone(), "status" => status.to_string())
        .increment(1);
    histogram!(HTTP_DURATION, "method" => method, "route" => route)
        .record(started.elapsed().as_secs_f64());
    result
}

/// A GraphQL operation core ran. `operation` and `code` must come from
/// bounded sets (core collapses unknown names).
pub fn graphql_operation(operation: &str, code: &str, elapsed: Duration) {
    counter!(GRAPHQL_OPERATIONS, "operation" => operation.to_owned(), "code" => code.to_owned())
        .increment(1);
    histogram!(GRAPHQL_DURATION, "operation" => operation.to_owned()).record(elapsed.as_secs_f64());
}

/// A list field with a read model answered by the `view` or the `resolvers`.
pub fn read_model_answer(view: &'static str, by: &'static str) {
    counter!(READ_MODEL_ANSWERS, "view" => view, "by" => by).increment(1);
}

/// Core's outbox at scrape time.
pub fn outbox_backlog(pending: i64, oldest_age_secs: f64) {
    gauge!(OUTBOX_PENDING).set(pending as f64);
    gauge!(OUTBOX_OLDEST_AGE).set(oldest_age_secs.max(0.0));
}

/// One delivery attempt of core's outbox worker: `sent`, `postponed`, `given_up`.
pub fn outbox_delivery(outcome: &'static str) {
    counter!(OUTBOX_DELIVERIES, "outcome" => outcome).increment(1);
}

/// A message the messaging service handled: `sent`, `failed` or `withheld`.
pub fn sms_send(template: &str, outcome: &'static str) {
    counter!(SMS_SENDS, "template" => template.to_owned(), "outcome" => outcome).increment(1);
}

fn outcome<T, E>(result: &Result<T, E>) -> &'static str {
    if result.is_ok() { "ok" } else { "error" }
}

/// Drawing one statement.
pub fn receipt_render<T, E>(result: &Result<T, E>, elapsed: Duration) {
    histogram!(RECEIPT_RENDER, "outcome" => outcome(result)).record(elapsed.as_secs_f64());
}

/// Storing one statement in `storage` (`local`, `s3`).
pub fn receipt_store<T, E>(storage: &'static str, result: &Result<T, E>, elapsed: Duration) {
    histogram!(RECEIPT_STORE, "storage" => storage, "outcome" => outcome(result))
        .record(elapsed.as_secs_f64());
}

/// One auction sync run: `success`, `failure`, `in_progress`, `not_configured`;
/// `elapsed` for runs that ran, `rows` ingested by a successful one.
pub fn scheduler_run(outcome: &'static str, elapsed: Option<Duration>, rows: u64) {
    counter!(SCHEDULER_RUNS, "outcome" => outcome).increment(1);
    if let Some(elapsed) = elapsed {
        histogram!(SCHEDULER_RUN_DURATION, "outcome" => outcome).record(elapsed.as_secs_f64());
    }
    if rows > 0 {
        counter!(SCHEDULER_ROWS).increment(rows);
    }
}

/// The scheduler's last successful run at scrape time (Unix seconds, 0: none).
pub fn scheduler_last_success(unix_secs: f64) {
    gauge!(SCHEDULER_LAST_SUCCESS).set(unix_secs);
}

/// The samples of one metric in a text exposition: `(labels, value)` for
/// each line of `name` (histograms: of `name_bucket`, `_sum`, `_count`, as
/// asked). Labels are `key="value"` pairs in order. For tests and tools.
pub fn samples(text: &str, name: &str) -> Vec<(Vec<(String, String)>, f64)> {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| {
            let (series, value) = line.rsplit_once(' ')?;
            let (metric, labels) = match series.split_once('{') {
                Some((metric, rest)) => (metric, rest.strip_suffix('}')?),
                None => (series, ""),
            };
            if metric != name {
                return None;
            }
            let labels = parse_labels(labels)?;
            Some((labels, value.parse().ok()?))
        })
        .collect()
}

fn parse_labels(mut rest: &str) -> Option<Vec<(String, String)>> {
    let mut labels = Vec::new();
    while !rest.is_empty() {
        let (key, after) = rest.split_once("=\"")?;
        let mut value = String::new();
        let mut chars = after.char_indices();
        let end = loop {
            let (i, c) = chars.next()?;
            match c {
                '\\' => match chars.next()?.1 {
                    'n' => value.push('\n'),
                    other => value.push(other),
                },
                '"' => break i,
                c => value.push(c),
            }
        };
        labels.push((key.trim_start_matches(',').to_owned(), value));
        rest = after[end + 1..].trim_start_matches(',');
    }
    Some(labels)
}

/// The sum of the samples of `name` whose labels include every `(key, value)`
/// of `selector`.
pub fn sum(text: &str, name: &str, selector: &[(&str, &str)]) -> f64 {
    samples(text, name)
        .into_iter()
        .filter(|(labels, _)| {
            selector
                .iter()
                .all(|(k, v)| labels.iter().any(|(lk, lv)| lk == k && lv == v))
        })
        .map(|(_, value)| value)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::App;
    use actix_web::middleware::from_fn;
    use actix_web::test as web_test;

    async fn thing(path: web::Path<u32>) -> HttpResponse {
        match path.into_inner() {
            500 => HttpResponse::InternalServerError().finish(),
            _ => HttpResponse::Ok().finish(),
        }
    }

    fn count(text: &str, route: &str, status: &str) -> f64 {
        sum(
            text,
            HTTP_REQUESTS,
            &[("method", "GET"), ("route", route), ("status", status)],
        )
    }

    #[actix_web::test]
    async fn requests_are_counted_by_route_pattern_never_by_raw_path() {
        install();
        let app = web_test::init_service(
            App::new()
                .wrap(from_fn(middleware))
                .configure(routes)
                .route("/v1/metrics-test/{id}", web::get().to(thing)),
        )
        .await;
        let route = "/v1/metrics-test/{id}";
        let before = render();
        for uri in [
            "/v1/metrics-test/98765",
            "/v1/metrics-test/500",
            "/nowhere/4242",
        ] {
            web_test::call_service(&app, web_test::TestRequest::get().uri(uri).to_request()).await;
        }
        let scraped = web_test::call_service(
            &app,
            web_test::TestRequest::get().uri("/metrics").to_request(),
        )
        .await;
        assert_eq!(scraped.status(), 200);
        let text =
            String::from_utf8(web_test::read_body(scraped).await.to_vec()).unwrap_or_default();
        assert_eq!(
            count(&text, route, "200") - count(&before, route, "200"),
            1.0
        );
        assert_eq!(
            count(&text, route, "500") - count(&before, route, "500"),
            1.0
        );
        assert!(count(&text, "unmatched", "404") >= 1.0);
        assert!(!text.contains("98765") && !text.contains("4242"), "{text}");
        let timed = sum(
            &text,
            &format!("{HTTP_DURATION}_count"),
            &[("route", route)],
        );
        assert!(timed >= 2.0, "{text}");
        // Real histograms (buckets), so replicas aggregate and p99 is computable.
        assert!(
            text.contains(&format!("{HTTP_DURATION}_bucket{{")),
            "{text}"
        );
        assert!(text.contains(&format!("# HELP {HTTP_REQUESTS}")), "{text}");
    }

    #[actix_web::test]
    async fn metrics_are_not_answered_through_a_proxy() {
        install();
        let app = web_test::init_service(App::new().configure(routes)).await;
        for (name, value) in [
            ("x-forwarded-for", "203.0.113.9"),
            ("forwarded", "for=203.0.113.9"),
            ("x-real-ip", "203.0.113.9"),
            ("x-forwarded-host", "api.example.com"),
        ] {
            let req = web_test::TestRequest::get()
                .uri("/metrics")
                .insert_header((name, value))
                .to_request();
            let response = web_test::call_service(&app, req).await;
            assert_eq!(response.status(), 404, "{name}");
        }
        let direct = web_test::call_service(
            &app,
            web_test::TestRequest::get().uri("/metrics").to_request(),
        )
        .await;
        assert_eq!(direct.status(), 200);
    }

    #[test]
    fn unusual_methods_collapse() {
        assert_eq!(method_label(&Method::GET), "GET");
        let custom = Method::from_bytes(b"PROPFIND").unwrap_or(Method::TRACE);
        assert_eq!(method_label(&custom), "OTHER");
    }

    #[test]
    fn the_exposition_is_read_back() {
        let text = "# HELP x_total a\n# TYPE x_total counter\nx_total{a=\"1\",b=\"q\\\"uote\"} 3\nx_total{a=\"2\",b=\"\"} 4\ny 1\n";
        assert_eq!(sum(text, "x_total", &[]), 7.0);
        assert_eq!(sum(text, "x_total", &[("a", "1")]), 3.0);
        assert_eq!(sum(text, "x_total", &[("b", "q\"uote")]), 3.0);
        assert_eq!(sum(text, "y", &[]), 1.0);
    }

    #[test]
    fn the_catalogue_names_are_prometheus_names() {
        for m in CATALOGUE {
            assert!(m.name.starts_with("marketbill_"), "{}", m.name);
            assert!(
                m.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{}",
                m.name
            );
            assert_eq!(
                m.kind == Kind::Counter,
                m.name.ends_with("_total"),
                "{}",
                m.name
            );
        }
    }
}
