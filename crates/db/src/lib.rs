//! The one PostgreSQL schema of MarketBill and everything that touches it directly:
//! the generated diesel `schema`, the connection pool, the embedded migrations and,
//! behind the `testing` feature, a fresh database per test.
//!
//! This crate knows no HTTP framework; services call its queries and map its
//! errors into their own layer's error type.

pub mod account_statements;
pub mod alerts;
pub mod auctions;
pub mod audit;
pub mod batch_logs;
pub mod business_infos;
pub mod carts;
pub mod catalogue;
pub mod columns;
pub mod connections;
pub mod custom_items;
pub mod cutoffs;
pub mod daily_items;
pub mod import;
pub mod ledger;
pub mod messaging;
pub mod migrations;
pub mod order_edits;
pub mod order_events;
pub mod orders;
pub mod outbox;
pub mod phone_proofs;
pub mod pick_list;
pub mod pool;
pub mod price_board;
pub mod progress;
pub mod rate_limits;
pub mod read_models;
pub mod receipts;
pub mod scheduler;
pub mod users;
#[rustfmt::skip]
pub mod schema;
pub mod standing_orders;
pub mod statement;
pub mod tax_documents;

#[cfg(feature = "testing")]
pub mod testing;

pub use pool::{DbConn, DbError, DbPool, connect};
