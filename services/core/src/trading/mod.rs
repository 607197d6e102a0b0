//! The trading half of core: carts, ordering, pricing, custom lines, receipts,
//! the nightly batch, auction results and the public auction price board
//! (`market_prices`). Each function is one use case: it
//! checks who asks and what they own, then runs in one transaction. Use cases
//! take the pool and the `app::Viewer` and answer `app::Result` (see `app`);
//! the GraphQL resolvers and the nightly batch call the same functions.

pub mod account_statements;
pub mod alerts;
pub mod auctions;
pub mod audit;
pub mod batch;
pub mod cart;
pub mod custom_items;
pub mod cutoffs;
pub mod editing;
pub mod ledger;
pub mod market_prices;
pub mod ordering;
pub mod pick_list;
pub mod pricing;
pub mod receipts;
pub mod scope;
pub mod standing;
pub mod tax_rollup;
pub mod timeline;
