//! The last half hour before the cut-off: 600 florists of one wholesaler
//! edit their sheets, while the wholesaler's night shift keeps 10 live boards
//! open and 10 clients re-read the day view. Every committed edit must reach
//! every board, within 1 s, and an edit's p99 must stay within 50 ms.
//!
//! Two runs over the same boards:
//! - **The scenario** (the targets): edits arrive on a schedule,
//!   BENCH_NIGHT_RATE per second (default 60: the 1,800 edits of 600 florists
//!   × BENCH_NIGHT_EDITS (default 3) in 30 s, 60 times as dense as the real
//!   half hour), whatever the answers' pace. An edit's latency counts from its
//!   scheduled moment, so a slow answer cannot hide the queue behind it. Each
//!   night-shift client re-reads the day view every BENCH_NIGHT_READ_EVERY_MS
//!   (default 1000), as a board that refreshes on events would at most; the
//!   10 screens are independent, so their reads are spread over that second.
//! - **Capacity** (figures only, no target): BENCH_NIGHT_IN_FLIGHT (default
//!   24) florists at once, each sending its next edit the moment the last
//!   answered, and the readers back to back: how many edits per second the
//!   machine takes, and what an edit waits then.
//!
//! BENCH_NIGHT_READERS (default 10) day-view readers in both.

use crate::board::{Board, Heard, PROBE};
use crate::night_seed::{self, FLORISTS, LINES, WHOLESALER};
use crate::server::Core;
use chrono::{DateTime, NaiveDate, Utc};
use diesel_async::SimpleAsyncConnection;
use futures_util::{StreamExt, stream};
use serde_json::json;
use std::cell::Cell;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const EDIT: &str = "mutation Edit($input: EditOrderSheetInput!) {
  editOrderSheet(input: $input) { id totalFlowerQuantity isPriceUpdated }
}";

/// The targets.
const EDIT_P99_MS: f64 = 50.0;
const DELIVERY_MS: f64 = 1000.0;
/// How long boards may still be catching up once the last edit answered.
const SETTLE: Duration = Duration::from_secs(2);

/// A board's log of what it heard, and the task listening on it.
type Listening = (Arc<Mutex<Vec<Heard>>>, tokio::task::JoinHandle<String>);

/// One edit as its florist saw it.
struct Edit {
    sheet_id: i64,
    latency: Duration,
    answered: DateTime<Utc>,
    refused: Option<String>,
}

/// How the florists' edits and the day-view reads arrive.
#[derive(Clone, Copy)]
enum Load {
    /// `rate` edits per second on a fixed schedule; each reader re-reads
    /// every `read_every`.
    Scheduled { rate: f64, read_every: Duration },
    /// `in_flight` florists editing back to back; readers back to back.
    Saturated { in_flight: usize },
}

impl std::fmt::Display for Load {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Load::Scheduled { rate, read_every } => write!(
                f,
                "scenario: {rate:.0} edits/s on schedule, day view re-read every {} ms",
                read_every.as_millis()
            ),
            Load::Saturated { in_flight } => write!(
                f,
                "capacity: {in_flight} florists editing back to back, day views back to back"
            ),
        }
    }
}

pub async fn run(core: &Core, pool: &db::DbPool, day: NaiveDate) {
    let per_florist = crate::env_usize("BENCH_NIGHT_EDITS", 3).max(1) as i64;
    let rate = crate::env_usize("BENCH_NIGHT_RATE", 60).max(1) as f64;
    let read_every =
        Duration::from_millis(crate::env_usize("BENCH_NIGHT_READ_EVERY_MS", 1000) as u64);
    let in_flight = crate::env_usize("BENCH_NIGHT_IN_FLIGHT", 24).max(1);
    let readers = crate::env_usize("BENCH_NIGHT_READERS", 10);
    night_seed::night(pool, day).await.expect("seed the night");
    println!(
        "\nnight before the cut-off: wholesaler {WHOLESALER}, {FLORISTS} florists × {per_florist} edits, \
         sheets of {LINES} lines closing in {} min; {} night-shift boards, {readers} day-view readers",
        night_seed::CUTOFF_IN_MINUTES,
        night_seed::night_shift().count(),
    );
    let shift: Vec<String> = night_seed::night_shift()
        .map(|(id, role)| core.token_as(id, role))
        .collect();
    let night = Night {
        core,
        pool,
        shift: &shift,
        day,
        per_florist,
        readers,
    };
    let scenario = night.phase(Load::Scheduled { rate, read_every }, 0).await;
    let capacity = night
        .phase(Load::Saturated { in_flight }, per_florist)
        .await;
    let pass = scenario && capacity;
    println!("night scenario: {}", if pass { "PASS" } else { "FAIL" });
}

/// What both runs share.
struct Night<'a> {
    core: &'a Core,
    pool: &'a db::DbPool,
    shift: &'a [String],
    day: NaiveDate,
    per_florist: i64,
    readers: usize,
}

impl Night<'_> {
    /// One run: every florist edits `per_florist` times (rounds numbered from
    /// `first_round`, so each run's quantities are new) under `load`. Answers
    /// whether the targets were met (always true for a capacity run, which
    /// has none beyond losing nothing).
    async fn phase(&self, load: Load, first_round: i64) -> bool {
        let logs = open_boards(self.core, self.pool, self.shift).await;
        let rounds = first_round..first_round + self.per_florist;
        let done = Cell::new(false);
        let started = Instant::now();
        let edits = async {
            let edits = match load {
                Load::Scheduled { rate, .. } => scheduled(self.core, rounds, rate).await,
                Load::Saturated { in_flight } => {
                    stream::iter(0..FLORISTS)
                        .map(|n| florist_night(self.core, n, rounds.clone()))
                        .buffer_unordered(in_flight)
                        .flat_map(stream::iter)
                        .collect()
                        .await
                }
            };
            done.set(true);
            edits
        };
        let pace = match load {
            Load::Scheduled { read_every, .. } => read_every,
            Load::Saturated { .. } => Duration::ZERO,
        };
        let date = self.day.format("%Y-%m-%d").to_string();
        let readers = futures_util::future::join_all((0..self.readers).map(|r| {
            let (token, date, done) = (&self.shift[r % self.shift.len()], &date, &done);
            // Paced readers are independent screens: spread over the pace,
            // not all re-reading in the same instant.
            let offset = pace.mul_f64(r as f64 / self.readers.max(1) as f64);
            async move {
                tokio::time::sleep(offset).await;
                let mut latencies = Vec::new();
                while !done.get() {
                    let sent = Instant::now();
                    self.core
                        .graphql(token, crate::DAY_VIEW, json!({ "date": date }))
                        .await
                        .unwrap_or_else(|e| panic!("day view during the night failed: {e}"));
                    latencies.push(sent.elapsed());
                    // Paced readers wake at most a pace later (or at the end).
                    let next = tokio::time::Instant::from_std(sent + pace);
                    while !done.get() && tokio::time::Instant::now() < next {
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                }
                latencies
            }
        }));
        let (edits, reads) = futures_util::future::join(edits, readers).await;
        let elapsed = started.elapsed();

        let expected = committed_by_sheet(&edits);
        let total: usize = expected.values().map(Vec::len).sum();
        settle(&logs, total).await;
        let mut heard: Vec<Vec<Heard>> = Vec::new();
        for (b, (log, task)) in logs.into_iter().enumerate() {
            // A board that stopped listening says why: its losses are explained.
            if task.is_finished() {
                let why = task.await.unwrap_or_else(|e| e.to_string());
                println!("night board {b} stopped listening: {why}");
            } else {
                task.abort();
            }
            heard.push(log.lock().expect("log").clone());
        }
        println!("\nnight, {load}");
        report(&edits, elapsed, &expected, &heard, reads.concat(), load)
    }
}

/// Every florist's edits of `rounds`, one round after another, each sent at
/// its moment of a schedule of `rate` per second; latency counts from that
/// moment. A florist's edits are a round (600 edits) apart.
async fn scheduled(core: &Core, rounds: std::ops::Range<i64>, rate: f64) -> Vec<Edit> {
    // Each florist's phone keeps its one token, as a signed-in app does.
    let tokens: Vec<String> = (0..FLORISTS)
        .map(|n| core.token_as(night_seed::florist(n), domain::Role::Retailer))
        .collect();
    let tokens = &tokens;
    let start = tokio::time::Instant::now() + Duration::from_millis(100);
    let jobs = rounds.flat_map(|round| (0..FLORISTS).map(move |n| (round, n)));
    stream::iter(jobs.enumerate())
        .map(|(j, (round, n))| async move {
            let at = start + Duration::from_secs_f64(j as f64 / rate);
            tokio::time::sleep_until(at).await;
            edit_once(core, &tokens[n as usize], n, round, at.into_std()).await
        })
        // Every edit is waiting for its moment at once: none is held back.
        .buffer_unordered(usize::MAX)
        .collect()
        .await
}

/// Opens the night shift's boards and waits until each hears a probe, so
/// no edit can race a subscription that has not started; then each listens
/// in its own task.
async fn open_boards(core: &Core, pool: &db::DbPool, shift: &[String]) -> Vec<Listening> {
    let mut conn = pool.get().await.expect("connection");
    let probe = format!(
        "SELECT pg_notify('order_events', json_build_object('kind', 'PLACED', 'orderSheetId', {PROBE}, \
         'wholesalerId', {WHOLESALER}, 'retailerId', 0, 'changeRequestId', NULL, 'at', now())::text)"
    );
    let mut logs = Vec::new();
    for token in shift {
        let mut board = Board::open(&core.ws_url(), token)
            .await
            .unwrap_or_else(|e| panic!("a night-shift board did not open: {e}"));
        let mut ready = false;
        for _ in 0..50 {
            conn.batch_execute(&probe).await.expect("probe");
            if board
                .heard_probe(Duration::from_millis(200))
                .await
                .expect("board")
            {
                ready = true;
                break;
            }
        }
        assert!(ready, "a night-shift board never heard a probe");
        let log = Arc::new(Mutex::new(Vec::new()));
        logs.push((log.clone(), tokio::spawn(board.listen(log))));
    }
    logs
}

/// Florist `n` edits its own sheet once per round, one edit after another
/// (a florist's phone waits for each answer).
async fn florist_night(core: &Core, n: i64, rounds: std::ops::Range<i64>) -> Vec<Edit> {
    let token = core.token_as(night_seed::florist(n), domain::Role::Retailer);
    let mut done = Vec::new();
    for round in rounds {
        done.push(edit_once(core, &token, n, round, Instant::now()).await);
    }
    done
}

/// Florist `n`'s edit of `round`: two lines' quantities, new each round
/// (seeded quantities are 1..=10). Latency counts from `since`.
async fn edit_once(core: &Core, token: &str, n: i64, round: i64, since: Instant) -> Edit {
    let first = (round * 3 + n) % LINES;
    let quantity = 11 + round;
    let changes: Vec<_> = [first, (first + 1) % LINES]
        .into_iter()
        .map(|k| json!({ "orderItemId": night_seed::line_of(n, k), "quantity": quantity }))
        .collect();
    let sheet_id = night_seed::sheet_of(n);
    let input = json!({ "input": { "orderSheetId": sheet_id, "changes": changes } });
    let answer = core.graphql(token, EDIT, input).await;
    Edit {
        sheet_id,
        latency: since.elapsed(),
        answered: Utc::now(),
        refused: answer.err(),
    }
}

/// When each sheet's committed edits were answered, in order: each one
/// notified exactly one CHANGED event of its sheet.
fn committed_by_sheet(edits: &[Edit]) -> HashMap<i64, Vec<DateTime<Utc>>> {
    let mut by_sheet: HashMap<i64, Vec<DateTime<Utc>>> = HashMap::new();
    for edit in edits.iter().filter(|e| e.refused.is_none()) {
        by_sheet
            .entry(edit.sheet_id)
            .or_default()
            .push(edit.answered);
    }
    for answers in by_sheet.values_mut() {
        answers.sort();
    }
    by_sheet
}

/// Waits until every board heard `total` CHANGED events, or [`SETTLE`].
async fn settle(logs: &[Listening], total: usize) {
    let deadline = Instant::now() + SETTLE;
    while Instant::now() < deadline {
        let all = logs.iter().all(|(log, _)| {
            let log = log.lock().expect("log");
            log.iter().filter(|h| h.kind == "CHANGED").count() >= total
        });
        if all {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn report(
    edits: &[Edit],
    elapsed: Duration,
    expected: &HashMap<i64, Vec<DateTime<Utc>>>,
    heard: &[Vec<Heard>],
    mut reads: Vec<Duration>,
    load: Load,
) -> bool {
    let mut latencies: Vec<Duration> = edits.iter().map(|e| e.latency).collect();
    latencies.sort();
    reads.sort();
    let refused: Vec<&Edit> = edits.iter().filter(|e| e.refused.is_some()).collect();
    let per_board: usize = expected.values().map(Vec::len).sum();

    // Per board: events matched to edits (a sheet's k-th CHANGED is its k-th
    // committed edit), the delays, and what is missing, extra or RESYNC.
    let mut delays_from_at = Vec::new();
    let mut after_answer_ms = Vec::new();
    let (mut lost, mut extra, mut resyncs) = (0usize, 0usize, 0usize);
    let mut received_min = usize::MAX;
    for board in heard {
        let mut by_sheet: HashMap<i64, Vec<&Heard>> = HashMap::new();
        for h in board {
            match (h.kind.as_str(), h.sheet_id) {
                ("CHANGED", Some(sheet)) => by_sheet.entry(sheet).or_default().push(h),
                ("RESYNC", _) => resyncs += 1,
                _ => extra += 1,
            }
        }
        let mut received = 0;
        for (sheet, answers) in expected {
            let got = by_sheet.remove(sheet).unwrap_or_default();
            lost += answers.len().saturating_sub(got.len());
            extra += got.len().saturating_sub(answers.len());
            for (h, answered) in got.iter().zip(answers) {
                received += 1;
                if let Some(at) = h.at {
                    delays_from_at.push(ms(h.received - at));
                }
                after_answer_ms.push(ms(h.received - *answered));
            }
        }
        extra += by_sheet.values().map(Vec::len).sum::<usize>();
        received_min = received_min.min(received);
    }
    delays_from_at.sort_by(f64::total_cmp);
    after_answer_ms.sort_by(f64::total_cmp);

    println!(
        "night edits: {} done in {:.1} s ({:.0}/s), {} refused; p50 {:.2} ms   p99 {:.2} ms   max {:.2} ms",
        edits.len(),
        elapsed.as_secs_f64(),
        edits.len() as f64 / elapsed.as_secs_f64(),
        refused.len(),
        quantile(&latencies, 0.5),
        quantile(&latencies, 0.99),
        quantile(&latencies, 1.0),
    );
    if let Some(first) = refused.first() {
        println!(
            "  first refusal: {}",
            first.refused.as_deref().unwrap_or("")
        );
    }
    println!(
        "night day view during the edits: {} reads; p50 {:.2} ms   p99 {:.2} ms",
        reads.len(),
        quantile(&reads, 0.5),
        quantile(&reads, 0.99),
    );
    println!(
        "night boards: {} events expected per board, received (min over {} boards) {}, lost {lost}, \
         unexpected {extra}, RESYNC {resyncs}",
        per_board,
        heard.len(),
        if heard.is_empty() { 0 } else { received_min },
    );
    println!(
        "night delivery, from the event's `at`: p50 {:.1} ms   p99 {:.1} ms   max {:.1} ms; \
         after the edit's answer reached its florist: p50 {:.1} ms   max {:.1} ms (negative: heard first)",
        quantile_of(&delays_from_at, 0.5),
        quantile_of(&delays_from_at, 0.99),
        quantile_of(&delays_from_at, 1.0),
        quantile_of(&after_answer_ms, 0.5),
        quantile_of(&after_answer_ms, 1.0),
    );

    let edit_p99 = quantile(&latencies, 0.99);
    let slowest = quantile_of(&delays_from_at, 1.0).max(quantile_of(&after_answer_ms, 1.0));
    let mut checks = vec![
        (
            format!("every event on every board within {DELIVERY_MS} ms: slowest {slowest:.1} ms"),
            lost == 0 && slowest <= DELIVERY_MS,
        ),
        (
            format!(
                "nothing lost: {lost} lost, {resyncs} RESYNC, {} edits refused",
                refused.len()
            ),
            lost == 0 && resyncs == 0 && refused.is_empty(),
        ),
    ];
    // The latency target is the scenario's; at capacity an edit waits for
    // whatever the machine cannot serve, which is what that run measures.
    if let Load::Scheduled { .. } = load {
        checks.insert(
            0,
            (
                format!("edit p99 ≤ {EDIT_P99_MS} ms: {edit_p99:.2} ms"),
                edit_p99 <= EDIT_P99_MS,
            ),
        );
    }
    println!("at {}", chrono::Local::now().format("%Y-%m-%d %H:%M %Z"));
    let run = match load {
        Load::Scheduled { .. } => "scenario",
        Load::Saturated { .. } => "capacity",
    };
    for (what, met) in &checks {
        println!("target: night {run}, {what} ({})", crate::verdict(*met));
    }
    checks.iter().all(|(_, met)| *met)
}

fn ms(delta: chrono::TimeDelta) -> f64 {
    delta.num_microseconds().unwrap_or(i64::MAX) as f64 / 1000.0
}

/// The latency at quantile `q` of sorted `latencies`, in milliseconds.
fn quantile(latencies: &[Duration], q: f64) -> f64 {
    if latencies.is_empty() {
        return f64::NAN;
    }
    let index = ((latencies.len() as f64 - 1.0) * q).round() as usize;
    latencies[index].as_secs_f64() * 1000.0
}

fn quantile_of(sorted_ms: &[f64], q: f64) -> f64 {
    if sorted_ms.is_empty() {
        return f64::NAN;
    }
    sorted_ms[((sorted_ms.len() as f64 - 1.0) * q).round() as usize]
}
