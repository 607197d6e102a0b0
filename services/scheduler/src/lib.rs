//! MarketBill scheduler: pulls the public auction results into the catalogue.

pub mod config;
mod startup;

pub use config::Config;
pub use startup::Application;
