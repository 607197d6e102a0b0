//! The state of a retailer's application to trade with a wholesaler.

use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApplyStatus {
    Applying,
    Confirmed,
    Rejected,
}

impl ApplyStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            ApplyStatus::Applying => "APPLYING",
            ApplyStatus::Confirmed => "CONFIRMED",
            ApplyStatus::Rejected => "REJECTED",
        }
    }
}

impl FromStr for ApplyStatus {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "APPLYING" => Ok(ApplyStatus::Applying),
            "CONFIRMED" => Ok(ApplyStatus::Confirmed),
            "REJECTED" => Ok(ApplyStatus::Rejected),
            other => Err(format!("unknown apply status `{other}`")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip() {
        for s in [
            ApplyStatus::Applying,
            ApplyStatus::Confirmed,
            ApplyStatus::Rejected,
        ] {
            assert_eq!(s.as_str().parse::<ApplyStatus>(), Ok(s));
        }
        assert!("DONE".parse::<ApplyStatus>().is_err());
    }
}
