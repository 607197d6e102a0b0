//! The messaging service over real HTTP against a fresh PostgreSQL database
//! per test; SENS is played by a local HTTP server that checks what it gets.

mod logs;
mod openapi;
mod sens;
mod sms;
mod support;
mod verification;
