//! `make bench-board`: the auction price board on a fresh database seeded
//! with 90 sale days × 3,000 public auction rows (BENCH_BOARD_DAYS,
//! BENCH_BOARD_ROWS override them). Prints the backfill time, the refresh of
//! one day (what a sync adds to its transaction), and p50/p99 of a day's
//! board page (count + page, as `auctionPriceBoard` runs them) over a mix of
//! filters. The bar is p99 ≤ 20 ms.

use chrono::{Days, NaiveDate};
use db::price_board::{BoardFilter, day_page, refresh};
use db::testing::TestDb;
use std::process::ExitCode;
use std::time::{Duration, Instant};

const QUERIES: usize = 1_000;

fn env(name: &str, default: i64) -> i64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() -> ExitCode {
    let days = env("BENCH_BOARD_DAYS", 90);
    let rows = env("BENCH_BOARD_ROWS", 3_000);
    let db = TestDb::new().await;
    let first = NaiveDate::from_ymd_opt(2026, 8, 1).expect("a date");
    let last = first
        .checked_add_days(Days::new(u64::try_from(days - 1).unwrap_or(0)))
        .expect("a date");
    // 12 types × (rows / 60) varieties × 5 grades, prices drifting per day.
    let seeded = Instant::now();
    db.sql(&format!(
        "INSERT INTO public_bidding_flowers (flower_type, flower_name, grade, quantity, max_price, \
           min_price, avg_price, total_price, sale_date, flower_gubn) \
         SELECT (ARRAY['장미','국화','카네이션','튤립','안개꽃','리시안서스','거베라','프리지아', \
                       '백합','알스트로메리아','스타티스','수국'])[1 + i % 12], \
                'variety-' || (i / 60), \
                (ARRAY['특1','특2','상1','상2','보1'])[1 + (i / 12) % 5], \
                10 + i % 50, p * 2, p / 2, p, p * (10 + i % 50), \
                date '{first}' + d, 1 \
           FROM generate_series(0, {days} - 1) d, generate_series(0, {rows} - 1) i, \
                LATERAL (SELECT (3000 + (i * 37) % 9000 + ((d * 131 + i * 7) % 1500))::bigint AS p) price"
    ))
    .await;
    db.sql("ANALYZE public_bidding_flowers").await;
    let seed_secs = seeded.elapsed().as_secs_f64();

    let mut conn = db.pool().get().await.expect("a connection");
    let backfill = Instant::now();
    let written = match refresh(&mut conn, first, last).await {
        Ok(n) => n,
        Err(e) => {
            eprintln!("bench-board: backfill failed: {e}");
            return ExitCode::FAILURE;
        }
    };
    let backfill_secs = backfill.elapsed().as_secs_f64();
    db.sql("ANALYZE auction_price_board").await;

    let mut refreshes = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        if let Err(e) = refresh(&mut conn, last, last).await {
            eprintln!("bench-board: refresh failed: {e}");
            return ExitCode::FAILURE;
        }
        refreshes.push(started.elapsed());
    }
    refreshes.sort();

    let filters = [
        BoardFilter::default(),
        BoardFilter {
            flower_type: Some("장미".into()),
            ..BoardFilter::default()
        },
        BoardFilter {
            keyword: Some("ty-1".into()),
            ..BoardFilter::default()
        },
        BoardFilter {
            order_grade: Some("상".into()),
            ..BoardFilter::default()
        },
    ];
    let mut times = Vec::with_capacity(QUERIES);
    for n in 0..QUERIES {
        let day = first
            .checked_add_days(Days::new(u64::try_from(n as i64 % days).unwrap_or(0)))
            .expect("a date");
        let filter = &filters[n % filters.len()];
        let page = i64::try_from(n % 10).unwrap_or(0);
        let started = Instant::now();
        if let Err(e) = day_page(&mut conn, day, filter, n % 2 == 1, page * 50, 50).await {
            eprintln!("bench-board: board query failed: {e}");
            return ExitCode::FAILURE;
        }
        times.push(started.elapsed());
    }
    times.sort();
    println!(
        "bench-board: {days} days × {rows} rows seeded in {seed_secs:.1} s; backfill {written} board rows in {backfill_secs:.1} s"
    );
    println!(
        "bench-board: refresh of one day: median {:.1} ms, max {:.1} ms (5 runs)",
        percentile(&refreshes, 0.5),
        percentile(&refreshes, 1.0)
    );
    println!(
        "bench-board: day board page (50 rows, count + page, {QUERIES} queries): p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        percentile(&times, 0.5),
        percentile(&times, 0.99),
        percentile(&times, 1.0)
    );
    if percentile(&times, 0.99) > 20.0 {
        eprintln!("bench-board: p99 over the 20 ms bar");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
