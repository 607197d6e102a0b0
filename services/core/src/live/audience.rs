//! Who a subscriber is, and which events it may see: exactly the sheets the
//! queries show it (`trading::scope::party`), narrowed for the florist to
//! what the wholesaler did to its sheets.

use crate::app::{Error, Result, Viewer};
use crate::live::events::OrderEvent;
use db::order_events::OrderEventKind;
use diesel_async::AsyncPgConnection;
use domain::{ErrorCode, Role};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The owner and its approved employees: every event of its sheets.
    Wholesaler(i64),
    /// The florist: the wholesaler's answers on its own sheets.
    Retailer(i64),
}

impl Audience {
    /// The audience `viewer` belongs to. An employee no owner approved acts
    /// for nobody, and an operator (ADMIN) is refused: a stream of every
    /// company's orders is more than any screen needs (operators query).
    pub async fn of(conn: &mut AsyncPgConnection, viewer: Viewer) -> Result<Audience> {
        match viewer.role {
            Role::Retailer => Ok(Audience::Retailer(viewer.user_id.get())),
            Role::WholesalerEmpr | Role::WholesalerEmpe => Ok(Audience::Wholesaler(
                crate::trading::scope::acting_wholesaler(conn, viewer).await?,
            )),
            Role::Admin => Err(Error::with_message(
                ErrorCode::PermissionDenied,
                "The live order board is for wholesalers and florists.",
            )),
        }
    }

    pub fn sees(self, event: &OrderEvent) -> bool {
        match self {
            Audience::Wholesaler(id) => event.wholesaler_id == id,
            Audience::Retailer(id) => {
                event.retailer_id == id
                    && matches!(
                        event.kind,
                        OrderEventKind::Priced
                            | OrderEventKind::ChangeRequestAnswered
                            | OrderEventKind::StatementIssued
                    )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: OrderEventKind) -> OrderEvent {
        OrderEvent {
            kind,
            order_sheet_id: 1,
            wholesaler_id: 10,
            retailer_id: 20,
            change_request_id: None,
            at: chrono::Utc::now(),
        }
    }

    #[test]
    fn each_side_sees_its_own_company_only() {
        for kind in OrderEventKind::ALL {
            assert!(Audience::Wholesaler(10).sees(&event(kind)));
            assert!(!Audience::Wholesaler(11).sees(&event(kind)));
            assert!(!Audience::Retailer(21).sees(&event(kind)));
        }
        let florist = Audience::Retailer(20);
        assert!(florist.sees(&event(OrderEventKind::Priced)));
        assert!(florist.sees(&event(OrderEventKind::ChangeRequestAnswered)));
        assert!(florist.sees(&event(OrderEventKind::StatementIssued)));
        assert!(!florist.sees(&event(OrderEventKind::Placed)));
        assert!(!florist.sees(&event(OrderEventKind::Changed)));
        assert!(!florist.sees(&event(OrderEventKind::ChangeRequested)));
    }
}
