//! `make bench-import`: an original database with 100,000 order lines (30
//! wholesalers, 600 retailers, 2,000 flowers, 15 lines a sheet; override with
//! BENCH_IMPORT_LINES) imported into a fresh database. Prints rows, seconds and
//! rows/s of the import alone (building the original is not timed). The bar
//! is 100,000 lines in 60 s.

use db::import::{Options, import_original};
use db::testing::TestDb;
use db::testing::original::{self, Size};
use std::process::ExitCode;
use std::time::Instant;

#[tokio::main]
async fn main() -> ExitCode {
    let lines: i64 = std::env::var("BENCH_IMPORT_LINES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let source = TestDb::empty().await;
    let target = TestDb::new().await;
    let built = Instant::now();
    let planted = match original::build(source.url(), Size::bench(lines)).await {
        Ok(planted) => planted,
        Err(e) => {
            eprintln!("bench-import: building the original failed: {e}");
            return ExitCode::FAILURE;
        }
    };
    eprintln!(
        "bench-import: original with {} order lines built in {:.1} s",
        planted.order_lines,
        built.elapsed().as_secs_f64()
    );
    let options = Options {
        source_url: source.url().to_owned(),
        target_url: target.url().to_owned(),
        dry_run: false,
        show_progress: true,
    };
    let started = Instant::now();
    let report = match import_original(&options).await {
        Ok(report) => report,
        Err(e) => {
            eprintln!("bench-import: {e}");
            return ExitCode::FAILURE;
        }
    };
    let secs = started.elapsed().as_secs_f64();
    let rows = report.total_imported();
    println!("{report}");
    println!(
        "bench-import: {} order lines, {rows} rows in all, {secs:.2} s, {:.0} rows/s",
        report.imported("order_items"),
        rows as f64 / secs
    );
    if secs > 60.0 {
        eprintln!("bench-import: slower than the 60 s bar");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
