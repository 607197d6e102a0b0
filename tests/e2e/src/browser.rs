//! A real browser against the platform: headless Chromium (Debian's
//! `chromium`, driven by `playwright-core` from `tests/browser`, both
//! installed by `make tools`) opens a page on another origin whose script
//! calls the services with `fetch()`, exactly as the frontend does.

use std::path::PathBuf;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A blank page served on a free port, reachable as two origins: through
/// `localhost` (the one the platform allows) and through `127.0.0.1` (one
/// it does not know).
pub struct Pages {
    pub port: u16,
}

impl Pages {
    pub async fn serve() -> Pages {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let mut request = [0u8; 4096];
                    let _ = stream.read(&mut request).await;
                    let page = "<!doctype html><title>frontend</title><p>MarketBill test page</p>";
                    let answer = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: text/html; charset=utf-8\r\n\
                         content-length: {}\r\nconnection: close\r\n\r\n{page}",
                        page.len()
                    );
                    let _ = stream.write_all(answer.as_bytes()).await;
                });
            }
        });
        Pages { port }
    }

    /// The origin the platform is configured to allow.
    pub fn allowed_origin(&self) -> String {
        format!("http://localhost:{}", self.port)
    }

    /// The same page through an origin nobody allowed.
    pub fn stranger_origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

/// Runs `tests/browser/<script>` under node with `env` and answers the JSON
/// it prints.
pub async fn run(script: &str, env: &[(&str, String)]) -> serde_json::Value {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = root.join("tests/browser");
    assert!(
        dir.join("node_modules/playwright-core").exists(),
        "playwright-core is missing: run `make tools` (installs it and Debian's chromium)"
    );
    let output = tokio::process::Command::new("node")
        .arg(dir.join(script))
        .current_dir(&dir)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .output()
        .await
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{script} failed: {}\n{stdout}",
        String::from_utf8_lossy(&output.stderr)
    );
    let last = stdout.lines().last().unwrap_or_default();
    serde_json::from_str(last)
        .unwrap_or_else(|e| panic!("{script} printed no JSON ({e}): {stdout}"))
}
