//! The state of a retailer's application to trade with a wholesaler
//! (`biz_connections.apply_status`, GraphQL `ApplyStatus`). Only `Confirmed`
//! lets the retailer order from that wholesaler.

use crate::error::ValueError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ApplyStatus {
    /// Sent by the retailer, waiting for the wholesaler.
    Applying,
    /// Accepted: the two may trade.
    Confirmed,
    /// Declined; the retailer may apply again.
    Rejected,
}

crate::names::stored_names!(ApplyStatus, ValueError::UnknownApplyStatus, {
    Applying => "APPLYING",
    Confirmed => "CONFIRMED",
    Rejected => "REJECTED",
});

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn statuses_round_trip() {
        for s in ApplyStatus::ALL {
            assert_eq!(s.as_str().parse::<ApplyStatus>(), Ok(s));
            assert_eq!(s.to_string(), s.as_str());
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(json, format!("\"{}\"", s.as_str()));
            assert_eq!(serde_json::from_str::<ApplyStatus>(&json).unwrap(), s);
        }
    }

    #[test]
    fn unknown_statuses_are_refused() {
        assert_eq!(
            "confirmed".parse::<ApplyStatus>(),
            Err(ValueError::UnknownApplyStatus("confirmed".to_owned()))
        );
        assert!("".parse::<ApplyStatus>().is_err());
    }
}
