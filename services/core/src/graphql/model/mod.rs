//! The contract's types, one module per entity, with the resolvers of the
//! root fields that answer them (`query.rs` and `mutation.rs` only delegate).
//! A resolver maps the arguments, decides who may call the field
//! (`Context::require_role`), calls the use case in `trading` or `accounts`
//! and maps its rows into the entity's types.
//!
//! Imports run one way. An entity's `mod.rs` holds its object types, which
//! refer to each other as the contract's types do; the files beside it (its
//! enums, inputs, queries and mutations) import from it and are not
//! re-exported. Entities use each other downward only: `cart` and `order` show
//! `user`s and `catalogue` flowers, never the reverse. The one circle is the
//! `PaginationOutput` interface's (`pagination::output`), whose macro names
//! the types that implement it.

pub mod auction;
pub mod audit;
pub mod cart;
pub mod catalogue;
pub mod ledger;
pub mod order;
pub mod user;

use domain::Role;

/// Who may call the retailer's operations.
pub const RETAILER: &[Role] = &[Role::Retailer];

/// Who may call the wholesaler's operations (employees act for their owner).
pub const WHOLESALER: &[Role] = &[Role::WholesalerEmpr, Role::WholesalerEmpe];

#[derive(juniper::GraphQLObject)]
pub struct CommonResponse {
    pub success: Option<bool>,
}

impl CommonResponse {
    pub fn ok() -> Self {
        CommonResponse {
            success: Some(true),
        }
    }
}
