//! The account rules: sign-up, sign-in, tokens, trading-partner links and the
//! operator mutations. Resolvers call these; they own the transactions.

pub mod admin;
pub mod auth;
pub mod partners;
pub mod passwords;
