//! The original file-process contract (`orderNo`, `retailer`, `wholesaler`,
//! `orderItems` in; `{file_name, file_path, file_format, metadata}` out), so
//! a client of the original keeps working. Service callers only: the body
//! carries everything printed, so nothing here could check ownership.
//! Nothing is recorded in `order_sheet_receipts` (the caller did that).

use super::pdf_response;
use crate::error::ReceiptError;
use crate::issue::{SHIPPING_FEE, StampSource, render_and_store};
use crate::state::AppState;
use crate::statement::{Buyer, LineInput, Statement, Supplier, has_issuable_prices};
use actix_web::{HttpResponse, web};
use domain::{DomainError, ErrorCode, TaxKind};
use platform::ApiError;
use platform::caller::Caller;
use platform::openapi::ErrorEnvelope;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The original file-process contract: everything printed is in the body.
/// Unknown keys are refused, as the original's dataclasses did.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RenderRequest {
    pub order_no: String,
    pub retailer: Retailer,
    pub wholesaler: Wholesaler,
    pub order_items: Vec<Item>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Retailer {
    pub name: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Wholesaler {
    pub business_no: String,
    pub company_name: String,
    pub employer_name: String,
    /// Fetched under the same guard as business-info stamps (public
    /// addresses only); empty for none. A stamp that cannot be used is left
    /// off the statement, never a reason to fail it.
    pub seal_stamp_img_url: String,
    pub address: String,
    pub company_phone_no: String,
    pub business_main_category: String,
    pub business_sub_category: String,
    pub bank_account: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Item {
    pub flower: Flower,
    #[schema(minimum = 1)]
    pub quantity: i64,
    pub grade: String,
    /// Required key, nullable value (as in the original): a line without a
    /// price is printed as 단가 미정 and left out of the totals.
    #[schema(required = true, minimum = 0)]
    pub price: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Flower {
    /// `배송비` (shipping fee) is taxable; every other line is an exempt flower.
    pub name: String,
    pub flower_type: FlowerType,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FlowerType {
    pub name: String,
}

impl RenderRequest {
    /// Every text of the request, to refuse NUL characters before anything
    /// is drawn or stored (PostgreSQL text cannot hold them).
    fn texts(&self) -> impl Iterator<Item = &str> {
        let w = &self.wholesaler;
        [
            self.order_no.as_str(),
            &self.retailer.name,
            &w.business_no,
            &w.company_name,
            &w.employer_name,
            &w.seal_stamp_img_url,
            &w.address,
            &w.company_phone_no,
            &w.business_main_category,
            &w.business_sub_category,
            &w.bank_account,
        ]
        .into_iter()
        .chain(self.order_items.iter().flat_map(|item| {
            [
                item.flower.name.as_str(),
                &item.flower.flower_type.name,
                &item.grade,
            ]
        }))
    }
}

/// The original's answer (snake_case, as it was).
#[derive(Debug, Serialize, ToSchema)]
pub struct RenderResponse {
    pub file_name: String,
    /// Where the file is served: `GET /v1/renders/{name}`.
    pub file_path: String,
    /// `.pdf`
    pub file_format: String,
    /// JSON text describing the statement (totals, lines, stamp).
    pub metadata: String,
}

/// Render a statement from the original file-process contract.
///
/// For service callers only: the body carries everything printed, so
/// nothing here could check ownership. Nothing is recorded in
/// `order_sheet_receipts` (the caller did that).
#[utoipa::path(
    post,
    path = "/v1/receipts/render",
    tag = "renders",
    request_body = RenderRequest,
    security(("serviceToken" = [])),
    responses(
        (status = 201, description = "Rendered and stored", body = RenderResponse),
        (status = 400, description = "`INVALID_DATA` (malformed body or unknown keys, NUL characters, a quantity that is not positive or a negative price), `NO_PRICE_ORDER_ITEM` (no priced line)", body = ErrorEnvelope),
        (status = 401, description = "No or an invalid credential: `UNAUTHENTICATED`, `INVALID_TOKEN`, `TOKEN_EXPIRED`", body = ErrorEnvelope),
        (status = 403, description = "`PERMISSION_DENIED`: a user token (services only)", body = ErrorEnvelope),
        (status = 503, description = "`UNAVAILABLE` (database) or `STORAGE_UNAVAILABLE` (object storage); retry later", body = ErrorEnvelope, headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub(super) async fn render(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Json<RenderRequest>,
) -> Result<HttpResponse, ApiError> {
    if caller != Caller::Service {
        return Err(ApiError::forbidden());
    }
    let request = body.into_inner();
    if request.texts().any(|t| t.contains('\0')) {
        return Err(DomainError::with_message(
            ErrorCode::InvalidData,
            "Text fields must not contain NUL characters.",
        )
        .into());
    }
    let mut inputs = Vec::with_capacity(request.order_items.len());
    for item in request.order_items {
        if item.quantity <= 0 || item.price.is_some_and(|p| p < 0) {
            return Err(ApiError::bad_request(
                "quantity must be positive and price must not be negative",
            ));
        }
        let tax = if item.flower.name == SHIPPING_FEE {
            TaxKind::Taxable
        } else {
            TaxKind::Exempt
        };
        inputs.push(LineInput {
            item_type: item.flower.flower_type.name,
            variety: item.flower.name,
            grade: Some(item.grade),
            quantity: item.quantity,
            unit_price: item.price,
            tax,
        });
    }
    let prices: Vec<Option<i64>> = inputs.iter().map(|i| i.unit_price).collect();
    if !has_issuable_prices(&prices) {
        return Err(DomainError::new(ErrorCode::NoPriceOrderItem).into());
    }
    let w = request.wholesaler;
    let supplier = Supplier {
        business_no: w.business_no,
        company_name: w.company_name,
        employer_name: w.employer_name,
        address: w.address,
        phone: w.company_phone_no,
        main_category: w.business_main_category,
        sub_category: w.business_sub_category,
        bank_account: w.bank_account,
    };
    let buyer = Buyer {
        name: request.retailer.name,
        business: None,
    };
    let statement = Statement::new(
        request.order_no,
        chrono::Utc::now(),
        supplier,
        buyer,
        inputs,
    )
    .map_err(DomainError::from)?;
    let name = uuid::Uuid::new_v4().simple().to_string();
    let stored = render_and_store(
        &state,
        statement,
        &StampSource::Url(w.seal_stamp_img_url),
        &format!("renders/{name}"),
    )
    .await?;
    let object = stored
        .key
        .strip_prefix("renders/")
        .unwrap_or(&stored.key)
        .to_owned();
    Ok(HttpResponse::Created().json(RenderResponse {
        file_name: stored.file_name,
        file_path: format!("{}/v1/renders/{object}", state.public_base_url),
        file_format: ".pdf".to_owned(),
        metadata: stored.metadata,
    }))
}

/// Download a file rendered by the original contract.
///
/// For service callers (and admins).
#[utoipa::path(
    get,
    path = "/v1/renders/{name}",
    tag = "renders",
    params(("name" = String, Path, description = "The file's name, as in `file_path` (`<hex>.pdf`)")),
    security(("serviceToken" = []), ("userToken" = [])),
    responses(
        (status = 200, description = "The PDF", body = Vec<u8>, content_type = "application/pdf"),
        (status = 401, description = "No or an invalid credential: `UNAUTHENTICATED`, `INVALID_TOKEN`, `TOKEN_EXPIRED`", body = ErrorEnvelope),
        (status = 403, description = "`PERMISSION_DENIED`: a user who is not an ADMIN", body = ErrorEnvelope),
        (status = 404, description = "`NO_ORDER_SHEET_RECEIPT`: no such file", body = ErrorEnvelope),
        (status = 503, description = "`STORAGE_UNAVAILABLE`: the object storage is unavailable, retry later", body = ErrorEnvelope, headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub(super) async fn file(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    if !(caller == Caller::Service || caller.is_admin()) {
        return Err(ApiError::forbidden());
    }
    let name = path.into_inner();
    let valid = name.len() <= 64
        && name.ends_with(".pdf")
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
    if !valid {
        return Err(ApiError::from(ReceiptError::code(
            ErrorCode::NoOrderSheetReceipt,
        )));
    }
    let bytes = state
        .storage
        .get(&format!("renders/{name}"))
        .await
        .map_err(ReceiptError::from)?;
    Ok(pdf_response(bytes, &name))
}
