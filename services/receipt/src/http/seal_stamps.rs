//! `POST /v1/users/{userId}/seal-stamp`: fetch the stamp named in the user's
//! business info now and keep it, so the next statement draws the stored
//! copy. Core can call it after saving business info (service credential); a
//! wholesaler may call it for itself (after changing the image behind the same
//! URL), an admin for anyone. Each call fetches, so calls are limited per user.

use crate::stamp::Stamps;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use chrono::{DateTime, TimeDelta, Utc};
use db::business_infos::SealStampRow;
use db::rate_limits::{Limit, Verdict};
use domain::{DomainError, ErrorCode};
use platform::ApiError;
use platform::caller::Caller;
use platform::openapi::ErrorEnvelope;
use serde::Serialize;
use utoipa::ToSchema;

/// Fetches one user may cause per hour through this endpoint.
const REFRESHES: Limit = Limit {
    scope: "receipt.seal_stamp.user",
    max: 20,
    window: TimeDelta::hours(1),
};

/// The outcome of a fetch, as recorded in `seal_stamps`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct SealStamp {
    user_id: i64,
    /// `stored`, `refused`, `broken` or `unavailable`.
    status: String,
    detail: Option<String>,
    content_type: Option<String>,
    byte_size: Option<i32>,
    width: Option<i32>,
    height: Option<i32>,
    fetched_at: DateTime<Utc>,
}

impl From<SealStampRow> for SealStamp {
    fn from(row: SealStampRow) -> Self {
        SealStamp {
            user_id: row.user_id,
            status: row.status.to_ascii_lowercase(),
            detail: row.detail,
            content_type: row.content_type,
            byte_size: row.byte_size,
            width: row.width,
            height: row.height,
            fetched_at: row.created_at,
        }
    }
}

/// Fetch and keep a user's seal stamp now.
///
/// Fetches the stamp named in the user's business info and keeps it, so the
/// next statement draws the stored copy. Core after saving business info
/// (service credential), the user itself, or an admin. Each call fetches, so
/// calls are limited per user (20 an hour). A stamp the guard refuses, that
/// is not a usable image or that could not be fetched this time is answered
/// 200 with its `status`.
#[utoipa::path(
    post,
    path = "/v1/users/{user_id}/seal-stamp",
    tag = "seal stamps",
    params(("user_id" = i64, Path, description = "The user whose business info names the stamp")),
    security(("serviceToken" = []), ("userToken" = [])),
    responses(
        (status = 200, description = "The attempt, recorded: `stored`, or why not (`refused`, `broken`, `unavailable`)", body = SealStamp),
        (status = 400, description = "`INVALID_DATA`: the id is not a 64-bit integer, or the business info names no stamp URL", body = ErrorEnvelope),
        (status = 401, description = "No or an invalid credential: `UNAUTHENTICATED`, `INVALID_TOKEN`, `TOKEN_EXPIRED`", body = ErrorEnvelope),
        (status = 403, description = "`PERMISSION_DENIED`: another user's stamp (not an admin)", body = ErrorEnvelope),
        (status = 404, description = "`NO_BUSINESS_INFO`: the user has no business info", body = ErrorEnvelope),
        (status = 429, description = "`TOO_MANY_ATTEMPTS`: too many fetches for this user this hour", body = ErrorEnvelope, headers(("Retry-After" = u64, description = "Seconds until a slot frees up"))),
        (status = 503, description = "`STORAGE_UNAVAILABLE` (the stamp could not be fetched or kept this time) or `UNAVAILABLE` (database); retry later", body = ErrorEnvelope, headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub(super) async fn refresh(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let user_id = path.into_inner();
    let may = match &caller {
        Caller::Service => true,
        Caller::User(user) => user.user_id.get() == user_id || caller.is_admin(),
    };
    if !may {
        return Err(ApiError::forbidden());
    }
    let url = {
        let mut conn = state.pool.get().await.map_err(db::DbError::from)?;
        let verdict = REFRESHES
            .hit(&mut conn, &user_id.to_string(), Utc::now())
            .await
            .map_err(db::DbError::from)?;
        if let Verdict::Refused { retry_after_secs } = verdict {
            return Err(ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                ErrorCode::TooManyAttempts.name(),
                "Too many seal stamp fetches for this user. Please try again later.",
            )
            .with_retry_after(retry_after_secs));
        }
        db::business_infos::live_by_user_id(&mut conn, user_id)
            .await
            .map_err(db::DbError::from)?
            .ok_or_else(|| DomainError::new(ErrorCode::NoBusinessInfo))?
            .fields
            .seal_stamp_img_url
    };
    // The connection is back in the pool before the network is touched.
    let row = fetch(&state.stamps, user_id, &url).await?;
    Ok(HttpResponse::Ok().json(SealStamp::from(row)))
}

async fn fetch(stamps: &Stamps, user_id: i64, url: &str) -> Result<SealStampRow, ApiError> {
    if url.trim().is_empty() {
        return Err(DomainError::with_message(
            ErrorCode::InvalidData,
            "The business info names no seal stamp URL.",
        )
        .into());
    }
    stamps.refresh(user_id, url).await.map_err(|status| {
        let detail = status.detail().unwrap_or("unavailable").to_owned();
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::StorageUnavailable.name(),
            format!("The seal stamp could not be kept: {detail}"),
        )
        .with_retry_after(2)
    })
}
