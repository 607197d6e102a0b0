//! Order alerts by SMS (issue 19), queued in the outbox inside the change's
//! transaction (so a rolled-back change alerts no one) and delivered after
//! commit: a sheet placed (to the wholesaler's owner and the employees who
//! opted in), a sheet fully priced and a change request answered (to the
//! florist). Each user switches them with `updateAlertSettings`; the
//! messaging service limits each template per recipient and hour.

use crate::app::Result;
use crate::notifications::LINK_PREFIX;
use db::orders::OrderSheetRow;
use diesel_async::AsyncPgConnection;

fn link(group: &str) -> String {
    format!("{LINK_PREFIX}{group}")
}

async fn name_of(conn: &mut AsyncPgConnection, user_id: i64) -> Result<String> {
    Ok(db::users::users_by_ids_any_state(conn, &[user_id])
        .await?
        .pop()
        .map_or_else(|| "-".to_owned(), |u| u.name))
}

/// A florist placed `sheet` (by hand, through the batch or a standing order).
pub async fn sheet_placed(conn: &mut AsyncPgConnection, sheet: &OrderSheetRow) -> Result<()> {
    let recipients = db::alerts::wholesaler_recipients(conn, sheet.wholesaler_id).await?;
    if recipients.is_empty() {
        return Ok(());
    }
    let args = [
        name_of(conn, sheet.retailer_id).await?,
        sheet.order_no.clone(),
        link("wholesale"),
    ];
    for r in recipients {
        db::outbox::enqueue(conn, "OrderPlaced", &r.phone_no, &args).await?;
    }
    Ok(())
}

/// Every line of these sheets now has a price (they had an unpriced one
/// before the caller's change).
pub async fn sheets_priced(conn: &mut AsyncPgConnection, sheets: &[OrderSheetRow]) -> Result<()> {
    // Recipients and names read once for all the sheets: this runs under the
    // wholesaler's sheet lock, in the pricing transaction.
    let florists: Vec<i64> = sheets.iter().map(|s| s.retailer_id).collect();
    let recipients = db::alerts::florist_recipients(conn, &florists).await?;
    let wholesalers: Vec<i64> = sheets.iter().map(|s| s.wholesaler_id).collect();
    let names = db::users::users_by_ids_any_state(conn, &wholesalers).await?;
    for sheet in sheets {
        let Some(r) = recipients.iter().find(|r| r.user_id == sheet.retailer_id) else {
            continue;
        };
        let name = names
            .iter()
            .find(|u| u.id == sheet.wholesaler_id)
            .map_or_else(|| "-".to_owned(), |u| u.name.clone());
        let args = [name, sheet.order_no.clone(), link("retail")];
        db::outbox::enqueue(conn, "OrderPriced", &r.phone_no, &args).await?;
    }
    Ok(())
}

/// The wholesaler answered the florist's change request of `sheet`.
pub async fn request_answered(
    conn: &mut AsyncPgConnection,
    sheet: &OrderSheetRow,
    accepted: bool,
) -> Result<()> {
    let found = db::alerts::florist_recipients(conn, &[sheet.retailer_id]).await?;
    let Some(r) = found.first() else {
        return Ok(());
    };
    let template = if accepted {
        "ChangeRequestAccepted"
    } else {
        "ChangeRequestDeclined"
    };
    let args = [
        name_of(conn, sheet.wholesaler_id).await?,
        sheet.order_no.clone(),
        link("retail"),
    ];
    db::outbox::enqueue(conn, template, &r.phone_no, &args).await?;
    Ok(())
}

/// The sheets among `sheet_ids` with an unpriced live line.
pub async fn unpriced(conn: &mut AsyncPgConnection, sheet_ids: &[i64]) -> Result<Vec<i64>> {
    Ok(db::orders::sheets_with_unpriced_lines(conn, sheet_ids).await?)
}

/// After a pricing change: alert the florists of the sheets that had an
/// unpriced line before (`before`) and have none now.
pub async fn after_pricing(conn: &mut AsyncPgConnection, before: &[i64]) -> Result<()> {
    if before.is_empty() {
        return Ok(());
    }
    let still = unpriced(conn, before).await?;
    let done: Vec<i64> = before
        .iter()
        .copied()
        .filter(|id| !still.contains(id))
        .collect();
    if done.is_empty() {
        return Ok(());
    }
    let sheets = db::orders::live_sheets_by_ids(conn, &done).await?;
    sheets_priced(conn, &sheets).await
}
