//! Whose data a caller may touch. Employees act for their employer everywhere
//! a wholesaler's data is scoped; operators (ADMIN) read everything.

use crate::app::{Error, Result, Viewer};
use db::orders::{OrderSheetRow, Party};
use diesel_async::AsyncPgConnection;
use domain::{ErrorCode, Role};

/// The wholesaler (owner) an account acts for: itself for an owner, its
/// employer for an employee; None for anyone else, and for an employee no
/// owner has taken on.
pub async fn wholesaler_of(conn: &mut AsyncPgConnection, viewer: Viewer) -> Result<Option<i64>> {
    Ok(match viewer.role {
        Role::WholesalerEmpr => Some(viewer.user_id.get()),
        Role::WholesalerEmpe => db::connections::employer_of(conn, viewer.user_id.get()).await?,
        Role::Retailer | Role::Admin => None,
    })
}

/// The wholesaler (owner) a wholesaler account acts for, or why it has none.
pub async fn acting_wholesaler(conn: &mut AsyncPgConnection, viewer: Viewer) -> Result<i64> {
    match (wholesaler_of(conn, viewer).await?, viewer.role) {
        (Some(wholesaler), _) => Ok(wholesaler),
        (None, Role::WholesalerEmpe) => Err(Error::new(ErrorCode::NoWholesaleConnection)),
        (None, _) => Err(Error::with_message(
            ErrorCode::PermissionDenied,
            "Only a wholesaler (owner or employee) can do this.",
        )),
    }
}

/// Whose order sheets and lines the caller sees.
pub async fn party(conn: &mut AsyncPgConnection, viewer: Viewer) -> Result<Party> {
    match viewer.role {
        Role::Retailer => Ok(Party::Retailer(viewer.user_id.get())),
        Role::Admin => Ok(Party::Anyone),
        Role::WholesalerEmpr | Role::WholesalerEmpe => {
            Ok(Party::Wholesaler(acting_wholesaler(conn, viewer).await?))
        }
    }
}

pub fn party_may_see(party: Party, sheet: &OrderSheetRow) -> bool {
    match party {
        Party::Retailer(id) => sheet.retailer_id == id,
        Party::Wholesaler(id) => sheet.wholesaler_id == id,
        Party::Anyone => true,
    }
}

/// Someone else's sheet looks exactly like a missing one.
pub fn no_order_sheet(id: i64) -> Error {
    Error::with_message(
        ErrorCode::NoOrderSheet,
        format!("There's no OrderSheet data whose id is {id}"),
    )
}

/// The caller's (or its employer's) live sheet, locked for the transaction.
pub async fn own_sheet_as_wholesaler(
    conn: &mut AsyncPgConnection,
    viewer: Viewer,
    sheet_id: i64,
) -> Result<OrderSheetRow> {
    let wholesaler = acting_wholesaler(conn, viewer).await?;
    db::orders::lock_wholesaler_sheets(conn, wholesaler).await?;
    match db::orders::live_sheet_for_update(conn, sheet_id).await? {
        Some(sheet) if sheet.wholesaler_id == wholesaler => Ok(sheet),
        _ => Err(no_order_sheet(sheet_id)),
    }
}

/// A retailer may order from (or choose) a wholesaler only once the wholesaler
/// confirmed their connection, as the original's approval SMS promises.
pub async fn require_confirmed(
    conn: &mut AsyncPgConnection,
    retailer_id: i64,
    wholesaler_id: i64,
) -> Result<()> {
    let links = db::connections::live_between(conn, retailer_id, wholesaler_id).await?;
    let confirmed = links.iter().any(|c| {
        c.retailer_id == retailer_id
            && c.wholesaler_id == wholesaler_id
            && c.apply_status == domain::ApplyStatus::Confirmed.as_str()
    });
    if confirmed {
        Ok(())
    } else {
        Err(Error::with_message(
            ErrorCode::NotConnected,
            "You can order only from a wholesaler that confirmed your connection.",
        ))
    }
}
