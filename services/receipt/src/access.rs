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
