//! The receipt service over real HTTP against a fresh PostgreSQL database per
//! test: statements in a local directory and in S3 (s3s-fs), seal stamps
//! from a stand-in host, and the committed OpenAPI document.

mod account_statements;
mod day_papers;
mod ledger;
mod openapi;
mod receipts;
mod s3;
mod stamps;
mod support;
