//! Typed ids, one per table key, so an order sheet id can never be passed
//! where a user id is meant. On the wire and in the database they are plain
//! `i64` numbers (`#[serde(transparent)]`), exactly like the original's ids.

/// Declares `i64` newtype ids with the same small API.
macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident,)*) => {$(
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(i64);

        impl $name {
            pub const fn new(id: i64) -> Self {
                Self(id)
            }

            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl From<i64> for $name {
            fn from(id: i64) -> Self {
                Self(id)
            }
        }

        impl From<$name> for i64 {
            fn from(id: $name) -> i64 {
                id.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Display::fmt(&self.0, f)
            }
        }
    )*};
}

ids!(
    /// `users.id`: every account (retailer, wholesaler owner or employee, admin).
    UserId,
    /// `user_credentials.id`: the login row (role, phone, password hash) of a user.
    CredentialId,
    /// `biz_connections.id`: a retailer ↔ wholesaler trading relationship.
    BizConnectionId,
    /// `wholesaler_connections.id`: an employee ↔ employer link.
    WholesalerConnectionId,
    /// `business_infos.id`: a wholesaler's registration details for statements.
    BusinessInfoId,
    /// `flowers.id`: a flower variety (품종).
    FlowerId,
    /// `flower_types.id`: a flower kind (품목).
    FlowerTypeId,
    /// `flower_colors.id`.
    FlowerColorId,
    /// `bidding_flowers.id`: a flower's appearance at an auction date.
    BiddingFlowerId,
    /// `shopping_sessions.id`: a retailer's open cart.
    ShoppingSessionId,
    /// `cart_items.id`.
    CartItemId,
    /// `order_sheets.id`; also the source of the order number's sequence.
    OrderSheetId,
    /// `order_items.id`.
    OrderItemId,
    /// `custom_order_items.id`: free-text lines, including the shipping fee.
    CustomOrderItemId,
    /// `daily_order_items.id`: a wholesaler's per-day price row (flower, grade).
    DailyOrderItemId,
    /// `order_sheet_receipts.id`: one issued statement PDF.
    OrderSheetReceiptId,
    /// `auction_results.id`: a wholesaler's purchase at the auction.
    AuctionResultId,
    /// `send_sms_logs.id`.
    SmsLogId,
);

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn ids_wrap_and_unwrap_their_number() {
        let id = OrderSheetId::new(42);
        assert_eq!(id.get(), 42);
        assert_eq!(OrderSheetId::from(42), id);
        assert_eq!(i64::from(id), 42);
        assert_eq!(id.to_string(), "42");
        assert_eq!(format!("{:>4}", UserId::new(7)), "   7");
    }

    #[test]
    fn ids_order_by_their_number() {
        let mut ids = vec![CartItemId::new(3), CartItemId::new(-1), CartItemId::new(2)];
        ids.sort();
        assert_eq!(
            ids,
            [CartItemId::new(-1), CartItemId::new(2), CartItemId::new(3)]
        );
    }

    #[test]
    fn ids_serialise_as_bare_numbers() {
        assert_eq!(serde_json::to_string(&UserId::new(9)).unwrap(), "9");
        let back: SmsLogId = serde_json::from_str("123456789012").unwrap();
        assert_eq!(back, SmsLogId::new(123_456_789_012));
        assert!(serde_json::from_str::<UserId>("\"9\"").is_err());
    }
}
