//! The account enums on the wire, mapped to the domain's.

use domain::{ApplyStatus, Role};
use juniper::GraphQLEnum;

/// 역할 및 권한
#[derive(Debug, Clone, Copy, PartialEq, Eq, GraphQLEnum)]
#[graphql(name = "AccountRole")]
pub enum AccountRole {
    #[graphql(name = "RETAILER")]
    Retailer,
    #[graphql(name = "WHOLESALER_EMPR")]
    WholesalerEmpr,
    #[graphql(name = "WHOLESALER_EMPE")]
    WholesalerEmpe,
    /// Platform operator (new); never assignable through signUp.
    #[graphql(name = "ADMIN")]
    Admin,
}

impl AccountRole {
    pub fn from_domain(role: Role) -> Self {
        match role {
            Role::Retailer => AccountRole::Retailer,
            Role::WholesalerEmpr => AccountRole::WholesalerEmpr,
            Role::WholesalerEmpe => AccountRole::WholesalerEmpe,
            Role::Admin => AccountRole::Admin,
        }
    }

    pub fn to_domain(self) -> Role {
        match self {
            AccountRole::Retailer => Role::Retailer,
            AccountRole::WholesalerEmpr => Role::WholesalerEmpr,
            AccountRole::WholesalerEmpe => Role::WholesalerEmpe,
            AccountRole::Admin => Role::Admin,
        }
    }
}

/// 거래처 신청 상태
#[derive(Debug, Clone, Copy, PartialEq, Eq, GraphQLEnum)]
#[graphql(name = "ApplyStatus")]
pub enum GqlApplyStatus {
    #[graphql(name = "APPLYING")]
    Applying,
    #[graphql(name = "CONFIRMED")]
    Confirmed,
    #[graphql(name = "REJECTED")]
    Rejected,
}

impl GqlApplyStatus {
    pub fn from_domain(status: ApplyStatus) -> Self {
        match status {
            ApplyStatus::Applying => GqlApplyStatus::Applying,
            ApplyStatus::Confirmed => GqlApplyStatus::Confirmed,
            ApplyStatus::Rejected => GqlApplyStatus::Rejected,
        }
    }

    pub fn to_domain(self) -> ApplyStatus {
        match self {
            GqlApplyStatus::Applying => ApplyStatus::Applying,
            GqlApplyStatus::Confirmed => ApplyStatus::Confirmed,
            GqlApplyStatus::Rejected => ApplyStatus::Rejected,
        }
    }
}
