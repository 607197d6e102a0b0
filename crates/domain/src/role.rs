//! Account roles. The strings are the original's: they are stored in
//! `user_credentials.role`, carried in JWT claims and exposed as the GraphQL
//! `AccountRole` enum, so they must never change.

use crate::error::ValueError;

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
    /// Owner or employee: both may work on the wholesaler's orders.
    pub const fn is_wholesaler(self) -> bool {
        matches!(self, Role::WholesalerEmpr | Role::WholesalerEmpe)
    }
}

crate::names::stored_names!(Role, ValueError::UnknownRole, {
    Retailer => "RETAILER",
    WholesalerEmpr => "WHOLESALER_EMPR",
    WholesalerEmpe => "WHOLESALER_EMPE",
    Admin => "ADMIN",
});

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
