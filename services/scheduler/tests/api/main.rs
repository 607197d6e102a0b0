//! The scheduler over real HTTP against a fresh PostgreSQL database per test;
//! the public auction API is played by a local server (`support::fake_at`).

mod auction_results;
mod auction_sync;
mod openapi;
mod price_board;
mod support;
