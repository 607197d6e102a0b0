//! Account roles. The strings are the original's: they are stored in
//! `user_credentials.role`, carried in JWT claims and exposed as the GraphQL
//! `AccountRole` enum, so they must never change.

use crate::error::ValueError;
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    /// 소매상: a florist who orders.
    Retailer,
    /// 도매상 사장: a wholesaler's owner account; owns the business data.
    WholesalerEmpr,
    /// 도매상 직원: an employee who acts for its employer.
    WholesalerEmpe,
    /// Platform operator (new in the rewrite); never obtainable by sign-up.
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Retailer,
        Role::WholesalerEmpr,
        Role::WholesalerEmpe,
        Role::Admin,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Retailer => "RETAILER",
            Role::WholesalerEmpr => "WHOLESALER_EMPR",
            Role::WholesalerEmpe => "WHOLESALER_EMPE",
            Role::Admin => "ADMIN",
        }
    }

    /// Owner or employee: both may work on the wholesaler's orders.
    pub const fn is_wholesaler(self) -> bool {
        matches!(self, Role::WholesalerEmpr | Role::WholesalerEmpe)
    }
}

impl FromStr for Role {
    type Err = ValueError;

    /// Exact, case-sensitive match on the stored names.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| ValueError::UnknownRole(s.to_owned()))
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn roles_round_trip_through_their_stored_names() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
            assert_eq!(role.to_string(), role.as_str());
        }
    }

    #[test]
    fn unknown_or_differently_cased_names_are_refused() {
        for bad in ["retailer", "", "WHOLESALER", " ADMIN"] {
            assert_eq!(
                bad.parse::<Role>(),
                Err(ValueError::UnknownRole(bad.to_owned()))
            );
        }
    }

    #[test]
    fn serde_uses_the_stored_names() {
        for role in Role::ALL {
            let json = serde_json::to_string(&role).unwrap();
            assert_eq!(json, format!("\"{}\"", role.as_str()));
            assert_eq!(serde_json::from_str::<Role>(&json).unwrap(), role);
        }
        assert!(serde_json::from_str::<Role>("\"Retailer\"").is_err());
    }

    #[test]
    fn only_owner_and_employee_are_wholesalers() {
        assert!(Role::WholesalerEmpr.is_wholesaler());
        assert!(Role::WholesalerEmpe.is_wholesaler());
        assert!(!Role::Retailer.is_wholesaler());
        assert!(!Role::Admin.is_wholesaler());
    }
}
