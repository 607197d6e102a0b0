//! `POST /v1/verifications` and `/v1/verifications/confirm`: open to anyone
//! (sign-up happens before there is an account), hence the rate limits.

use crate::error::Error;
use crate::sending::{FAILURE, Messenger, NOT_ALLOWLISTED};
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use domain::{DomainError, PhoneNumber};
use platform::client_ip::client_ip;
use platform::error::ApiError;
use platform::openapi::ErrorEnvelope;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CodeRequest {
    /// The mobile number to prove: `010-1234-5678` or `01012345678`
    /// (spaces are accepted as separators too).
    #[schema(
        example = "010-1234-5678",
        pattern = "^(010-?[0-9]{4}|01[16789]-?[0-9]{3,4})-?[0-9]{4}$"
    )]
    phone_no: String,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct CodeAnswer {
    /// False when the development allowlist withheld the text.
    sent: bool,
    expires_at: DateTime<Utc>,
    expires_in_seconds: u64,
}

#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Confirmation {
    #[schema(
        example = "010-1234-5678",
        pattern = "^(010-?[0-9]{4}|01[16789]-?[0-9]{3,4})-?[0-9]{4}$"
    )]
    phone_no: String,
    /// The 6-digit code the SMS carried.
    #[schema(example = "123456", pattern = "^[0-9]{6}$")]
    code: String,
}

fn phone(raw: &str) -> Result<PhoneNumber, ApiError> {
    PhoneNumber::parse(raw).map_err(|e| DomainError::from(e).into())
}

/// Send a verification code to a phone.
///
/// 201 when the code went out, 202 when the allowlist withheld it, 502 when
/// the provider refused it (the caller may ask again). No login (sign-up
/// happens before there is an account), hence the limits per phone, per
/// client address and over all clients.
#[utoipa::path(
    post,
    path = "/v1/verifications",
    tag = "verifications",
    request_body = CodeRequest,
    security(()),
    responses(
        (status = 201, description = "The code was sent; valid until `expiresAt`", body = CodeAnswer),
        (status = 202, description = "Withheld by the development allowlist (`sent: false`)", body = CodeAnswer),
        (status = 400, description = "`INVALID_DATA` (malformed body), `INVALID_FORMAT` (not a mobile number)", body = ErrorEnvelope),
        (status = 429, description = "`TOO_MANY_ATTEMPTS`: too many codes for this phone, from this address, or overall", body = ErrorEnvelope, headers(("Retry-After" = u64, description = "Seconds until a slot frees up"))),
        (status = 502, description = "`SMS_NOT_REACHED`: the SMS provider refused or could not be reached", body = ErrorEnvelope),
        (status = 503, description = "`UNAVAILABLE`: the database is unavailable, retry later", body = ErrorEnvelope, headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub async fn request(
    req: HttpRequest,
    body: web::Json<CodeRequest>,
    messenger: web::Data<Messenger>,
) -> Result<HttpResponse, ApiError> {
    let to = phone(&body.phone_no)?;
    let ip = client_ip(&req, messenger.trust_forwarded_for);
    let sent = messenger.request_code(to, ip).await?;
    let withheld = sent.log.error_code.as_deref() == Some(NOT_ALLOWLISTED);
    if sent.log.status == FAILURE && !withheld {
        return Err(Error::NotDelivered.into());
    }
    let answer = CodeAnswer {
        sent: !withheld,
        expires_at: sent.expires_at,
        expires_in_seconds: messenger.limits.code_ttl.as_secs(),
    };
    Ok(if withheld {
        HttpResponse::Accepted().json(answer)
    } else {
        HttpResponse::Created().json(answer)
    })
}

/// A confirmed number: `verified` as before, plus the proof core accepts
/// for sign-up and password reset.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct Confirmed {
    verified: bool,
    phone_proof: String,
    expires_at: DateTime<Utc>,
}

/// Confirm a phone with the code it received.
///
/// Answers a single-use phone proof that core accepts for sign-up and
/// password reset (`Cache-Control: no-store`). At most 5 guesses per code.
#[utoipa::path(
    post,
    path = "/v1/verifications/confirm",
    tag = "verifications",
    request_body = Confirmation,
    security(()),
    responses(
        (status = 200, description = "Confirmed", body = Confirmed),
        (status = 400, description = "`INVALID_DATA` (malformed body), `INVALID_FORMAT` (phone number, a code that is not 6 digits), `VERIFICATION_EXPIRED`, `VERIFICATION_CODE_MISMATCH`", body = ErrorEnvelope),
        (status = 404, description = "`NO_VERIFICATION`: no open code for this phone", body = ErrorEnvelope),
        (status = 429, description = "`TOO_MANY_ATTEMPTS`: too many wrong codes; request a new one", body = ErrorEnvelope),
        (status = 503, description = "`UNAVAILABLE`: the database is unavailable, retry later", body = ErrorEnvelope, headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub async fn confirm(
    body: web::Json<Confirmation>,
    messenger: web::Data<Messenger>,
) -> Result<HttpResponse, ApiError> {
    let to = phone(&body.phone_no)?;
    let proof = messenger.confirm_code(&to, body.code.trim()).await?;
    Ok(HttpResponse::Ok()
        // The proof is a credential: no cache may keep the answer.
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .json(Confirmed {
            verified: true,
            phone_proof: proof.token,
            expires_at: proof.expires_at,
        }))
}
