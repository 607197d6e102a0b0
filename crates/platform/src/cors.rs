//! Which browser pages may call a service (CORS). The frontend is a
//! single-page app on its own origin, so core, receipt and messaging answer
//! the origins in `CORS_ALLOWED_ORIGINS` (comma-separated, or `*`); the
//! scheduler is called by cron only and answers none.
//!
//! A request from any other origin is served as if CORS did not exist (no
//! headers, so the browser withholds the answer from the page) rather than
//! refused: same-origin pages such as GraphiQL and callers without a browser
//! keep working.

use crate::config::{ConfigError, Env};
use actix_cors::Cors;

/// How long a browser may cache a preflight answer.
pub const PREFLIGHT_MAX_AGE_SECS: usize = 3600;

/// Request headers a page may send: JSON bodies, the bearer token, and the
/// ids and keys the services read.
const REQUEST_HEADERS: [&str; 6] = [
    "authorization",
    "content-type",
    "accept",
    "idempotency-key",
    "x-request-id",
    "traceparent",
];

/// Response headers a page may read besides the CORS-safelisted ones.
const EXPOSED_HEADERS: [&str; 3] = ["x-request-id", "retry-after", "content-disposition"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CorsPolicy {
    /// No page of another origin may read an answer (the default).
    Closed,
    /// Every origin (`*`): local development.
    AnyOrigin,
    /// Exactly these origins (`scheme://host[:port]`).
    Origins(Vec<String>),
}

impl CorsPolicy {
    pub fn from_env(env: &Env) -> Result<Self, ConfigError> {
        let Some(raw) = env.get("CORS_ALLOWED_ORIGINS") else {
            return Ok(CorsPolicy::Closed);
        };
        let entries: Vec<&str> = raw
            .split(',')
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .collect();
        if entries.contains(&"*") {
            return Ok(CorsPolicy::AnyOrigin);
        }
        let origins = entries
            .into_iter()
            .map(|origin| parse_origin(origin).map_err(|reason| invalid(origin, reason)))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(CorsPolicy::Origins(origins))
    }

    /// The middleware that applies the policy.
    pub fn middleware(&self) -> Cors {
        let cors = Cors::default()
            .block_on_origin_mismatch(false)
            .allowed_methods(["GET", "POST", "PUT", "DELETE", "OPTIONS"])
            .allowed_headers(REQUEST_HEADERS)
            .expose_headers(EXPOSED_HEADERS)
            .max_age(PREFLIGHT_MAX_AGE_SECS);
        match self {
            CorsPolicy::Closed => cors,
            CorsPolicy::AnyOrigin => cors.allow_any_origin().send_wildcard(),
            CorsPolicy::Origins(origins) => origins
                .iter()
                .fold(cors, |cors, origin| cors.allowed_origin(origin)),
        }
    }
}

impl CorsPolicy {
    /// Whether a page of `origin` (the browser's `Origin` header) may call
    /// the service. WebSocket handshakes get no CORS from the browser, so a
    /// service that accepts them asks this itself.
    pub fn admits(&self, origin: &str) -> bool {
        match self {
            CorsPolicy::Closed => false,
            CorsPolicy::AnyOrigin => true,
            CorsPolicy::Origins(origins) => {
                parse_origin(origin).is_ok_and(|origin| origins.contains(&origin))
            }
        }
    }
}

fn invalid(origin: &str, reason: &str) -> ConfigError {
    ConfigError::Invalid {
        name: "CORS_ALLOWED_ORIGINS",
        reason: format!("`{origin}` {reason}"),
    }
}

/// An origin as a browser sends it: scheme and host, an optional port, no
/// path. A trailing slash is forgiven (it is a common copy-paste).
fn parse_origin(origin: &str) -> Result<String, &'static str> {
    // Scheme and host are case-insensitive (RFC 3986); compare them lowered.
    let origin = origin.trim_end_matches('/').to_ascii_lowercase();
    let Some((scheme, rest)) = origin.split_once("://") else {
        return Err("is not an origin: expected scheme://host[:port]");
    };
    if scheme != "http" && scheme != "https" {
        return Err("must start with http:// or https://");
    }
    let valid_host = !rest.is_empty()
        && rest
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    if !valid_host {
        return Err("is not an origin: expected scheme://host[:port] without a path");
    }
    Ok(origin)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(value: &str) -> Result<CorsPolicy, ConfigError> {
        CorsPolicy::from_env(&Env::from_pairs([("CORS_ALLOWED_ORIGINS", value)]))
    }

    #[test]
    fn admits_only_the_listed_origins() {
        let listed = policy("https://app.marketbill.kr").expect("policy");
        assert!(listed.admits("https://app.marketbill.kr"));
        assert!(listed.admits("HTTPS://APP.marketbill.kr"));
        assert!(!listed.admits("https://evil.example"));
        assert!(!listed.admits("null"));
        assert!(!CorsPolicy::Closed.admits("https://app.marketbill.kr"));
        assert!(CorsPolicy::AnyOrigin.admits("https://evil.example"));
    }

    #[test]
    fn unset_is_closed_and_a_star_opens_to_all() {
        assert_eq!(
            CorsPolicy::from_env(&Env::default()).ok(),
            Some(CorsPolicy::Closed)
        );
        assert_eq!(policy("*").ok(), Some(CorsPolicy::AnyOrigin));
        assert_eq!(
            policy("https://a.example, *").ok(),
            Some(CorsPolicy::AnyOrigin)
        );
    }

    #[test]
    fn origins_are_listed_normalised_and_checked() {
        assert_eq!(
            policy("https://App.example.com/, http://localhost:5173").ok(),
            Some(CorsPolicy::Origins(vec![
                "https://app.example.com".into(),
                "http://localhost:5173".into()
            ]))
        );
        for bad in ["app.example.com", "ftp://x", "https://x/path", "https://"] {
            let err = policy(bad).expect_err(bad).to_string();
            assert!(err.starts_with("CORS_ALLOWED_ORIGINS"), "{err}");
        }
    }
}
