//! MarketBill messaging: sends SMS from templates and logs every send.

pub mod config;
mod startup;

pub use config::Config;
pub use startup::Application;
