//! `POST /v1/sms` and `GET /v1/sms/{id}`: only core (service credential) and
//! ADMIN users, so the service is no open SMS relay.

use crate::sending::{Messenger, NOT_ALLOWLISTED, SendRequest, Sent};
use crate::template::Template;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use db::messaging::SmsLogRow;
use domain::{DomainError, ErrorCode, PhoneNumber};
use platform::api::messaging::{SendSms, SmsLog};
use platform::caller::Caller;
use platform::error::ApiError;

const IDEMPOTENCY_HEADER: &str = "idempotency-key";
const MAX_IDEMPOTENCY_KEY_LEN: usize = 255;

fn require_operator(caller: &Caller) -> Result<(), ApiError> {
    if matches!(caller, Caller::Service) || caller.is_admin() {
        Ok(())
    } else {
        Err(ApiError::forbidden())
    }
}

fn idempotency_key(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(value) = req.headers().get(IDEMPOTENCY_HEADER) else {
        return Ok(None);
    };
    let key = value.to_str().unwrap_or_default().trim();
    let valid = !key.is_empty()
        && key.len() <= MAX_IDEMPOTENCY_KEY_LEN
        && key.bytes().all(|b| b.is_ascii_graphic());
    if valid {
        Ok(Some(key.to_owned()))
    } else {
        Err(DomainError::with_message(
            ErrorCode::InvalidFormat,
            "Idempotency-Key must be 1 to 255 visible ASCII characters.",
        )
        .into())
    }
}

pub fn to_contract(row: SmsLogRow) -> SmsLog {
    SmsLog {
        id: row.id,
        status: row.status,
        message_type: row.msg_type,
        template: row.template,
        provider: row.provider,
        provider_request_id: row.provider_request_id,
        attempts: row.attempts,
        error_code: row.error_code,
        created_at: row.created_at,
    }
}

/// 201 for a message this request handled (whatever its outcome), 202 when
/// the development allowlist withheld it (accepted, not sent), 200 with the
/// first outcome for a repeated idempotency key.
pub async fn send(
    caller: Caller,
    req: HttpRequest,
    body: web::Json<SendSms>,
    messenger: web::Data<Messenger>,
) -> Result<HttpResponse, ApiError> {
    require_operator(&caller)?;
    let idempotency_key = idempotency_key(&req)?;
    let SendSms { to, template, args } = body.into_inner();
    let template = Template::from_name(&template)?;
    let to = PhoneNumber::parse(&to).map_err(DomainError::from)?;
    let message = template.render(&args)?;
    let sent = messenger
        .send(SendRequest {
            to,
            message,
            idempotency_key,
            requested_by: caller.label(),
        })
        .await?;
    let (status, row) = match sent {
        Sent::Repeated(row) => (StatusCode::OK, row),
        Sent::New(row) if row.error_code.as_deref() == Some(NOT_ALLOWLISTED) => {
            (StatusCode::ACCEPTED, row)
        }
        Sent::New(row) => (StatusCode::CREATED, row),
    };
    Ok(HttpResponse::build(status).json(to_contract(row)))
}

pub async fn status(
    caller: Caller,
    id: web::Path<i64>,
    messenger: web::Data<Messenger>,
) -> Result<HttpResponse, ApiError> {
    require_operator(&caller)?;
    let row = messenger
        .log(id.into_inner())
        .await?
        .ok_or_else(|| DomainError::new(ErrorCode::NoSmsLog))?;
    Ok(HttpResponse::Ok().json(to_contract(row)))
}
