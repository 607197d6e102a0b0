//! What the OpenAPI 3.1 documents of the REST services (receipt, messaging,
//! scheduler) share: the error envelope as a schema, the bearer credentials as
//! security schemes, and `GET /openapi.json`. Each service derives its own
//! document from its handlers' `#[utoipa::path]` annotations and its request
//! and response types (`<service>/src/openapi.rs`) and commits it as a
//! snapshot that a test keeps current.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa::openapi::OpenApi;
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
