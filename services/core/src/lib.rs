//! MarketBill core: the GraphQL API the frontend calls.

pub mod cli;
pub mod config;
mod startup;

pub use config::Config;
pub use startup::Application;
