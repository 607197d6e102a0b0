//! What the four services share: configuration from the environment, tracing,
//! access tokens, the REST error envelope, request ids, health probes and the
//! typed HTTP clients services use to call each other.

pub mod api;
pub mod auth;
pub mod caller;
pub mod client_ip;
pub mod config;
pub mod cors;
pub mod error;
pub mod health;
pub mod metrics;
pub mod openapi;
pub mod otlp;
pub mod phone_proof;
pub mod request_id;
pub mod server;
pub mod service_client;
pub mod telemetry;
pub mod trace_context;
mod verified_tokens;

pub use error::ApiError;
