//! `POST /v1/verifications` and `/v1/verifications/confirm`: open to anyone
//! (sign-up happens before there is an account), hence the rate limits.

use crate::error::Error;
use crate::sending::{FAILURE, Messenger, NOT_ALLOWLISTED};
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use domain::{DomainError, PhoneNumber};
use platform::client_ip::client_ip;
use platform::error::ApiError;
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CodeRequest {
    phone_no: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CodeAnswer {
    /// False when the development allowlist withheld the text.
    sent: bool,
    expires_at: DateTime<Utc>,
    expires_in_seconds: u64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Confirmation {
    phone_no: String,
    code: String,
}

fn phone(raw: &str) -> Result<PhoneNumber, ApiError> {
    PhoneNumber::parse(raw).map_err(|e| DomainError::from(e).into())
}

/// 201 when the code went out, 202 when the allowlist withheld it, 502 when
/// the provider refused it (the caller may ask again).
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
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Confirmed {
    verified: bool,
    phone_proof: String,
    expires_at: DateTime<Utc>,
}

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
