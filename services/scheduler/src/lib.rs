//! MarketBill scheduler: pulls the public flower auction results (aT open API)
//! into the catalogue, keeps a log of every run, and takes wholesalers' own
//! auction-result uploads.

mod access;
pub mod auction_api;
mod auction_results;
pub mod cli;
pub mod config;
mod daily;
pub mod feed;
mod jobs;
pub mod openapi;
mod sample;
mod startup;
pub mod sync;
mod upload;

pub use config::Config;
pub use startup::Application;
