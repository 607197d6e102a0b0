//! MarketBill receipt: renders transaction statements (거래명세서) as PDFs,
//! stores them in a local directory or S3, records them in
//! `order_sheet_receipts` and serves them to the parties of the sheet.

mod access;
mod account;
pub mod config;
mod error;
pub mod http;
pub mod issue;
mod ledger;
mod notify;
mod parties;
pub mod pdf;
pub mod stamp;
mod startup;
mod state;
pub mod statement;
pub mod storage;

pub use config::Config;
pub use startup::Application;
pub use state::AppState;
