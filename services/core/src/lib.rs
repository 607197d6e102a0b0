//! MarketBill core: the GraphQL API the frontend calls.

pub mod accounts;
pub mod app;
pub mod cli;
pub mod config;
pub mod graphql;
mod graphql_request;
mod graphql_response;
pub mod http;
pub mod live;
pub mod notifications;
mod operation_metrics;
pub mod settings;
pub mod sms;
mod startup;
pub mod trading;

pub use config::Config;
pub use startup::Application;
