//! MarketBill messaging: turns template requests into SMS/LMS, sends them
//! through a provider, records every send in `send_sms_logs`, and owns phone
//! verification codes.

pub mod config;
mod error;
mod limits;
pub mod openapi;
pub mod provider;
mod routes;
pub mod sending;
mod startup;
pub mod template;
pub mod user_text;
mod verification;

pub use config::Config;
pub use startup::Application;
