//! `make bench-messaging`: sends per second through the real HTTP API with the
//! record provider, every send logged to PostgreSQL (PENDING row, then its
//! outcome) under a fresh idempotency key, as core's outbox calls it.
//! Sequential first, then concurrent clients. Release build, no test harness.
//!
//! BENCH_SENDS (default 1000) sets the sends per phase, BENCH_CLIENTS (default
//! 8) the concurrent clients.

use db::testing::TestDb;
use serde_json::json;
use std::time::{Duration, Instant};

const SERVICE_TOKEN: &str = "bench-service-token";

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

struct Client {
    http: reqwest::Client,
    url: String,
}

impl Client {
    async fn send(&self, key: &str) -> Duration {
        // Spread over 10,000 recipients, as real traffic is: each template
        // has an hourly limit per recipient (SMS_PER_RECIPIENT_PER_HOUR).
        let spread = key
            .bytes()
            .fold(0_u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)))
            % 10_000;
        let to = format!("010-1234-{spread:04}");
        let started = Instant::now();
        let response = self
            .http
            .post(&self.url)
            .bearer_auth(SERVICE_TOKEN)
            .header("Idempotency-Key", key)
            .json(&json!({
                "to": to,
                "template": "ConfirmBizConnection",
                "args": ["그린도매", "그린도매", "https://marketbill.co.kr/retail/signin"],
            }))
            .send()
            .await;
        match response {
            Ok(r) if r.status().as_u16() == 201 => started.elapsed(),
            Ok(r) => panic!("send {key} answered {}", r.status()),
            Err(e) => panic!("send {key} failed: {e}"),
        }
    }
}

fn report(label: &str, sends: usize, elapsed: Duration, mut latencies: Vec<Duration>) {
    latencies.sort();
    let pick = |q: f64| {
        let index = ((latencies.len() as f64 - 1.0) * q).round() as usize;
        latencies[index].as_secs_f64() * 1000.0
    };
    println!(
        "{label:<24} {sends:>6} sends in {:>6.2} s = {:>7.0} sends/s   p50 {:>5.1} ms   p99 {:>5.1} ms",
        elapsed.as_secs_f64(),
        sends as f64 / elapsed.as_secs_f64(),
        pick(0.5),
        pick(0.99),
    );
}

fn main() {
    actix_web::rt::System::new().block_on(run());
}

async fn run() {
    let sends = env_usize("BENCH_SENDS", 1000);
    let clients = env_usize("BENCH_CLIENTS", 8).max(1);
    let db = TestDb::new().await;
    let keys = platform::auth::generate_keys().expect("keys");
    let env = platform::config::Env::from_pairs([
        ("DATABASE_URL", db.url()),
        ("MESSAGING_PORT", "0"),
        ("JWT_PUBLIC_KEY", keys.public_key.as_str()),
        ("SERVICE_TOKEN", SERVICE_TOKEN),
        ("SMS_PROVIDER", "record"),
        ("SMS_PER_RECIPIENT_PER_HOUR", "1000000"),
    ]);
    let running = messaging_service::Application::from_env(&env)
        .await
        .expect("messaging starts");
    let url = format!("http://127.0.0.1:{}/v1/sms", running.port);
    let server = running.server.handle();
    actix_web::rt::spawn(running.server);
    let client = Client {
        http: reqwest::Client::new(),
        url,
    };
    println!(
        "messaging bench: record provider, PostgreSQL log, HTTP workers {}, {} sends per phase",
        std::env::var("HTTP_WORKERS").unwrap_or_else(|_| "2".into()),
        sends
    );

    for i in 0..50 {
        client.send(&format!("warm-{i}")).await;
    }

    let started = Instant::now();
    let mut latencies = Vec::with_capacity(sends);
    for i in 0..sends {
        latencies.push(client.send(&format!("seq-{i}")).await);
    }
    report("sequential (1 client)", sends, started.elapsed(), latencies);

    let per_client = sends.div_ceil(clients);
    let started = Instant::now();
    let workers = (0..clients).map(|c| {
        let client = &client;
        async move {
            let mut latencies = Vec::with_capacity(per_client);
            for i in 0..per_client {
                latencies.push(client.send(&format!("con-{c}-{i}")).await);
            }
            latencies
        }
    });
    let latencies: Vec<Duration> = futures_util::future::join_all(workers)
        .await
        .into_iter()
        .flatten()
        .collect();
    let total = latencies.len();
    report(
        &format!("concurrent ({clients} clients)"),
        total,
        started.elapsed(),
        latencies,
    );

    let logged = {
        use db::schema::send_sms_logs::dsl::*;
        use diesel::prelude::*;
        use diesel_async::RunQueryDsl;
        let mut conn = db.pool().get().await.expect("conn");
        send_sms_logs
            .filter(status.eq("SUCCESS"))
            .count()
            .get_result::<i64>(&mut conn)
            .await
            .expect("count")
    };
    println!(
        "send_sms_logs rows with status SUCCESS: {logged} (expected {})",
        50 + sends + total
    );
    server.stop(true).await;
}
