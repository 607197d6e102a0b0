//! A user's switch for order alerts by SMS (`trading::alerts`): on by
//! default for a wholesaler's owner and for florists, off for employees
//! until they opt in. Operators receive none.

use crate::app::{Error, Result, Viewer};
use db::DbPool;
use domain::{ErrorCode, Role};

fn default_for(role: Role) -> bool {
    matches!(role, Role::WholesalerEmpr | Role::Retailer)
}

/// Whether the caller receives order alerts.
pub async fn get(pool: &DbPool, viewer: Viewer) -> Result<bool> {
    let mut conn = crate::app::conn(pool).await?;
    let chosen = db::alerts::setting(&mut conn, viewer.user_id.get()).await?;
    Ok(viewer.role != Role::Admin && chosen.unwrap_or(default_for(viewer.role)))
}

pub async fn set(pool: &DbPool, viewer: Viewer, on: bool) -> Result<bool> {
    if viewer.role == Role::Admin {
        return Err(Error::with_message(
            ErrorCode::PermissionDenied,
            "Operators receive no order alerts.",
        ));
    }
    let mut conn = crate::app::conn(pool).await?;
    db::alerts::set(&mut conn, viewer.user_id.get(), on).await?;
    Ok(on)
}
