//! Trading-partner links: a retailer applies to a wholesaler owner; the owner
//! (or its employees) confirms or rejects. An employee's request to join its
//! owner arrives in the same list and is answered here too (see `employees`).
//! Each change of a retailer's link queues its SMS in the same transaction
//! (notification_outbox), delivered after commit, and its audit event
//! (`trading::audit`).

use crate::accounts::employees;
use crate::app::{Error, Result, Viewer, on_unique_violation};
use crate::notifications::{Wakeup, sign_in_url};
use crate::trading::audit;
use db::DbPool;
use db::audit::Action;
use diesel_async::AsyncConnection;
use domain::{ApplyStatus, ErrorCode, Role};

const OWNERS_ONLY: &str =
    "You can only apply to a wholesaler's owner account (not an employee or a retailer).";
const NO_WHOLESALER: &str = "There's no user(wholesaler) that you hope to connect with.";

pub async fn apply(
    pool: &DbPool,
    app_base_url: &str,
    wakeup: &Wakeup,
    viewer: Viewer,
    wholesaler_id: i64,
) -> Result<db::connections::BizConnectionRow> {
    let mut conn = crate::app::conn(pool).await?;
    let retailer_url = sign_in_url(app_base_url, "wholesale");
    let row = conn
        .transaction::<_, Error, _>(async |conn| {
            let retailer_id = viewer.user_id.get();
            let existing = db::connections::live_between(conn, retailer_id, wholesaler_id).await?;
            if existing
                .iter()
                .any(|c| c.apply_status != ApplyStatus::Rejected.as_str())
            {
                return Err(Error::new(ErrorCode::BizConnectionDuplicated));
            }
            let (_, target) = db::users::live_account_by_id(conn, wholesaler_id)
                .await?
                .ok_or_else(|| Error::with_message(ErrorCode::NoUser, NO_WHOLESALER))?;
            if target.role != Role::WholesalerEmpr.as_str() {
                return Err(Error::with_message(ErrorCode::InvalidData, OWNERS_ONLY));
            }
            let (retailer, _) = db::users::live_account_by_id(conn, retailer_id)
                .await?
                .ok_or_else(|| Error::new(ErrorCode::NoUser))?;
            let row = db::connections::insert_application(conn, retailer_id, wholesaler_id)
                .await
                .map_err(on_unique_violation(ErrorCode::BizConnectionDuplicated))?;
            let status = Some(row.apply_status.as_str());
            let event = audit::link_changed(&row, Action::Applied, None, status, retailer_id);
            db::audit::record(conn, &event).await?;
            let args = [retailer.name, retailer_url.clone()];
            db::outbox::enqueue(conn, "ApplyBizConnection", &target.phone_no, &args).await?;
            Ok(row)
        })
        .await?;
    // Committed: deliver the SMS now rather than at the next poll.
    wakeup.wake();
    Ok(row)
}

pub async fn update(
    pool: &DbPool,
    app_base_url: &str,
    wakeup: &Wakeup,
    viewer: Viewer,
    connection_id: i64,
    status: ApplyStatus,
) -> Result<db::connections::BizConnectionRow> {
    let mut conn = crate::app::conn(pool).await?;
    let retail_url = sign_in_url(app_base_url, "retail");
    let row = conn
        .transaction::<_, Error, _>(async |conn| {
            let acting_for = match viewer.role {
                Role::WholesalerEmpe => db::connections::employer_of(conn, viewer.user_id.get())
                    .await?
                    .ok_or_else(|| Error::new(ErrorCode::NoWholesaleConnection))?,
                _ => viewer.user_id.get(),
            };
            let found = db::connections::live_for_update(conn, connection_id).await?;
            // Someone else's application looks exactly like a missing one.
            let current = found
                .filter(|c| c.wholesaler_id == acting_for)
                .ok_or_else(|| Error::new(ErrorCode::NoBizConnection))?;
            // An employee asking to join is answered by approving or refusing its link.
            let applicant = db::users::live_account_by_id(conn, current.retailer_id).await?;
            if applicant.is_some_and(|(_, c)| c.role == Role::WholesalerEmpe.as_str()) {
                return employees::answer_application(conn, viewer, &current, status).await;
            }
            let row = db::connections::set_status(conn, current.id, status.as_str()).await?;
            if current.apply_status != row.apply_status {
                let action = match status {
                    ApplyStatus::Confirmed => Action::Confirmed,
                    ApplyStatus::Rejected => Action::Rejected,
                    ApplyStatus::Applying => Action::Updated,
                };
                let (before, after) = (Some(current.apply_status.as_str()), Some(status.as_str()));
                let event = audit::link_changed(&row, action, before, after, viewer.user_id.get());
                db::audit::record(conn, &event).await?;
            }
            let template = match status {
                ApplyStatus::Confirmed => Some("ConfirmBizConnection"),
                ApplyStatus::Rejected => Some("RejectBizConnection"),
                ApplyStatus::Applying => None,
            };
            if let (Some(template), true) = (template, current.apply_status != status.as_str()) {
                let (wholesaler, _) = db::users::live_account_by_id(conn, acting_for)
                    .await?
                    .ok_or_else(|| Error::new(ErrorCode::NoUser))?;
                if let Some((_, retailer)) =
                    db::users::live_account_by_id(conn, current.retailer_id).await?
                {
                    let args = [wholesaler.name.clone(), wholesaler.name, retail_url.clone()];
                    db::outbox::enqueue(conn, template, &retailer.phone_no, &args).await?;
                }
            }
            Ok(row)
        })
        .await?;
    wakeup.wake();
    Ok(row)
}
