//! The GraphQL API (the original's contract): one file per area, composed into
//! the `Query` and `Mutation` roots here.

pub mod auction;
pub mod cart;
pub mod catalogue;
pub mod context;
pub mod cost;
pub mod enums;
pub mod error;
pub mod loaders;
pub mod mutation;
pub mod orders;
pub mod pagination;
pub mod query;
pub mod read_model;
pub mod scalar_value;
pub mod scalars;
pub mod trading;
pub mod users;

use context::Context;
use juniper::{EmptySubscription, RootNode};

pub type Schema = RootNode<
    cost::Budgeted<query::Query>,
    cost::Budgeted<mutation::Mutation>,
    EmptySubscription<Context>,
    scalar_value::Scalar,
>;

/// The parser's nesting limit, which bounds recursion (and introspection,
/// whose standard query nests about 20 levels with its fragments). Ordinary
/// selections are held to `cost::MAX_DEPTH` before they run.
pub const PARSE_DEPTH: usize = 32;

pub fn schema() -> Schema {
    Schema::new_with_scalar_value(
        cost::Budgeted(query::Query),
        cost::Budgeted(mutation::Mutation),
        EmptySubscription::new(),
    )
    .limit_depth(PARSE_DEPTH)
}

/// The schema in SDL. juniper prints an enum default as a string literal
/// (`sort: Sort = "ASCEND"`), which is not valid for an enum; the printed
/// contract carries the enum value as the original's schema does.
pub fn sdl() -> String {
    schema()
        .as_sdl()
        .replace("sort: Sort = \"ASCEND\"", "sort: Sort = ASCEND")
}

/// `AuthToken` (same as the original's AuthTokenDto).
#[derive(juniper::GraphQLObject)]
pub struct AuthToken {
    pub access_token: String,
    pub refresh_token: String,
}

impl From<crate::accounts::auth::TokenPair> for AuthToken {
    fn from(pair: crate::accounts::auth::TokenPair) -> Self {
        AuthToken {
            access_token: pair.access_token,
            refresh_token: pair.refresh_token,
        }
    }
}

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
