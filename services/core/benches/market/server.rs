//! The release `core` binary in its own process, on a free port, against the
//! seeded database; stopped when dropped.

use db::testing::free_port;
use platform::auth::{TokenIssuer, TokenKind};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Nothing listens there: core needs the satellites' URLs, the benchmark
/// never reaches them.
const CLOSED_PORT_URL: &str = "http://127.0.0.1:9";

pub struct Core {
    child: Child,
    url: String,
    http: reqwest::Client,
    issuer: TokenIssuer,
}

fn binary() -> PathBuf {
    if let Ok(path) = std::env::var("CORE_BIN") {
        return PathBuf::from(path);
    }
    // target/release/deps/market-… → target/release/core
    let exe = std::env::current_exe().expect("benchmark path");
    exe.parent()
        .and_then(|deps| deps.parent())
        .expect("profile directory")
        .join("core")
}

impl Core {
    pub async fn start(database_url: &str) -> Core {
        let keys = platform::auth::generate_keys().expect("keys");
        let port = free_port().to_string();
        let binary = binary();
        assert!(
            binary.exists(),
            "{} is missing: `make bench-core` builds it first",
            binary.display()
        );
        let child = Command::new(&binary)
            .envs([
                ("DATABASE_URL", database_url),
                ("HOST", "127.0.0.1"),
                ("CORE_PORT", port.as_str()),
                ("JWT_PUBLIC_KEY", keys.public_key.as_str()),
                ("JWT_SIGNING_KEY", keys.signing_key.as_str()),
                ("SERVICE_TOKEN", "bench-service-token"),
                ("RECEIPT_URL", CLOSED_PORT_URL),
                ("MESSAGING_URL", CLOSED_PORT_URL),
                ("ORDER_BATCH_AT", "off"),
                ("RUST_LOG", "warn"),
            ])
            .stdin(Stdio::null())
            .spawn()
            .expect("start core");
        let core = Core {
            child,
            url: format!("http://127.0.0.1:{port}"),
            http: reqwest::Client::new(),
            issuer: TokenIssuer::from_signing_key(&keys.signing_key).expect("signing key"),
        };
        core.wait_ready().await;
        core
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    async fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        let ready = format!("{}/readyz", self.url);
        while Instant::now() < deadline {
            if let Ok(r) = self.http.get(&ready).send().await
                && r.status().is_success()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("core did not become ready at {ready}");
    }

    /// An access token for a seeded user, signed with the key core verifies.
    pub fn token_for(&self, wholesaler_id: i64) -> String {
        self.token_as(wholesaler_id, domain::Role::WholesalerEmpr)
    }

    /// An access token for any seeded account (core reads the role from the
    /// database; the token's must agree with it).
    pub fn token_as(&self, user_id: i64, role: domain::Role) -> String {
        let id = domain::UserId::new(user_id);
        self.issuer
            .issue(id, role, TokenKind::Access, chrono::Utc::now())
    }

    /// Where the live order board's WebSocket is.
    pub fn ws_url(&self) -> String {
        format!("{}/graphql", self.url.replacen("http://", "ws://", 1))
    }

    async fn post(&self, token: &str, query: &str, variables: Value) -> Result<Vec<u8>, String> {
        let response = self
            .http
            .post(format!("{}/graphql", self.url))
            .bearer_auth(token)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let status = response.status();
        let body = response.bytes().await.map_err(|e| e.to_string())?;
        if !status.is_success() {
            return Err(format!("HTTP {status}: {}", String::from_utf8_lossy(&body)));
        }
        Ok(body.to_vec())
    }

    /// Sends a request and checks it succeeded, without parsing the answer
    /// (parsing would cost the load generator CPU the server competes for).
    pub async fn graphql(&self, token: &str, query: &str, variables: Value) -> Result<(), String> {
        let body = self.post(token, query, variables).await?;
        if body.windows(9).any(|w| w == b"\"errors\":") {
            return Err(String::from_utf8_lossy(&body).into_owned());
        }
        Ok(())
    }

    /// How many list answers core gave from read models and from resolvers
    /// (`marketbill_read_model_answers_total`), summed over views.
    pub async fn read_model_answers(&self) -> (u64, u64) {
        let text = match self.http.get(format!("{}/metrics", self.url)).send().await {
            Ok(response) => response.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        let sum = |by: &str| {
            text.lines()
                .filter(|l| l.starts_with("marketbill_read_model_answers_total{"))
                .filter(|l| l.contains(&format!("by=\"{by}\"")))
                .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
                .sum()
        };
        (sum("view"), sum("resolvers"))
    }

    pub async fn graphql_json(
        &self,
        token: &str,
        query: &str,
        variables: Value,
    ) -> Result<Value, String> {
        let body = self.post(token, query, variables).await?;
        serde_json::from_slice(&body).map_err(|e| e.to_string())
    }
}

/// How long core may take to finish its requests and exit when asked to stop
/// (a profiler around it writes its report then).
const SHUTDOWN_GRACE: Duration = Duration::from_secs(60);

impl Drop for Core {
    /// Stops core as a deployment would, with SIGTERM, and kills it only if it
    /// does not exit in time.
    fn drop(&mut self) {
        let asked = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .is_ok_and(|status| status.success());
        let deadline = Instant::now() + SHUTDOWN_GRACE;
        while asked && Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
