//! The HTTP API: `/v1/sms` for core and admins, `/v1/verifications` for anyone.
//! Each handler is added with its `#[utoipa::path]`, so the routes served are
//! the ones `crate::openapi` documents.

pub(crate) mod sms;
pub(crate) mod verifications;

use platform::openapi::Routes;

pub fn configure(routes: &mut impl Routes) {
    routes
        .add(sms::__path_send, sms::send)
        .add(sms::__path_status, sms::status)
        .add(verifications::__path_request, verifications::request)
        .add(verifications::__path_confirm, verifications::confirm);
}
