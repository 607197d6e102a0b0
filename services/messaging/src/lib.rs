//! MarketBill messaging: turns template requests into SMS/LMS, sends them
//! through a provider, records every send in `send_sms_logs`, and owns phone
//! verification codes.

pub mod config;
mod error;
pub mod provider;
mod rate_limit;
mod routes;
pub mod sending;
mod startup;
pub mod template;
mod verification;

pub use config::Config;
pub use startup::Application;
