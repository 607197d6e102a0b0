//! The wholesaler's day on paper: `GET /v1/pick-lists/{day}` and
//! `GET /v1/packing-slips/{day}`, rendered on demand from the live sheets
//! (they change as orders arrive, so nothing is stored or cached).

use crate::access::day_wholesaler;
use crate::error::ReceiptError;
use crate::pdf::{self, DayHeading, Paper, Rendered};
use crate::state::AppState;
use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType};
use actix_web::{HttpResponse, web};
use chrono::{NaiveDate, Utc};
use db::pick_list::Limits;
use domain::{DomainError, ErrorCode};
use platform::ApiError;
use platform::caller::Caller;
use platform::openapi::ErrorEnvelope;
use serde::Deserialize;

/// What one printed day holds: more than a screen's answer (core's), still
/// bounded; a cut list says so on the paper.
const LIMITS: Limits = Limits {
    lines: 2_000,
    slips: 500,
    slip_lines: 300,
    order_nos: 30,
};

/// Kept as text so that a bad value is answered with this service's codes.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct DayQuery {
    layout: Option<String>,
    wholesaler_id: Option<String>,
}

/// The parsed request: the day, the paper, the wholesaler named (if any).
struct DayRequest {
    day: NaiveDate,
    paper: Paper,
    named: Option<i64>,
}

fn invalid(code: ErrorCode, message: &str) -> ApiError {
    DomainError::with_message(code, message).into()
}

fn parse(day: &str, query: &DayQuery) -> Result<DayRequest, ApiError> {
    let day = NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .map_err(|_| invalid(ErrorCode::InvalidFormat, "day must be a date, yyyy-MM-dd"))?;
    if !db::pick_list::day_in_range(day) {
        return Err(invalid(
            ErrorCode::InvalidData,
            "day out of range (years 2000 to 2100)",
        ));
    }
    let paper = match query.layout.as_deref() {
        None => Paper::A4,
        Some(value) => Paper::parse(value)
            .ok_or_else(|| invalid(ErrorCode::InvalidData, "layout must be a4 or thermal"))?,
    };
    let named =
        match query.wholesaler_id.as_deref() {
            None => None,
            Some(value) => Some(value.parse::<i64>().ok().filter(|id| *id > 0).ok_or_else(
                || {
                    invalid(
                        ErrorCode::InvalidData,
                        "wholesalerId must be a positive integer",
                    )
                },
            )?),
        };
    Ok(DayRequest { day, paper, named })
}

/// Which paper of the day.
#[derive(Clone, Copy)]
enum Kind {
    PickList,
    PackingSlips,
}

async fn day_paper(
    state: &AppState,
    caller: &Caller,
    day: &str,
    query: &DayQuery,
    kind: Kind,
) -> Result<HttpResponse, ApiError> {
    let request = parse(day, query)?;
    // The connection is held for the reading only, not while drawing.
    let (heading, data) = {
        let mut conn = state.pool.get().await.map_err(db::DbError::from)?;
        let wholesaler = day_wholesaler(&mut conn, caller, request.named).await?;
        let heading = DayHeading {
            wholesaler: wholesaler_name(&mut conn, wholesaler).await?,
            day: request.day,
            printed_at: Utc::now(),
        };
        let data = match kind {
            Kind::PickList => Data::PickList(
                db::pick_list::pick_list(&mut conn, wholesaler, request.day, LIMITS)
                    .await
                    .map_err(ReceiptError::from)?,
            ),
            Kind::PackingSlips => Data::Slips(
                db::pick_list::packing_slips(&mut conn, wholesaler, request.day, LIMITS)
                    .await
                    .map_err(ReceiptError::from)?,
            ),
        };
        (heading, data)
    };
    let fonts = state.fonts.clone();
    let paper = request.paper;
    let file_heading = heading.clone();
    let rendered: Rendered = tokio::task::spawn_blocking(move || match &data {
        Data::PickList(list) => pdf::pick_list::render(list, &heading, paper, &fonts),
        Data::Slips(slips) => pdf::packing_slips::render(slips, &heading, paper, &fonts),
    })
    .await
    .map_err(|e| ApiError::internal("rendering a day's paper", e))?
    .map_err(ReceiptError::from)?;
    let name = match kind {
        Kind::PickList => "pick-list",
        Kind::PackingSlips => "packing-slips",
    };
    let paper_name = match paper {
        Paper::A4 => "a4",
        Paper::Thermal => "thermal",
    };
    Ok(fresh_pdf(
        rendered.bytes,
        &format!("{name}-{}-{paper_name}.pdf", file_heading.day),
    ))
}

enum Data {
    PickList(db::pick_list::PickList),
    Slips(db::pick_list::PackingSlips),
}

/// The company name from the wholesaler's business info, else its account name.
async fn wholesaler_name(
    conn: &mut diesel_async::AsyncPgConnection,
    wholesaler: i64,
) -> Result<String, ReceiptError> {
    let infos = db::business_infos::live_by_user_ids(conn, &[wholesaler]).await?;
    if let Some(company) = infos
        .iter()
        .map(|i| i.company_name.trim())
        .find(|c| !c.is_empty())
    {
        return Ok(company.to_owned());
    }
    let users = db::users::users_by_ids_any_state(conn, &[wholesaler]).await?;
    Ok(users
        .into_iter()
        .next()
        .map_or_else(|| "-".to_owned(), |u| u.name))
}

/// A PDF that is out of date as soon as the next order arrives: never kept.
fn fresh_pdf(bytes: Vec<u8>, file_name: &str) -> HttpResponse {
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
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(bytes)
}

/// Print the day's pick list (피킹 리스트).
///
/// Stems to pull from stock per flower and grade over the wholesaler's live
/// order sheets of the KST day (as core's day view counts a sheet), free-text
/// lines flagged, the shipping fee left out; in walking order (flower type,
/// flower, 상/중/하). Rendered on each request (`Cache-Control: no-store`).
/// A wholesaler's owner or approved employee prints its own company's (a
/// `wholesalerId` naming another is refused); the service credential names
/// the wholesaler with `wholesalerId`. At most 2,000 lines: a longer day is
/// cut and the paper says so (the totals are the whole day's).
#[utoipa::path(
    get,
    path = "/v1/pick-lists/{day}",
    tag = "day papers",
    params(
        ("day" = String, Path, description = "The KST business day, `yyyy-MM-dd`"),
        ("layout" = Option<String>, Query, description = "`a4` (default: a table, its header on every page) or `thermal` (an 80 mm roll, 226.77 pt wide)"),
        ("wholesalerId" = Option<i64>, Query, description = "Required with the service credential; a user may name only its own company"),
    ),
    security(("userToken" = []), ("serviceToken" = [])),
    responses(
        (status = 200, description = "The PDF (`Content-Disposition: inline; filename*=UTF-8''pick-list-<day>-<layout>.pdf`, `Cache-Control: no-store`)", body = Vec<u8>, content_type = "application/pdf"),
        (status = 400, description = "`INVALID_FORMAT` (the day is not `yyyy-MM-dd`), `INVALID_DATA` (a day outside 2000–2100, an unknown layout, a malformed `wholesalerId`, or none with the service credential), `NO_WHOLESALE_CONNECTION` (an employee no owner has approved)", body = ErrorEnvelope),
        (status = 401, description = "No or an invalid credential: `UNAUTHENTICATED`, `INVALID_TOKEN`, `TOKEN_EXPIRED`", body = ErrorEnvelope),
        (status = 403, description = "`PERMISSION_DENIED`: a florist, an admin, or a user naming another company", body = ErrorEnvelope),
        (status = 404, description = "`NO_WHOLESALER`: the service named no wholesaler's owner account", body = ErrorEnvelope),
        (status = 503, description = "`UNAVAILABLE`: the database is unavailable, retry later", body = ErrorEnvelope, headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub(super) async fn pick_list(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    query: web::Query<DayQuery>,
) -> Result<HttpResponse, ApiError> {
    day_paper(&state, &caller, &path, &query, Kind::PickList).await
}

/// Print the day's packing slips (포장 전표).
///
/// One slip per florist with a live sheet that day, by florist name: its
/// name (and company name, when it registered business info), the order
/// numbers of its sheets, each line (type, flower, grade, quantity, memo;
/// the same flower, grade and memo across its sheets added up) and its total
/// stems. On A4 each slip starts a page; on the roll a cut line separates
/// them. Who may print it, the caching and the errors as for the pick list.
/// At most 500 slips of 300 lines each, cut with a note on the paper.
#[utoipa::path(
    get,
    path = "/v1/packing-slips/{day}",
    tag = "day papers",
    params(
        ("day" = String, Path, description = "The KST business day, `yyyy-MM-dd`"),
        ("layout" = Option<String>, Query, description = "`a4` (default: a page per slip, the table header on every page) or `thermal` (an 80 mm roll, 226.77 pt wide)"),
        ("wholesalerId" = Option<i64>, Query, description = "Required with the service credential; a user may name only its own company"),
    ),
    security(("userToken" = []), ("serviceToken" = [])),
    responses(
        (status = 200, description = "The PDF (`Content-Disposition: inline; filename*=UTF-8''packing-slips-<day>-<layout>.pdf`, `Cache-Control: no-store`)", body = Vec<u8>, content_type = "application/pdf"),
        (status = 400, description = "`INVALID_FORMAT` (the day is not `yyyy-MM-dd`), `INVALID_DATA` (a day outside 2000–2100, an unknown layout, a malformed `wholesalerId`, or none with the service credential), `NO_WHOLESALE_CONNECTION` (an employee no owner has approved)", body = ErrorEnvelope),
        (status = 401, description = "No or an invalid credential: `UNAUTHENTICATED`, `INVALID_TOKEN`, `TOKEN_EXPIRED`", body = ErrorEnvelope),
        (status = 403, description = "`PERMISSION_DENIED`: a florist, an admin, or a user naming another company", body = ErrorEnvelope),
        (status = 404, description = "`NO_WHOLESALER`: the service named no wholesaler's owner account", body = ErrorEnvelope),
        (status = 503, description = "`UNAVAILABLE`: the database is unavailable, retry later", body = ErrorEnvelope, headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub(super) async fn packing_slips(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    query: web::Query<DayQuery>,
) -> Result<HttpResponse, ApiError> {
    day_paper(&state, &caller, &path, &query, Kind::PackingSlips).await
}
