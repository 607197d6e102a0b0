//! The GraphQL API (the original's contract). The types and their resolvers
//! live in `model/`, one module per entity (user, catalogue, cart, order,
//! auction); `query.rs` and `mutation.rs` are the roots that delegate to them.
//! Around them: the request's `context` (who asks, the pool, the loaders),
//! its `error` (the use cases' `app::Error` converts into it), `pagination`,
//! the `LocalDate` scalar, `ids`, dataloaders (`loaders`), the query budget
//! (`cost`, charged to the request's `budget`) and the read models
//! (`read_model`). `subscription` is the live order board's root (served
//! over WebSocket by `live::socket`).

pub mod budget;
pub mod context;
pub mod cost;
pub mod error;
pub mod ids;
pub mod loaders;
pub mod model;
pub mod mutation;
pub mod pagination;
pub mod query;
pub mod read_model;
pub mod scalar_value;
pub mod scalars;
pub mod subscription;
pub mod validated;

use juniper::RootNode;

pub type Schema = RootNode<
    cost::Budgeted<query::Query>,
    cost::Budgeted<mutation::Mutation>,
    subscription::Subscription,
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
        subscription::Subscription,
    )
    .limit_depth(PARSE_DEPTH)
}

/// The process's schema: built once, and `'static` so that operations
/// validated against it can be kept (`validated`).
pub fn shared() -> &'static Schema {
    static SHARED: std::sync::LazyLock<Schema> = std::sync::LazyLock::new(schema);
    &SHARED
}

/// The schema in SDL. juniper prints an enum default as a string literal
/// (`sort: Sort = "ASCEND"`), which is not valid for an enum; the printed
/// contract carries the enum value as the original's schema does.
pub fn sdl() -> String {
    schema()
        .as_sdl()
        .replace("sort: Sort = \"ASCEND\"", "sort: Sort = ASCEND")
}
