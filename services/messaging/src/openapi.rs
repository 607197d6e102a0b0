//! The service's OpenAPI 3.1 document, derived from the handlers'
//! `#[utoipa::path]` annotations and the request and response types; served
//! at `GET /openapi.json` and committed as `services/messaging/openapi.json`
//! (`tests/api/openapi.rs` keeps the copy current).

use crate::routes::{sms, verifications};
use platform::openapi::{SERVICE_TOKEN, USER_TOKEN};
use std::sync::LazyLock;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "MarketBill messaging",
        license(name = "UNLICENSED"),
        description = "SMS from templates through a provider, every send logged; phone verification codes. \
            Errors answer `{ \"error\": { \"code\", \"message\" } }`.",
    ),
    paths(sms::send, sms::status, verifications::request, verifications::confirm),
    tags(
        (name = "sms", description = "Sending from templates: core (service credential) and ADMIN users only"),
        (name = "verifications", description = "Phone verification codes: open to anyone, rate limited"),
        (name = "probes", description = "Liveness, readiness and this document"),
    )
)]
struct ApiDoc;

/// The whole document: this service's routes, the probes and the schemes.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.merge(platform::openapi::probes());
    platform::openapi::add_security_schemes(&mut doc, &[SERVICE_TOKEN, USER_TOKEN]);
    doc
}

/// [`document`] as served and committed.
pub fn json() -> &'static str {
    static JSON: LazyLock<String> = LazyLock::new(|| platform::openapi::to_json(&document()));
    &JSON
}

#[cfg(test)]
mod tests {
    use super::*;
    use platform::openapi::{operations, served};

    /// Every route the service registers is documented, and nothing else
    /// (besides the probes and this document, which platform serves).
    #[test]
    fn the_document_describes_exactly_the_routes_served() {
        assert_eq!(served(crate::routes::configure), operations(&document()));
    }
}
