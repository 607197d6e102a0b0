//! What the OpenAPI 3.1 documents of the REST services (receipt, messaging,
//! scheduler) share: the error envelope as a schema, the bearer credentials as
//! security schemes, and `GET /openapi.json`. Each service derives its own
//! document from its handlers' `#[utoipa::path]` annotations and its request
//! and response types (`<service>/src/openapi.rs`) and commits it as a
//! snapshot that a test keeps current.

use actix_web::http::{Method, header};
use actix_web::{FromRequest, Handler, HttpResponse, Responder, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa::openapi::OpenApi;
use utoipa::openapi::path::HttpMethod;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

/// Security scheme: an access token core issued to a signed-in user.
pub const USER_TOKEN: &str = "userToken";
/// Security scheme: the credential services present to each other (`SERVICE_TOKEN`).
pub const SERVICE_TOKEN: &str = "serviceToken";
/// Security scheme of the scheduler's jobs: `SCHEDULER_TRIGGER_TOKEN` (cron).
pub const TRIGGER_TOKEN: &str = "triggerToken";

/// Every error a REST service answers: a stable machine code and a message
/// for people. Codes are those of the domain's catalogue (`NO_ORDER_SHEET`,
/// `PERMISSION_DENIED`, ...) plus `UNAUTHENTICATED`, `INVALID_TOKEN`,
/// `TOKEN_EXPIRED` and `UNAVAILABLE` (database unavailable, retry later).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorEnvelope {
    pub error: ErrorBody,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorBody {
    /// Stable, machine-readable: `NO_ORDER_SHEET`, `INVALID_DATA`, ...
    #[schema(example = "INVALID_DATA")]
    pub code: String,
    /// For people; may change between versions.
    pub message: String,
}

/// The `Idempotency-Key` request header, as documented (`params(IdempotencyKey)`).
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
pub struct IdempotencyKey {
    /// A retry with the same key answers the first outcome (200) instead of
    /// acting again; 1 to 255 visible ASCII characters.
    #[serde(default, rename = "Idempotency-Key")]
    #[param(
        min_length = 1,
        max_length = 255,
        pattern = "^[!-~]+$",
        example = "order-sheet-42-issue-1"
    )]
    pub idempotency_key: String,
}

/// `/healthz` and `/readyz` answer `{ "status", "database"? }`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Probe {
    /// `ok` (alive), `ready`, or `unavailable`.
    pub status: String,
    /// `/readyz` only: `ok`, `error` or `timeout`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database: Option<String>,
}

/// The process is alive.
#[utoipa::path(get, path = "/healthz", tag = "probes", security(()),
    responses((status = 200, description = "Alive: `{\"status\":\"ok\"}`", body = Probe)))]
#[allow(dead_code)]
fn healthz() {}

/// The process is alive and its database answers (within 2 s).
#[utoipa::path(get, path = "/readyz", tag = "probes", security(()),
    responses(
        (status = 200, description = "Ready: `{\"status\":\"ready\",\"database\":\"ok\"}`", body = Probe),
        (status = 503, description = "The database did not answer: route no traffic here", body = Probe),
    ))]
#[allow(dead_code)]
fn readyz() {}

/// This document.
#[utoipa::path(get, path = "/openapi.json", tag = "probes", security(()),
    responses((status = 200, description = "The OpenAPI 3.1 document of this service", body = serde_json::Value)))]
#[allow(dead_code)]
fn openapi_json() {}

/// Prometheus metrics (`crate::metrics`): for the scraper inside the
/// cluster; anything that came through a proxy gets 404.
#[utoipa::path(get, path = "/metrics", tag = "probes", security(()),
    responses(
        (status = 200, description = "Prometheus text exposition format", body = String, content_type = "text/plain"),
        (status = 404, description = "Came through a proxy (`Forwarded`, `X-Forwarded-*`), or no recorder is installed"),
    ))]
#[allow(dead_code)]
fn metrics() {}

#[derive(utoipa::OpenApi)]
#[openapi(paths(healthz, readyz, openapi_json, metrics))]
struct Probes;

/// The routes every REST service has besides its own: the probes
/// (`platform::health`), `GET /metrics` and `GET /openapi.json` ([`serve`]).
pub fn probes() -> OpenApi {
    <Probes as utoipa::OpenApi>::openapi()
}

/// Adds the bearer schemes named in `schemes` ([`USER_TOKEN`],
/// [`SERVICE_TOKEN`], [`TRIGGER_TOKEN`]) to `doc`.
pub fn add_security_schemes(doc: &mut OpenApi, schemes: &[&str]) {
    let components = doc.components.get_or_insert_with(Default::default);
    for &name in schemes {
        let (format, description) = match name {
            USER_TOKEN => (
                Some("JWT"),
                "An access token core issued at sign-in (Ed25519-signed JWT, 3 h). \
                 An expired or invalid one answers 401 TOKEN_EXPIRED / INVALID_TOKEN.",
            ),
            SERVICE_TOKEN => (
                None,
                "The credential MarketBill services present to each other (`SERVICE_TOKEN`); \
                 never a user's.",
            ),
            TRIGGER_TOKEN => (
                None,
                "The cron credential `SCHEDULER_TRIGGER_TOKEN`; while none is configured, \
                 the service token is accepted instead.",
            ),
            _ => (None, ""),
        };
        let mut http = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .description(Some(description));
        if let Some(format) = format {
            http = http.bearer_format(format);
        }
        components.add_security_scheme(name, SecurityScheme::Http(http.build()));
    }
}

/// The document as served and committed: pretty JSON ending in a newline.
pub fn to_json(doc: &OpenApi) -> String {
    let mut json = doc
        .to_pretty_json()
        .expect("an OpenAPI document always serializes");
    json.push('\n');
    json
}

/// Registers `GET /openapi.json` (no credentials: the document describes
/// what exists, not what anyone may see).
pub fn serve(cfg: &mut web::ServiceConfig, json: &'static str) {
    cfg.route(
        "/openapi.json",
        web::get().to(move || async move {
            HttpResponse::Ok()
                .content_type("application/json")
                .insert_header((header::CACHE_CONTROL, "no-cache"))
                .body(json)
        }),
    );
}

/// Where a service's routes go: an actix `ServiceConfig` registers them,
/// [`Listed`] only writes them down. A service's `routes` function takes
/// `&mut impl Routes` and adds each handler with its `#[utoipa::path]`
/// (`__path_<handler>`), so the method and path served are the ones
/// documented, and a test can list every route and compare with the document.
pub trait Routes {
    fn add<P, F, Args>(&mut self, doc: P, handler: F) -> &mut Self
    where
        P: utoipa::Path,
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static;
}

impl Routes for web::ServiceConfig {
    fn add<P, F, Args>(&mut self, _doc: P, handler: F) -> &mut Self
    where
        P: utoipa::Path,
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        for method in P::methods() {
            self.route(
                &P::path(),
                web::route()
                    .method(actix_method(&method))
                    .to(handler.clone()),
            );
        }
        self
    }
}

/// Routes written down instead of served: `(method, path)`, e.g.
/// `("post", "/v1/sms")`.
#[derive(Debug, Default)]
pub struct Listed(pub Vec<(String, String)>);

impl Routes for Listed {
    fn add<P, F, Args>(&mut self, _doc: P, _handler: F) -> &mut Self
    where
        P: utoipa::Path,
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        for method in P::methods() {
            self.0.push((method_name(&method).to_owned(), P::path()));
        }
        self
    }
}

fn method_name(method: &HttpMethod) -> &'static str {
    match method {
        HttpMethod::Get => "get",
        HttpMethod::Post => "post",
        HttpMethod::Put => "put",
        HttpMethod::Delete => "delete",
        HttpMethod::Options => "options",
        HttpMethod::Head => "head",
        HttpMethod::Patch => "patch",
        HttpMethod::Trace => "trace",
    }
}

fn actix_method(method: &HttpMethod) -> Method {
    match method {
        HttpMethod::Get => Method::GET,
        HttpMethod::Post => Method::POST,
        HttpMethod::Put => Method::PUT,
        HttpMethod::Delete => Method::DELETE,
        HttpMethod::Options => Method::OPTIONS,
        HttpMethod::Head => Method::HEAD,
        HttpMethod::Patch => Method::PATCH,
        HttpMethod::Trace => Method::TRACE,
    }
}

/// Every `(method, path)` a service serves: what `register` adds, plus the
/// probes, metrics and document platform serves for every service; sorted,
/// to compare with [`operations`] of the service's document.
pub fn served(register: impl FnOnce(&mut Listed)) -> Vec<(String, String)> {
    let mut listed = Listed::default();
    register(&mut listed);
    let mut served = listed.0;
    served.extend(operations(&probes()));
    served.sort();
    served
}

/// Compares a service's generated document with its committed copy
/// (`<manifest_dir>/openapi.json`), rewriting the copy first when
/// `UPDATE_OPENAPI` is set; the error says how to bring it up to date.
pub fn check_snapshot(manifest_dir: &str, package: &str, generated: &str) -> Result<(), String> {
    let path = std::path::Path::new(manifest_dir).join("openapi.json");
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, generated).map_err(|e| format!("write {}: {e}", path.display()))?;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != generated {
        return Err(format!(
            "{} is stale: run `UPDATE_OPENAPI=1 cargo test -p {package} --test api openapi` and commit it",
            path.display()
        ));
    }
    Ok(())
}

/// Every `(method, path)` a document describes, sorted.
pub fn operations(doc: &OpenApi) -> Vec<(String, String)> {
    let json = serde_json::to_value(&doc.paths).unwrap_or_default();
    let mut found = Vec::new();
    if let Some(paths) = json.as_object() {
        for (path, item) in paths {
            for method in [
                "get", "post", "put", "delete", "options", "head", "patch", "trace",
            ] {
                if item.get(method).is_some() {
                    found.push((method.to_owned(), path.clone()));
                }
            }
        }
    }
    found.sort();
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ApiError;
    use actix_web::ResponseError;
    use actix_web::body::MessageBody;

    /// The schema describes what `ApiError` really sends: its body parses
    /// into `ErrorEnvelope`, which refuses any key the schema does not name.
    #[test]
    fn the_envelope_schema_is_what_errors_send() {
        let response = ApiError::bad_request("no such thing").error_response();
        let bytes = response.into_body().try_into_bytes().expect("a full body");
        let parsed: ErrorEnvelope = serde_json::from_slice(&bytes).expect("envelope");
        assert_eq!(parsed.error.code, "INVALID_DATA");
        assert_eq!(parsed.error.message, "no such thing");
    }

    /// The probe schema describes what `/healthz` answers.
    #[actix_web::test]
    async fn the_probe_schema_is_what_healthz_sends() {
        let app =
            actix_web::test::init_service(actix_web::App::new().configure(crate::health::routes))
                .await;
        let request = actix_web::test::TestRequest::get()
            .uri("/healthz")
            .to_request();
        let probe: Probe = actix_web::test::call_and_read_body_json(&app, request).await;
        assert_eq!((probe.status.as_str(), probe.database), ("ok", None));
        let documented = operations(&probes());
        assert!(documented.contains(&("get".to_owned(), "/healthz".to_owned())));
        assert_eq!(documented.len(), 4);
    }

    #[test]
    fn schemes_are_bearer_credentials() {
        let mut doc = OpenApi::default();
        add_security_schemes(&mut doc, &[USER_TOKEN, SERVICE_TOKEN]);
        let json: serde_json::Value = serde_json::from_str(&to_json(&doc)).expect("json");
        let schemes = &json["components"]["securitySchemes"];
        assert_eq!(schemes[USER_TOKEN]["scheme"], "bearer");
        assert_eq!(schemes[USER_TOKEN]["bearerFormat"], "JWT");
        assert_eq!(schemes[SERVICE_TOKEN]["type"], "http");
        assert!(schemes.get(TRIGGER_TOKEN).is_none());
    }
}
