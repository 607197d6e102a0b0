//! The typed contract of the calls between services: request and response
//! bodies plus a thin client per peer. Both sides use these structs, so a
//! renamed field fails to compile instead of failing in production.

pub mod messaging;
pub mod receipt;
