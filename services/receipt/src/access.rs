//! Who may do what with a sheet's statements. Employees act for their
//! employer; a caller with no relation to the sheet learns nothing about it.

use crate::error::ReceiptError;
use diesel_async::AsyncPgConnection;
use platform::caller::Caller;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    Service,
    Admin,
    /// The sheet's wholesaler, or one of its employees.
    Wholesaler,
    Retailer,
    Stranger,
}

impl Relation {
    pub fn may_read(self) -> bool {
        self != Relation::Stranger
    }
}

pub async fn relation(
    conn: &mut AsyncPgConnection,
    caller: &Caller,
    retailer_id: i64,
    wholesaler_id: i64,
) -> Result<Relation, ReceiptError> {
    let user = match caller {
        Caller::Service => return Ok(Relation::Service),
        Caller::User(user) => user,
    };
    let id = user.user_id.get();
    if id == wholesaler_id {
        return Ok(Relation::Wholesaler);
    }
    if id == retailer_id {
        return Ok(Relation::Retailer);
    }
    if caller.is_admin() {
        return Ok(Relation::Admin);
    }
    if db::connections::employer_of(conn, id).await? == Some(wholesaler_id) {
        return Ok(Relation::Wholesaler);
    }
    Ok(Relation::Stranger)
}

/// The wholesaler whose day (pick list, packing slips) a caller may print:
/// its own company for a wholesaler's owner or approved employee (naming
/// another is refused), the one it names for a service. Florists and
/// admins are refused: the day is the wholesaler's working paper.
pub async fn day_wholesaler(
    conn: &mut AsyncPgConnection,
    caller: &Caller,
    named: Option<i64>,
) -> Result<i64, ReceiptError> {
    use domain::{DomainError, ErrorCode, Role};
    let user = match caller {
        Caller::Service => {
            let Some(id) = named else {
                return Err(DomainError::with_message(
                    ErrorCode::InvalidData,
                    "wholesalerId is required with the service credential",
                )
                .into());
            };
            let is_wholesaler = db::users::live_account_by_id(conn, id)
                .await?
                .is_some_and(|(_, credential)| credential.role == Role::WholesalerEmpr.as_str());
            return if is_wholesaler {
                Ok(id)
            } else {
                Err(ReceiptError::code(ErrorCode::NoWholesaler))
            };
        }
        Caller::User(user) => user,
    };
    let own = match user.role {
        Role::WholesalerEmpr => user.user_id.get(),
        Role::WholesalerEmpe => db::connections::employer_of(conn, user.user_id.get())
            .await?
            .ok_or_else(|| ReceiptError::code(ErrorCode::NoWholesaleConnection))?,
        Role::Retailer | Role::Admin => {
            return Err(ReceiptError::code(ErrorCode::PermissionDenied));
        }
    };
    match named {
        Some(other) if other != own => Err(ReceiptError::code(ErrorCode::PermissionDenied)),
        _ => Ok(own),
    }
}
