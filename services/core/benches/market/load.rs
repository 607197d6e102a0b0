//! Concurrent load: `clients` tasks, each sending `per_client` requests one
//! after another, every latency recorded; the figures the benchmark prints.

use futures_util::future::join_all;
use std::future::Future;
use std::time::{Duration, Instant};

pub struct Figures {
    pub requests: usize,
    pub elapsed: Duration,
    latencies: Vec<Duration>,
}

impl Figures {
    pub fn empty() -> Self {
        Figures {
            requests: 0,
            elapsed: Duration::ZERO,
            latencies: Vec::new(),
        }
    }

    /// Adds another run of the same scenario (another round of it).
    pub fn absorb(&mut self, other: Figures) {
        self.requests += other.requests;
        self.elapsed += other.elapsed;
        self.latencies.extend(other.latencies);
        self.latencies.sort();
    }

    pub fn per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }

    /// The latency at quantile `q` (0.5 = median), in milliseconds.
    pub fn quantile_ms(&self, q: f64) -> f64 {
        let index = ((self.latencies.len() as f64 - 1.0) * q).round() as usize;
        self.latencies[index].as_secs_f64() * 1000.0
    }

    pub fn line(&self, label: &str) -> String {
        format!(
            "{label:<44} {:>6} req  {:>7.1} req/s   p50 {:>6.2} ms   p99 {:>6.2} ms",
            self.requests,
            self.per_second(),
            self.quantile_ms(0.50),
            self.quantile_ms(0.99),
        )
    }
}

/// Runs `request(client, n)` `per_client` times on each of `clients`
/// concurrent clients. A failed request aborts the benchmark: figures of
/// failing requests would be meaningless.
pub async fn run<F, Fut>(clients: usize, per_client: usize, request: F) -> Figures
where
    F: Fn(usize, usize) -> Fut,
    Fut: Future<Output = Result<(), String>>,
{
    let started = Instant::now();
    let request = &request;
    let per_task = (0..clients).map(|client| async move {
        let mut latencies = Vec::with_capacity(per_client);
        for n in 0..per_client {
            let sent = Instant::now();
            if let Err(e) = request(client, n).await {
                panic!("request {n} of client {client} failed: {e}");
            }
            latencies.push(sent.elapsed());
        }
        latencies
    });
    let mut latencies: Vec<Duration> = join_all(per_task).await.into_iter().flatten().collect();
    let elapsed = started.elapsed();
    latencies.sort();
    Figures {
        requests: latencies.len(),
        elapsed,
        latencies,
    }
}
