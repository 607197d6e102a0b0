//! The service's OpenAPI 3.1 document, derived from the handlers'
//! `#[utoipa::path]` annotations and the request and response types; served
//! at `GET /openapi.json` and committed as `services/receipt/openapi.json`
//! (`tests/api/openapi.rs` keeps the copy current).

use super::{account_statements, day_papers, legacy, receipts, seal_stamps};
use platform::openapi::{SERVICE_TOKEN, USER_TOKEN};
use std::sync::LazyLock;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "MarketBill receipt",
        license(name = "UNLICENSED"),
        description = "Transaction statements (거래명세서) as PDFs: issued for an order sheet, stored \
            (local directory or S3), served to the parties of the sheet. \
            Errors answer `{ \"error\": { \"code\", \"message\" } }`.",
    ),
    paths(
        receipts::issue_receipt,
        receipts::receipt_metadata,
        receipts::receipt_file,
        legacy::render,
        legacy::file,
        seal_stamps::refresh,
        account_statements::issue_account_statement,
        account_statements::account_statement_metadata,
        account_statements::account_statement_file,
        day_papers::pick_list,
        day_papers::packing_slips,
    ),
    tags(
        (name = "receipts", description = "Statements of order sheets: the sheet's parties, core and admins"),
        (name = "account statements", description = "A florist's day in one document, and statements of account between two dates: the pair's parties, core and admins"),
        (name = "renders", description = "The original file-process contract, for service callers"),
        (name = "day papers", description = "A wholesaler's day printed for the night shift: pick list and packing slips, rendered on demand"),
        (name = "seal stamps", description = "The supplier's seal stamp, fetched once and kept"),
        (name = "probes", description = "Liveness, readiness, metrics and this document"),
    )
)]
struct ApiDoc;

/// The whole document: this service's routes, the probes and the schemes.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.merge(platform::openapi::probes());
    platform::openapi::add_security_schemes(&mut doc, &[USER_TOKEN, SERVICE_TOKEN]);
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
    use crate::http::routes;
    use platform::openapi::{operations, served};

    /// Every route the service registers is documented, and nothing else
    /// (besides the probes, metrics and this document, which platform serves).
    #[test]
    fn the_document_describes_exactly_the_routes_served() {
        assert_eq!(served(routes), operations(&document()));
    }
}
