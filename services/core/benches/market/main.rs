//! `make bench-core`: a seeded market served by the release `core` binary in
//! its own process, loaded by this process with concurrent GraphQL clients.
//! Measures the wholesaler's day view and a catalogue page, and the same data
//! fetched by hand-written SQL, printing p50/p99 latency and requests/s.
//!
//! BENCH_CLIENTS (default 8) concurrent clients, BENCH_REQUESTS (default 200)
//! requests per client and scenario; each GraphQL scenario and its SQL
//! counterpart alternate in 4 rounds of a quarter of those. CORE_BIN overrides the server binary
//! (default: the `core` next to this benchmark's profile directory). BENCH_PAUSE=1 prints the
//! seeded database's URL and waits 15 minutes before starting core (for EXPLAIN ANALYZE).
//!
//! Then the night before the cut-off (`night.rs`): florists' edits against
//! live boards. BENCH_NIGHT=off skips it, BENCH_NIGHT=only runs nothing else.

mod board;
mod cpu;
mod handwritten;
mod load;
mod night;
mod night_seed;
mod seed;
mod server;

use chrono::{NaiveDate, Utc};
use serde_json::{Value, json};
use std::time::Instant;

const DAY_VIEW: &str = "query DayView($date: LocalDate!) {
  orderSheets(filter: { date: $date }, pagination: { size: 100 }) {
    id orderNo memo isPriceUpdated totalFlowerQuantity totalFlowerTypeCount totalFlowerPrice hasReceipt
    recentReceipt { id fileName filePath }
    retailer { id name businessInfo { companyName } }
    orderItems(pagination: { size: 100 }) { id quantity grade price flower { id name flowerType { name } } }
    customOrderItems { id flowerName quantity price }
  }
}";

const CATALOGUE: &str = "query Catalogue($page: Int!) {
  flowers(filter: { keyword: \"\" }, pagination: { page: $page, size: 50 }) {
    resultCount
    items { id name images flowerType { id name imgUrl } biddingFlowers { biddingDate } }
  }
}";

/// Catalogue pages the clients walk through (2,000 flowers / 50 = 40 pages).
const CATALOGUE_PAGES: usize = 40;

/// Rounds each comparison alternates its two sides in.
const ROUNDS: usize = 4;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(run());
}

async fn run() {
    let clients = env_usize("BENCH_CLIENTS", 8).max(1);
    let per_client = env_usize("BENCH_REQUESTS", 200).max(1);
    let day: NaiveDate = Utc::now().with_timezone(&domain::time::KST).date_naive();
    let (from, to) = domain::time::kst_day_bounds(day);

    let db = db::testing::TestDb::new().await;
    let seeding = Instant::now();
    seed::market(db.pool(), day).await.expect("seed the market");
    println!(
        "market: {} wholesalers, {} retailers, {} flowers, {} days × {} sheets × {} lines (+ shipping line), seeded in {:.1} s",
        seed::WHOLESALERS,
        seed::RETAILERS,
        seed::FLOWERS,
        seed::DAYS,
        seed::SHEETS_PER_DAY,
        seed::LINES_PER_SHEET,
        seeding.elapsed().as_secs_f64()
    );

    if std::env::var_os("BENCH_PAUSE").is_some() {
        println!("PAUSED {}", db.url());
        tokio::time::sleep(std::time::Duration::from_secs(900)).await;
    }
    let core = server::Core::start(db.url()).await;
    let night = std::env::var("BENCH_NIGHT").unwrap_or_default();
    if night == "only" {
        night::run(&core, db.pool(), day).await;
        return;
    }
    let tokens: Vec<String> = seed::wholesaler_ids()
        .map(|id| core.token_for(id))
        .collect();
    let date = day.format("%Y-%m-%d").to_string();
    // The request closures below borrow these; `async move` then copies the references.
    let (core, pool, tokens) = (&core, db.pool(), &tokens);
    let day_view_of = |w: usize| {
        let (token, date) = (&tokens[w % tokens.len()], &date);
        async move { core.graphql(token, DAY_VIEW, json!({ "date": date })).await }
    };

    // The answers must be the data the benchmark claims to measure.
    let answer = core
        .graphql_json(&tokens[0], DAY_VIEW, json!({ "date": date }))
        .await
        .expect("day view");
    let sheets = check_day_view(&answer);
    let by_sql: Value = serde_json::from_str(
        &handwritten::day_view(pool, 1, from, to)
            .await
            .expect("hand-written day view"),
    )
    .expect("json");
    assert_eq!(
        sheets.len(),
        by_sql.as_array().map_or(0, Vec::len),
        "core and SQL see different sheets"
    );
    for (ours, theirs) in sheets.iter().zip(by_sql.as_array().into_iter().flatten()) {
        for field in [
            "orderNo",
            "totalFlowerQuantity",
            "totalFlowerPrice",
            "hasReceipt",
        ] {
            assert_eq!(ours[field], theirs[field], "{field} differs");
        }
    }
    let lines: usize = sheets
        .iter()
        .map(|s| s["orderItems"].as_array().map_or(0, Vec::len))
        .sum();
    println!(
        "day view: {} sheets, {lines} lines per wholesaler (checked against the SQL); {clients} clients × {per_client} requests each",
        sheets.len()
    );
    let connections = std::env::var("DATABASE_POOL_SIZE")
        .unwrap_or_else(|_| platform::config::default_pool_size().to_string());
    println!("core: {connections} database connections\n");

    // Warm both paths (connections, caches) before measuring.
    for w in 0..tokens.len() {
        day_view_of(w).await.expect("warm-up");
    }

    let meter = cpu::Meter::new(core.pid());
    let per_round = per_client.div_ceil(ROUNDS);
    let mut day_view_one = Scenario::new("day view, core GraphQL, 1 client".to_owned());
    let mut day_view_one_sql = Scenario::new("day view, hand-written SQL, 1 client".to_owned());
    for round in 0..ROUNDS {
        let first = round * per_round;
        day_view_one
            .measure(
                &meter,
                load::run(1, per_round, |_, n| day_view_of(first + n)),
            )
            .await;
        day_view_one_sql
            .measure(
                &meter,
                load::run(1, per_round, |_, n| {
                    let wholesaler = ((first + n) % tokens.len()) as i64 + 1;
                    async move {
                        handwritten::day_view(pool, wholesaler, from, to)
                            .await
                            .map(drop)
                    }
                }),
            )
            .await;
    }

    // Each comparison alternates its two sides in rounds: this machine's speed
    // drifts by up to 3× within minutes, and a ratio of two runs minutes apart
    // would measure the drift as much as the code.
    let mut day_view_gql = Scenario::new(format!("day view, core GraphQL, {clients} clients"));
    let mut day_view_sql = Scenario::new(format!("day view, hand-written SQL, {clients} clients"));
    let mut catalogue_gql = Scenario::new(format!("flowers page, core GraphQL, {clients} clients"));
    let mut catalogue_sql =
        Scenario::new(format!("flowers page, hand-written SQL, {clients} clients"));
    for round in 0..ROUNDS {
        let first = round * per_round;
        day_view_gql
            .measure(
                &meter,
                load::run(clients, per_round, |c, n| day_view_of(c * 7 + first + n)),
            )
            .await;
        day_view_sql
            .measure(
                &meter,
                load::run(clients, per_round, |c, n| {
                    let wholesaler = ((c * 7 + first + n) % tokens.len()) as i64 + 1;
                    async move {
                        handwritten::day_view(pool, wholesaler, from, to)
                            .await
                            .map(drop)
                    }
                }),
            )
            .await;
    }
    for round in 0..ROUNDS {
        let first = round * per_round;
        catalogue_gql
            .measure(
                &meter,
                load::run(clients, per_round, |c, n| {
                    let token = &tokens[c % tokens.len()];
                    let page = (c * 5 + first + n) % CATALOGUE_PAGES;
                    async move {
                        core.graphql(token, CATALOGUE, json!({ "page": page }))
                            .await
                            .map(drop)
                    }
                }),
            )
            .await;
        catalogue_sql
            .measure(
                &meter,
                load::run(clients, per_round, |c, n| {
                    let page = ((c * 5 + first + n) % CATALOGUE_PAGES) as i64;
                    async move { handwritten::catalogue_page(pool, page).await.map(drop) }
                }),
            )
            .await;
    }

    for scenario in [
        &day_view_one,
        &day_view_one_sql,
        &day_view_gql,
        &day_view_sql,
        &catalogue_gql,
        &catalogue_sql,
    ] {
        println!("{scenario}");
    }
    let (by_view, by_resolvers) = core.read_model_answers().await;
    println!("\ncore answered {by_view} lists from read models, {by_resolvers} from resolvers");

    // The targets: ratios to the hand-written floor measured in the
    // same rounds (this machine's speed drifts too much for absolute ones).
    let ratio = |ours: &Scenario, floor: &Scenario, q: f64| {
        ours.figures.quantile_ms(q) / floor.figures.quantile_ms(q)
    };
    println!("at {}", chrono::Local::now().format("%Y-%m-%d %H:%M %Z"));
    for (what, got, limit) in [
        (
            format!("day view, {clients} clients, p50"),
            ratio(&day_view_gql, &day_view_sql, 0.5),
            1.2,
        ),
        (
            format!("day view, {clients} clients, p99"),
            ratio(&day_view_gql, &day_view_sql, 0.99),
            1.3,
        ),
        (
            "day view, 1 client, p50".to_owned(),
            ratio(&day_view_one, &day_view_one_sql, 0.5),
            1.5,
        ),
        (
            format!("flowers page, {clients} clients, p50"),
            ratio(&catalogue_gql, &catalogue_sql, 0.5),
            1.3,
        ),
    ] {
        println!(
            "target: {what} ≤ {limit}× the SQL floor: {got:.2}× ({})",
            verdict(got <= limit)
        );
    }

    // Last: it adds the night's sheets to wholesaler 1, which the day views
    // above must not see.
    if night != "off" {
        night::run(core, pool, day).await;
    }
}

/// One scenario's figures and CPU, over every round it ran.
struct Scenario {
    label: String,
    figures: load::Figures,
    spent: cpu::Spent,
}

impl Scenario {
    fn new(label: String) -> Self {
        Scenario {
            label,
            figures: load::Figures::empty(),
            spent: cpu::Spent::default(),
        }
    }

    /// Runs one round (the run starts only when awaited, after the first
    /// CPU sample) and adds it.
    async fn measure(
        &mut self,
        meter: &cpu::Meter,
        run: impl std::future::Future<Output = load::Figures>,
    ) {
        let before = meter.sample();
        self.figures.absorb(run.await);
        self.spent.add(meter.since(before));
    }
}

impl std::fmt::Display for Scenario {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "{}", self.figures.line(&self.label))?;
        write!(
            f,
            "{:<44} {}",
            "",
            self.spent.per_request(self.figures.requests)
        )
    }
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "MISSED" }
}

/// The sheets of a day-view answer; panics on GraphQL errors or an empty day.
fn check_day_view(body: &Value) -> Vec<Value> {
    assert!(body.get("errors").is_none(), "day view failed: {body}");
    let sheets = body["data"]["orderSheets"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(!sheets.is_empty(), "the seeded day has no sheets: {body}");
    sheets
}
