//! The REST API: statements of order sheets (`receipts`), daily statements
//! and statements of account (`account_statements`), the original
//! file-process contract (`legacy`), seal stamps, the day's papers (pick
//! list, packing slips: `day_papers`), and the OpenAPI document that
//! describes exactly these routes.

mod account_statements;
mod day_papers;
mod legacy;
pub mod openapi;
mod receipts;
mod seal_stamps;

use actix_web::HttpResponse;
use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType};
use platform::openapi::Routes;

/// Registers every route of the service. Each handler is added with its
/// `#[utoipa::path]`, so the routes served are the ones [`openapi`]
/// documents.
pub fn routes(routes: &mut impl Routes) {
    routes
        .add(receipts::__path_issue_receipt, receipts::issue_receipt)
        .add(legacy::__path_render, legacy::render)
        .add(legacy::__path_file, legacy::file)
        .add(
            receipts::__path_receipt_metadata,
            receipts::receipt_metadata,
        )
        .add(receipts::__path_receipt_file, receipts::receipt_file)
        .add(seal_stamps::__path_refresh, seal_stamps::refresh)
        .add(
            account_statements::__path_issue_account_statement,
            account_statements::issue_account_statement,
        )
        .add(
            account_statements::__path_account_statement_metadata,
            account_statements::account_statement_metadata,
        )
        .add(
            account_statements::__path_account_statement_file,
            account_statements::account_statement_file,
        )
        .add(day_papers::__path_pick_list, day_papers::pick_list)
        .add(day_papers::__path_packing_slips, day_papers::packing_slips);
}

/// The PDF itself. Objects never change, but they are private to the
/// parties, so only private caches may keep them.
fn pdf_response(bytes: Vec<u8>, file_name: &str) -> HttpResponse {
    let disposition = ContentDisposition {
        disposition: DispositionType::Inline,
        parameters: vec![DispositionParam::FilenameExt(header::ExtendedValue {
            charset: header::Charset::Ext("UTF-8".to_owned()),
            language_tag: None,
            value: file_name.as_bytes().to_vec(),
        })],
    };
    HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header(disposition)
        .insert_header((header::CACHE_CONTROL, "private, max-age=3600, immutable"))
        .body(bytes)
}
