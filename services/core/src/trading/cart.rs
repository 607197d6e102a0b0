//! The retailer's cart: add, change, remove lines and choose the wholesaler.

use crate::app::{Error, Result, Viewer};
use crate::trading::scope::require_confirmed;
use db::DbPool;
use db::carts::{CartItemRow, NewLine, SessionRow};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use domain::{ErrorCode, FlowerGrade, Role};

/// Longest memo a cart line or session accepts (the original's HEAD rule).
pub const MAX_MEMO_CHARS: usize = 500;

pub struct LineInput {
    pub flower_id: i64,
    pub quantity: i32,
    pub grade: FlowerGrade,
    pub memo: Option<String>,
}

pub fn check_quantity(quantity: i32) -> Result<()> {
    if quantity > 0 {
        Ok(())
    } else {
        Err(Error::with_message(
            ErrorCode::InvalidData,
            "quantity must be a positive number.",
        ))
    }
}

pub fn check_memo(memo: Option<&str>) -> Result<()> {
    match memo {
        Some(memo) if memo.chars().count() > MAX_MEMO_CHARS => Err(Error::with_message(
            ErrorCode::InvalidData,
            format!("memo must be at most {MAX_MEMO_CHARS} characters."),
        )),
        _ => Ok(()),
    }
}

pub async fn add(pool: &DbPool, viewer: Viewer, input: LineInput) -> Result<CartItemRow> {
    check_quantity(input.quantity)?;
    check_memo(input.memo.as_deref())?;
    let mut conn = crate::app::conn(pool).await?;
    conn.transaction(async |conn| {
        if db::catalogue::flowers_by_ids(conn, &[input.flower_id])
            .await?
            .is_empty()
        {
            return Err(Error::with_message(
                ErrorCode::NoFlower,
                format!("There's no flower whose id is {}", input.flower_id),
            ));
        }
        let session = db::carts::open_session(conn, viewer.user_id.get()).await?;
        let line = NewLine {
            flower_id: input.flower_id,
            quantity: input.quantity,
            grade: input.grade.as_korean(),
            memo: input.memo.as_deref(),
        };
        Ok(db::carts::upsert_line(conn, &session, &line).await?)
    })
    .await
}

fn no_cart_item(id: i64) -> Error {
    Error::with_message(
        ErrorCode::NoCartItem,
        format!("There's no cart_item whose ID is {id}"),
    )
}

/// The caller's live line, with its session locked (cart edits and ordering
/// serialise on the session row).
async fn own_line(
    conn: &mut AsyncPgConnection,
    viewer: Viewer,
    id: i64,
) -> Result<(SessionRow, CartItemRow)> {
    let session = db::carts::live_session_for_update(conn, viewer.user_id.get())
        .await?
        .ok_or_else(|| no_cart_item(id))?;
    match db::carts::live_item(conn, id).await? {
        Some(item) if item.session_id == session.id => Ok((session, item)),
        _ => Err(no_cart_item(id)),
    }
}

/// Changes quantity, grade and memo; moving a line onto a grade the cart
/// already has merges the two (quantities added).
pub async fn update(
    pool: &DbPool,
    viewer: Viewer,
    id: i64,
    input: LineInput,
) -> Result<CartItemRow> {
    check_quantity(input.quantity)?;
    check_memo(input.memo.as_deref())?;
    let mut conn = crate::app::conn(pool).await?;
    conn.transaction(async |conn| {
        let (_, item) = own_line(conn, viewer, id).await?;
        let grade = input.grade.as_korean();
        let mut quantity = input.quantity;
        if let Some(other) = db::carts::other_line(conn, &item, grade).await? {
            quantity = other.quantity.checked_add(quantity).ok_or_else(|| {
                Error::with_message(ErrorCode::InvalidData, "quantity is too large.")
            })?;
            db::carts::remove_item(conn, other.id).await?;
        }
        Ok(db::carts::update_item(conn, item.id, quantity, grade, input.memo.as_deref()).await?)
    })
    .await
}

/// Removes a line; removing the last one closes the cart.
pub async fn remove(pool: &DbPool, viewer: Viewer, id: i64) -> Result<()> {
    let mut conn = crate::app::conn(pool).await?;
    conn.transaction(async |conn| {
        let (session, item) = own_line(conn, viewer, id).await.map_err(|_| {
            Error::with_message(
                ErrorCode::NoCartItem,
                "There's no cart item data want to delete.",
            )
        })?;
        if db::carts::count_live_items(conn, session.id).await? <= 1 {
            db::carts::remove_session(conn, session.id).await?;
        } else {
            db::carts::remove_item(conn, item.id).await?;
        }
        Ok(())
    })
    .await
}

/// Chooses the wholesaler (must be a wholesaler owner with a CONFIRMED
/// connection) and/or the memo of the open cart.
pub async fn update_session(
    pool: &DbPool,
    viewer: Viewer,
    wholesaler_id: Option<i64>,
    memo: Option<String>,
) -> Result<SessionRow> {
    check_memo(memo.as_deref())?;
    let mut conn = crate::app::conn(pool).await?;
    conn.transaction(async |conn| {
        let retailer = viewer.user_id.get();
        let session = db::carts::live_session_for_update(conn, retailer)
            .await?
            .ok_or_else(|| {
                Error::with_message(
                    ErrorCode::NoShoppingSession,
                    format!("There's no shopping session whose retailerID is {retailer}"),
                )
            })?;
        let wholesaler_id = wholesaler_id.or(session.wholesaler_id).ok_or_else(|| {
            Error::with_message(ErrorCode::InvalidData, "There's no input data to update.")
        })?;
        let no_wholesaler = || {
            Error::with_message(
                ErrorCode::NoUser,
                format!("There's no wholesaler whose ID is {wholesaler_id}"),
            )
        };
        let (_, credential) = db::users::live_account_by_id(conn, wholesaler_id)
            .await?
            .ok_or_else(no_wholesaler)?;
        if credential.role != Role::WholesalerEmpr.as_str() {
            return Err(no_wholesaler());
        }
        require_confirmed(conn, retailer, wholesaler_id).await?;
        Ok(db::carts::set_wholesaler(conn, &session, wholesaler_id, memo.as_deref()).await?)
    })
    .await
}
