//! Account roles, stored and sent as the original's strings.

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// 소매상: a florist who orders.
    Retailer,
    /// 도매상 사장: a wholesaler's owner account.
    WholesalerEmpr,
    /// 도매상 직원: an employee acting for its employer.
    WholesalerEmpe,
    /// Platform operator; created only by `core admin create`, never by sign-up.
    Admin,
}

impl Role {
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Retailer => "RETAILER",
            Role::WholesalerEmpr => "WHOLESALER_EMPR",
            Role::WholesalerEmpe => "WHOLESALER_EMPE",
            Role::Admin => "ADMIN",
        }
    }

    pub const fn is_wholesaler(self) -> bool {
        matches!(self, Role::WholesalerEmpr | Role::WholesalerEmpe)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role `{0}`")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "RETAILER" => Ok(Role::Retailer),
            "WHOLESALER_EMPR" => Ok(Role::WholesalerEmpr),
            "WHOLESALER_EMPE" => Ok(Role::WholesalerEmpe),
            "ADMIN" => Ok(Role::Admin),
            other => Err(UnknownRole(other.to_owned())),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_stored_names() {
        for role in [
            Role::Retailer,
            Role::WholesalerEmpr,
            Role::WholesalerEmpe,
            Role::Admin,
        ] {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert!("retailer".parse::<Role>().is_err());
        assert!(Role::WholesalerEmpe.is_wholesaler());
        assert!(!Role::Admin.is_wholesaler());
    }
}
