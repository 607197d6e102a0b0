//! The service's OpenAPI 3.1 document, derived from the handlers'
//! `#[utoipa::path]` annotations and the request and response types; served
//! at `GET /openapi.json` and committed as `services/scheduler/openapi.json`
//! (`tests/api/openapi.rs` keeps the copy current).

use crate::{auction_results, jobs};
use platform::openapi::{SERVICE_TOKEN, TRIGGER_TOKEN, USER_TOKEN};
use std::sync::LazyLock;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "MarketBill scheduler",
        license(name = "UNLICENSED"),
        description = "Pulls the public flower-auction results (aT) into the catalogue, triggered over \
            HTTP by cron; takes wholesalers' own purchase lines. Never exposed to browsers. \
            Errors answer `{ \"error\": { \"code\", \"message\" } }`.",
    ),
    paths(jobs::trigger_sync, jobs::runs, auction_results::upload_results),
    tags(
        (name = "jobs", description = "The auction sync and its run log: cron (trigger token) or ADMIN users"),
        (name = "auction results", description = "A wholesaler's own auction purchases"),
        (name = "probes", description = "Liveness, readiness, metrics and this document"),
    )
)]
struct ApiDoc;

/// The whole document: this service's routes, the probes and the schemes.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.merge(platform::openapi::probes());
    platform::openapi::add_security_schemes(&mut doc, &[TRIGGER_TOKEN, USER_TOKEN, SERVICE_TOKEN]);
    doc
}

/// [`document`] as served and committed.
pub fn json() -> &'static str {
    static JSON: LazyLock<String> = LazyLock::new(|| platform::openapi::to_json(&document()));
    &JSON
}

/// Registers every route of the service.
pub fn routes(routes: &mut impl platform::openapi::Routes) {
    jobs::routes(routes);
    auction_results::routes(routes);
}

#[cfg(test)]
mod tests {
    use super::*;
    use platform::openapi::{operations, served};

    /// Every route the service registers is documented, and nothing else
    /// (besides the probes, metrics and this document, which platform serves).
    #[test]
    fn the_document_describes_exactly_the_routes_served() {
        assert_eq!(served(routes), operations(&document()));
    }
}
