//! A wholesaler's order cut-off per weekday and whether florists may edit
//! after it (`domain::cutoff` computes a sheet's cut-off from it).

use crate::app::{Error, Result, Viewer};
use crate::trading::editing::schedule_of;
use crate::trading::scope::acting_wholesaler;
use db::DbPool;
use domain::cutoff::CutoffSchedule;
use domain::{ErrorCode, Role};

/// The schedule of `wholesaler_id`, or of the caller's company when a
/// wholesaler account omits it.
pub async fn schedule(
    pool: &DbPool,
    viewer: Viewer,
    wholesaler_id: Option<i64>,
) -> Result<(i64, CutoffSchedule)> {
    let mut conn = crate::app::conn(pool).await?;
    let id = match (wholesaler_id, viewer.role) {
        (Some(id), _) => id,
        (None, Role::WholesalerEmpr | Role::WholesalerEmpe) => {
            acting_wholesaler(&mut conn, viewer).await?
        }
        (None, _) => {
            return Err(Error::with_message(
                ErrorCode::InvalidData,
                "wholesalerId is required",
            ));
        }
    };
    let user = db::users::live_users_by_ids(&mut conn, &[id]).await?;
    let is_wholesaler = match user.first() {
        Some(_) => db::users::live_credentials_by_user_ids(&mut conn, &[id])
            .await?
            .iter()
            .any(|c| c.role == Role::WholesalerEmpr.as_str()),
        None => false,
    };
    if !is_wholesaler {
        return Err(Error::new(ErrorCode::NoWholesaler));
    }
    let schedule = schedule_of(&mut conn, id).await?;
    Ok((id, schedule))
}

/// The owner changes some days' cut-off (minutes after KST midnight) and the
/// edit setting.
pub async fn update(
    pool: &DbPool,
    viewer: Viewer,
    days: &[(i32, u16)],
    edit_after_cutoff: Option<bool>,
) -> Result<(i64, CutoffSchedule)> {
    let owner = viewer.require_role(&[Role::WholesalerEmpr])?.user_id.get();
    let (_, mut schedule) = schedule(pool, viewer, Some(owner)).await?;
    for (weekday, minutes) in days {
        let slot = usize::try_from(*weekday - 1)
            .ok()
            .filter(|i| *i < 7)
            .ok_or_else(|| {
                Error::with_message(
                    ErrorCode::InvalidData,
                    "weekday must be 1 (Monday) to 7 (Sunday)",
                )
            })?;
        schedule.minutes[slot] = *minutes;
    }
    if let Some(edit) = edit_after_cutoff {
        schedule.edit_after_cutoff = edit;
    }
    let stored: Vec<i16> = schedule
        .minutes
        .iter()
        .map(|m| i16::try_from(*m).unwrap_or(i16::MAX))
        .collect();
    let mut conn = crate::app::conn(pool).await?;
    db::cutoffs::save(&mut conn, owner, &stored, schedule.edit_after_cutoff, owner).await?;
    Ok((owner, schedule))
}
