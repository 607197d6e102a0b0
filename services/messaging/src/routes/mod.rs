//! The HTTP API: `/v1/sms` for core and admins, `/v1/verifications` for anyone.

mod sms;
mod verifications;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/v1")
            .route("/sms", web::post().to(sms::send))
            .route("/sms/{id}", web::get().to(sms::status))
            .route("/verifications", web::post().to(verifications::request))
            .route(
                "/verifications/confirm",
                web::post().to(verifications::confirm),
            ),
    );
}
