//! MarketBill receipt: renders and stores transaction statements (PDF).

pub mod config;
mod startup;

pub use config::Config;
pub use startup::Application;
