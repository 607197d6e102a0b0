//! The end-to-end harness: starts the four real service binaries (built by
//! `cargo build --workspace --bins`) against one fresh database, on free ports,
//! with freshly generated keys, and lets a test call them over HTTP.
//! Dropping the `Platform` stops the services and drops the database.

pub mod auction;
pub mod browser;
pub mod graphql;

use db::testing::{TestDb, free_port, temp_dir};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Core,
    Receipt,
    Messaging,
    Scheduler,
}

impl Service {
    pub const ALL: [Service; 4] = [
        Service::Core,
        Service::Receipt,
        Service::Messaging,
        Service::Scheduler,
    ];

    pub fn binary(self) -> &'static str {
        match self {
            Service::Core => "core",
            Service::Receipt => "receipt",
            Service::Messaging => "messaging",
            Service::Scheduler => "scheduler",
        }
    }

    fn env_prefix(self) -> &'static str {
        match self {
            Service::Core => "CORE",
            Service::Receipt => "RECEIPT",
            Service::Messaging => "MESSAGING",
            Service::Scheduler => "SCHEDULER",
        }
    }
}

struct Running {
    service: Service,
    /// Which instance of the service (0 when there is one of each).
    replica: usize,
    port: u16,
    child: Child,
    log: PathBuf,
}

pub struct Platform {
    pub db: TestDb,
    pub http: reqwest::Client,
    /// Credentials the services were started with, for tests that act as one.
    pub service_token: String,
    pub signing_key: String,
    running: Vec<Running>,
    env: Vec<(String, String)>,
    workdir: PathBuf,
}

/// Where the service binaries are: `MARKETBILL_BIN_DIR`, else the profile
/// directory this test binary was built into (target/debug/deps/.. → target/debug).
fn bin_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("MARKETBILL_BIN_DIR") {
        return PathBuf::from(dir);
    }
    let exe = std::env::current_exe().expect("test binary path");
    exe.parent()
        .and_then(|deps| deps.parent())
        .expect("target profile directory")
        .to_path_buf()
}

impl Platform {
    /// Starts all four services and waits until each answers `/readyz`.
    pub async fn start() -> Platform {
        Self::start_with(&[]).await
    }

    /// Like `start`, with extra environment variables for every service.
    pub async fn start_with(extra_env: &[(&str, &str)]) -> Platform {
        Self::start_replicated(1, extra_env).await
    }

    /// `replicas` instances of every service on the one database, as a
    /// deployment past one machine runs them. Services call the first
    /// instance of their peers; a test reaches any instance with `url_of`.
    pub async fn start_replicated(replicas: usize, extra_env: &[(&str, &str)]) -> Platform {
        let db = TestDb::new().await;
        let keys = platform::auth::generate_keys().expect("generate keys");
        let service_token = platform::auth::generate_service_token();
        let workdir = temp_dir("e2e");
        let ports: Vec<(Service, usize, u16)> = Service::ALL
            .iter()
            .flat_map(|s| (0..replicas.max(1)).map(move |r| (*s, r, free_port())))
            .collect();

        let mut env: Vec<(String, String)> = vec![
            ("DATABASE_URL".into(), db.url().to_owned()),
            ("DATABASE_POOL_SIZE".into(), "4".into()),
            ("HTTP_WORKERS".into(), "1".into()),
            ("HOST".into(), "127.0.0.1".into()),
            ("JWT_PUBLIC_KEY".into(), keys.public_key.clone()),
            ("JWT_SIGNING_KEY".into(), keys.signing_key.clone()),
            ("SERVICE_TOKEN".into(), service_token.clone()),
            ("RUST_LOG".into(), "info".into()),
        ];
        for (service, _, port) in ports.iter().filter(|(_, replica, _)| *replica == 0) {
            let prefix = service.env_prefix();
            env.push((format!("{prefix}_URL"), format!("http://127.0.0.1:{port}")));
        }
        env.extend(
            extra_env
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
        );

        let running = ports
            .into_iter()
            .map(|(service, replica, port)| spawn(service, replica, port, &env, &workdir))
            .collect();

        let platform = Platform {
            db,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                // Under the services' keep-alive (actix: 5 s): a request sent on
                // a connection the server is closing fails as IncompleteMessage.
                .pool_idle_timeout(Duration::from_secs(2))
                .build()
                .expect("client"),
            service_token,
            signing_key: keys.signing_key,
            running,
            env,
            workdir,
        };
        platform.wait_ready(Duration::from_secs(30)).await;
        platform
    }

    async fn wait_ready(&self, limit: Duration) {
        let deadline = Instant::now() + limit;
        for running in &self.running {
            let url = format!("http://127.0.0.1:{}/readyz", running.port);
            loop {
                match self.http.get(&url).send().await {
                    Ok(response) if response.status().is_success() => break,
                    _ if Instant::now() > deadline => {
                        panic!(
                            "{} #{} not ready after {limit:?}; its log:\n{}",
                            running.service.binary(),
                            running.replica,
                            std::fs::read_to_string(&running.log).unwrap_or_default()
                        )
                    }
                    _ => tokio::time::sleep(Duration::from_millis(100)).await,
                }
            }
        }
    }

    fn running(&self, service: Service, replica: usize) -> &Running {
        self.running
            .iter()
            .find(|r| r.service == service && r.replica == replica)
            .expect("service started")
    }

    pub fn port(&self, service: Service) -> u16 {
        self.running(service, 0).port
    }

    /// The first instance of `service` (the one its peers call).
    pub fn url(&self, service: Service) -> String {
        self.url_of(service, 0)
    }

    /// Instance `replica` of `service`.
    pub fn url_of(&self, service: Service, replica: usize) -> String {
        format!("http://127.0.0.1:{}", self.running(service, replica).port)
    }

    /// Everything the first instance of the service printed so far.
    pub fn log(&self, service: Service) -> String {
        std::fs::read_to_string(&self.running(service, 0).log).unwrap_or_default()
    }

    /// Stops the first instance of one service with SIGKILL (e.g. to prove a
    /// peer outage delays, never loses).
    pub fn stop(&mut self, service: Service) {
        if let Some(r) = self
            .running
            .iter_mut()
            .find(|r| r.service == service && r.replica == 0)
        {
            let _ = r.child.kill();
            let _ = r.child.wait();
        }
    }
}

impl Platform {
    /// Starts a stopped service again on its port and waits until it is ready.
    pub async fn restart(&mut self, service: Service) {
        self.stop(service);
        let index = self
            .running
            .iter()
            .position(|r| r.service == service && r.replica == 0)
            .expect("service started");
        let port = self.running[index].port;
        self.running[index] = spawn(service, 0, port, &self.env, &self.workdir);
        self.wait_ready(Duration::from_secs(30)).await;
    }
}

/// Starts one service binary with the shared environment, logging to a file
/// (appended, so a restart keeps the earlier output).
fn spawn(
    service: Service,
    replica: usize,
    port: u16,
    env: &[(String, String)],
    workdir: &std::path::Path,
) -> Running {
    let binary = bin_dir().join(service.binary());
    assert!(
        binary.exists(),
        "{} is missing: build the services first (`cargo build --workspace --bins`)",
        binary.display()
    );
    let log = workdir.join(format!("{}-{replica}.log", service.binary()));
    let out = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&log)
        .expect("log file");
    let err = out.try_clone().expect("log file");
    let child = Command::new(&binary)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .env(format!("{}_PORT", service.env_prefix()), port.to_string())
        .current_dir(workdir)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .expect("spawn service");
    Running {
        service,
        replica,
        port,
        child,
        log,
    }
}

impl Drop for Platform {
    fn drop(&mut self) {
        for r in &mut self.running {
            let _ = r.child.kill();
            let _ = r.child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.workdir);
    }
}
