//! Typed ids: an order sheet id can never be passed where a user id is meant.

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
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

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

ids!(
    UserId,
    CredentialId,
    BizConnectionId,
    WholesalerConnectionId,
    BusinessInfoId,
    FlowerId,
    FlowerTypeId,
    FlowerColorId,
    BiddingFlowerId,
    ShoppingSessionId,
    CartItemId,
    OrderSheetId,
    OrderItemId,
    CustomOrderItemId,
    DailyOrderItemId,
    OrderSheetReceiptId,
    AuctionResultId,
    SmsLogId,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_display_as_numbers() {
        let id = OrderSheetId::new(42);
        assert_eq!(id.get(), 42);
        assert_eq!(id.to_string(), "42");
        assert_eq!(OrderSheetId::from(42), id);
    }
}
