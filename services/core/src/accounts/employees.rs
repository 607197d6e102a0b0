//! Employees join a wholesaler only with its owner's consent.
//!
//! Signing up as `WHOLESALER_EMPE` under an owner's name makes a PENDING link
//! to that owner, which acts for nobody (`db::connections::employer_of` reads
//! approved links only), and an application (a `biz_connections` row from the
//! employee to the owner) in the list where the owner already answers
//! applications: the original client shows it under `receivedConnections`
//! and answers it with `updateBizConnection`, which for an employee's
//! application approves or refuses the link. Newer clients use
//! `pendingEmployees`, `approveEmployee` and `removeEmployee`.
//!
//! Only the owner (or an operator) decides: an approved employee may answer
//! retailers' applications for its employer, but not admit colleagues.

use crate::app::{Error, Result, Viewer};
use chrono::Utc;
use db::DbPool;
use db::connections::{BizConnectionRow, WholesalerConnectionRow};
use db::users::UserRow;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use domain::{ApplyStatus, ErrorCode, Role};

/// Sign-up's part: the pending link and the application the owner answers.
pub async fn request_to_join(
    conn: &mut AsyncPgConnection,
    owner_id: i64,
    employee_id: i64,
) -> Result<()> {
    db::connections::apply_as_employee(conn, owner_id, employee_id).await?;
    db::connections::insert_application(conn, employee_id, owner_id).await?;
    Ok(())
}

fn no_employee() -> Error {
    Error::with_message(
        ErrorCode::NoWholesaleConnection,
        "There's no employee of yours with this id.",
    )
}

/// The employee's live link, provided `viewer` may decide on it: its owner,
/// or an operator. Someone else's employee looks exactly like a missing one.
async fn decidable_link(
    conn: &mut AsyncPgConnection,
    viewer: Viewer,
    employee_id: i64,
) -> Result<WholesalerConnectionRow> {
    let link = db::connections::employee_link_for_update(conn, employee_id)
        .await?
        .ok_or_else(no_employee)?;
    let owner = viewer.role == Role::WholesalerEmpr && link.employer_id == viewer.user_id.get();
    if owner || viewer.role == Role::Admin {
        Ok(link)
    } else {
        Err(no_employee())
    }
}

/// The employee's open applications to its owner, closed with `status`.
async fn close_applications(
    conn: &mut AsyncPgConnection,
    link: &WholesalerConnectionRow,
    status: ApplyStatus,
) -> Result<()> {
    let now = Utc::now();
    for application in
        db::connections::live_between(conn, link.employee_id, link.employer_id).await?
    {
        if application.retailer_id == link.employee_id {
            db::connections::close_application(conn, application.id, status.as_str(), now).await?;
        }
    }
    Ok(())
}

/// `approveEmployee`: the employee acts for its owner from now on.
pub async fn approve(pool: &DbPool, viewer: Viewer, employee_id: i64) -> Result<UserRow> {
    let mut conn = crate::app::conn(pool).await?;
    conn.transaction(async |conn| {
        let link = decidable_link(conn, viewer, employee_id).await?;
        if !link.is_approved() {
            db::connections::approve_employee_link(conn, link.id).await?;
        }
        close_applications(conn, &link, ApplyStatus::Confirmed).await?;
        db::users::live_account_by_id(conn, employee_id)
            .await?
            .map(|(user, _)| user)
            .ok_or_else(|| Error::new(ErrorCode::NoUser))
    })
    .await
}

/// `removeEmployee`: refuses a pending employee or ends an approved one's
/// link. The account stays; it acts for nobody.
pub async fn remove(pool: &DbPool, viewer: Viewer, employee_id: i64) -> Result<()> {
    let mut conn = crate::app::conn(pool).await?;
    conn.transaction(async |conn| {
        let link = decidable_link(conn, viewer, employee_id).await?;
        db::connections::end_employee_link(conn, link.id, Utc::now()).await?;
        close_applications(conn, &link, ApplyStatus::Rejected).await
    })
    .await
}

/// `updateBizConnection` on an employee's application (the original client's
/// way to approve): CONFIRMED approves the link, REJECTED refuses it; either
/// takes the application off the lists. Runs in the caller's transaction,
/// with `application` already locked and known to be addressed to the
/// company `viewer` acts for.
pub async fn answer_application(
    conn: &mut AsyncPgConnection,
    viewer: Viewer,
    application: &BizConnectionRow,
    status: ApplyStatus,
) -> Result<BizConnectionRow> {
    if viewer.role != Role::WholesalerEmpr {
        return Err(Error::with_message(
            ErrorCode::PermissionDenied,
            "Only the owner approves employees.",
        ));
    }
    let link = db::connections::employee_link_for_update(conn, application.retailer_id)
        .await?
        .filter(|l| l.employer_id == application.wholesaler_id)
        .ok_or_else(|| Error::new(ErrorCode::NoBizConnection))?;
    let now = Utc::now();
    match status {
        ApplyStatus::Applying => Ok(application.clone()),
        ApplyStatus::Confirmed => {
            if !link.is_approved() {
                db::connections::approve_employee_link(conn, link.id).await?;
            }
            Ok(
                db::connections::close_application(conn, application.id, status.as_str(), now)
                    .await?,
            )
        }
        ApplyStatus::Rejected => {
            db::connections::end_employee_link(conn, link.id, now).await?;
            Ok(
                db::connections::close_application(conn, application.id, status.as_str(), now)
                    .await?,
            )
        }
    }
}
