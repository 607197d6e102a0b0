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
use platform::openapi::{ErrorEnvelope, IdempotencyKey};

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

/// Send an SMS from a template.
///
/// 201 for a message this request handled (whatever its outcome: a send the
/// provider refused is recorded as `FAILURE` and answered here too), 202 when
/// the development allowlist withheld it (accepted, not sent), 200 with the
/// first outcome for a repeated idempotency key. Core's service credential or
/// an ADMIN user only: no open SMS relay.
#[utoipa::path(
    post,
    path = "/v1/sms",
    tag = "sms",
    request_body = SendSms,
    params(IdempotencyKey),
    security(("serviceToken" = []), ("userToken" = [])),
    responses(
        (status = 201, description = "Handled by this request (sent, or refused by the provider: see `status`)", body = SmsLog),
        (status = 202, description = "Withheld by the development allowlist (`SMS_RECIPIENT_ALLOWLIST`): accepted, not sent", body = SmsLog),
        (status = 200, description = "A repeated Idempotency-Key: the first request's outcome", body = SmsLog),
        (status = 400, description = "`INVALID_DATA` (malformed body), `INVALID_FORMAT` (phone number, Idempotency-Key), `UNKNOWN_TEMPLATE`, `MESSAGE_TOO_LONG`", body = ErrorEnvelope),
        (status = 401, description = "No or an invalid credential: `UNAUTHENTICATED`, `INVALID_TOKEN`, `TOKEN_EXPIRED`", body = ErrorEnvelope),
        (status = 403, description = "`PERMISSION_DENIED`: a user who is not an ADMIN", body = ErrorEnvelope),
        (status = 422, description = "`IDEMPOTENCY_KEY_REUSED`: the key was used for another message", body = ErrorEnvelope),
        (status = 429, description = "`TOO_MANY_ATTEMPTS`: too many messages of this template to this recipient in the hour", body = ErrorEnvelope, headers(("Retry-After" = u64, description = "Seconds until a slot frees up"))),
        (status = 503, description = "`UNAVAILABLE`: the database is unavailable, retry later", body = ErrorEnvelope, headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
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

/// Read one send back.
#[utoipa::path(
    get,
    path = "/v1/sms/{id}",
    tag = "sms",
    params(("id" = i64, Path, description = "The send's id (`SmsLog.id`)")),
    security(("serviceToken" = []), ("userToken" = [])),
    responses(
        (status = 200, description = "The send as recorded", body = SmsLog),
        (status = 400, description = "`INVALID_DATA`: the id is not a 64-bit integer", body = ErrorEnvelope),
        (status = 401, description = "No or an invalid credential: `UNAUTHENTICATED`, `INVALID_TOKEN`, `TOKEN_EXPIRED`", body = ErrorEnvelope),
        (status = 403, description = "`PERMISSION_DENIED`: a user who is not an ADMIN", body = ErrorEnvelope),
        (status = 404, description = "`NO_SMS_LOG`: no such send", body = ErrorEnvelope),
        (status = 503, description = "`UNAVAILABLE`: the database is unavailable, retry later", body = ErrorEnvelope, headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
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
