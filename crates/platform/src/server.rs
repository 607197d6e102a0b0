//! Building, starting and stopping a service the same way everywhere: every
//! service gets request ids, the JSON error envelope for actix's own rejections,
//! `/healthz` + `/readyz`, Prometheus metrics (`/metrics`, see
//! [`crate::metrics`]), and graceful shutdown on SIGTERM/SIGINT (actix
//! handles both signals and drains in-flight requests).

use crate::config::{ConfigError, DatabaseConfig, Env, HttpConfig, PeerUrls};
use crate::cors::CorsPolicy;
use crate::{error, health, metrics, request_id};
use actix_web::dev::Server;
use actix_web::middleware::{Compress, from_fn};
use actix_web::{App, HttpServer, web};
use std::net::TcpListener;
use std::process::ExitCode;

/// Seconds in-flight requests get to finish after a stop signal.
pub const SHUTDOWN_TIMEOUT_SECS: u64 = 10;

/// Why a service could not start. Each variant tells the operator what to fix.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("configuration: {0}")]
    Config(#[from] ConfigError),
    #[error("database: {0}")]
    Database(#[from] db::DbError),
    #[error("cannot listen: {0}")]
    Io(#[from] std::io::Error),
    #[error("keys: {0}")]
    Key(#[from] crate::auth::KeyError),
    #[error("{0}")]
    Other(String),
}

/// What every service reads from the environment.
#[derive(Clone)]
pub struct CommonConfig {
    pub http: HttpConfig,
    pub database: DatabaseConfig,
    pub peers: PeerUrls,
    /// base64url Ed25519 public key: verifies user access tokens.
    pub jwt_public_key: String,
    /// The credential services present to each other (`SERVICE_TOKEN`).
    pub service_token: String,
    pub workers: usize,
    /// Which browser pages may call the service (`CORS_ALLOWED_ORIGINS`).
    pub cors: CorsPolicy,
}

/// The service token is a credential: it never reaches a log.
impl std::fmt::Debug for CommonConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CommonConfig")
            .field("http", &self.http)
            .field("database", &self.database)
            .field("peers", &self.peers)
            .field("jwt_public_key", &self.jwt_public_key)
            .field("service_token", &"<redacted>")
            .field("workers", &self.workers)
            .field("cors", &self.cors)
            .finish()
    }
}

impl CommonConfig {
    pub fn from_env(
        env: &Env,
        port_var: &'static str,
        default_port: u16,
    ) -> Result<Self, ConfigError> {
        const KEY_HINT: &str = "generate local keys with `make keys` (or `core keys generate`)";
        Ok(CommonConfig {
            http: HttpConfig::from_env(env, port_var, default_port)?,
            database: DatabaseConfig::from_env(env)?,
            peers: PeerUrls::from_env(env),
            jwt_public_key: env.required("JWT_PUBLIC_KEY", KEY_HINT)?,
            service_token: env.required("SERVICE_TOKEN", KEY_HINT)?,
            workers: env.parse("HTTP_WORKERS", 2)?,
            cors: CorsPolicy::from_env(env)?,
        })
    }

    /// The shared pool, after checking that the schema is current: a service
    /// refuses to start rather than fail on its first query.
    pub async fn connect_database(&self) -> Result<db::DbPool, StartupError> {
        db::migrations::ensure_current(&self.database.url).await?;
        Ok(db::connect(&self.database.url, self.database.pool_size)?)
    }

    /// Binds and starts the service with the shared pool and the token
    /// verification registered as app data; `configure` adds its own routes.
    pub fn start_with<F>(&self, pool: db::DbPool, configure: F) -> Result<Running, StartupError>
    where
        F: Fn(&mut web::ServiceConfig) + Clone + Send + 'static,
    {
        let auth = web::Data::new(self.auth_state()?);
        let pool = web::Data::new(pool);
        let listener = bind(&self.http)?;
        Ok(start(
            listener,
            self.workers,
            self.cors.clone(),
            move |cfg| {
                cfg.app_data(pool.clone()).app_data(auth.clone());
                configure(cfg);
            },
        )?)
    }

    pub fn auth_state(&self) -> Result<crate::caller::AuthState, StartupError> {
        let verifier = crate::auth::TokenVerifier::from_public_key(&self.jwt_public_key)?;
        Ok(crate::caller::AuthState::new(
            verifier,
            self.service_token.clone(),
        ))
    }
}

/// A started server and the port it really listens on (tests bind port 0).
pub struct Running {
    pub port: u16,
    pub server: Server,
}

pub fn bind(http: &HttpConfig) -> std::io::Result<TcpListener> {
    TcpListener::bind((http.host.as_str(), http.port))
}

/// Starts an actix server on `listener` with the shared middleware and probes;
/// `configure` adds the service's own state and routes.
pub fn start<F>(
    listener: TcpListener,
    workers: usize,
    cors: CorsPolicy,
    configure: F,
) -> std::io::Result<Running>
where
    F: Fn(&mut web::ServiceConfig) + Clone + Send + 'static,
{
    let port = listener.local_addr()?.port();
    metrics::install();
    let server = HttpServer::new(move || {
        App::new()
            .wrap(Compress::default())
            .wrap(from_fn(request_id::middleware))
            .wrap(from_fn(metrics::middleware))
            .app_data(error::json_config())
            .app_data(error::path_config())
            .app_data(error::query_config())
            .configure(health::routes)
            .configure(metrics::routes)
            .configure(configure.clone())
            // Outermost, so every answer carries the headers, errors included.
            .wrap(cors.middleware())
    })
    .workers(workers.max(1))
    .shutdown_timeout(SHUTDOWN_TIMEOUT_SECS)
    .listen(listener)?
    .run();
    Ok(Running { port, server })
}

/// The tail of every `main`: log the outcome of start-up, then serve until a
/// stop signal arrives.
pub async fn serve_until_stopped(
    service: &str,
    started: Result<Running, StartupError>,
) -> ExitCode {
    match started {
        Ok(running) => {
            tracing::info!(service, port = running.port, "listening");
            let served = running.server.await;
            crate::otlp::shutdown();
            match served {
                Ok(()) => {
                    tracing::info!(service, "stopped");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    tracing::error!(service, error = %e, "server failed");
                    ExitCode::FAILURE
                }
            }
        }
        Err(e) => {
            tracing::error!(service, error = %e, "cannot start");
            eprintln!("{service}: cannot start: {e}");
            ExitCode::FAILURE
        }
    }
}
