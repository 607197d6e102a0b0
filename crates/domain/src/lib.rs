//! MarketBill's vocabulary, shared by every layer: typed ids, roles,
//! statuses, flower grades, value objects parsed once at the edge, KST
//! business time, and the error catalogue with its stable codes.
//!
//! Nothing here does I/O, so every rule in this crate is unit-tested without
//! a database or a network.

pub mod apply_status;
pub mod business_no;
pub mod cutoff;
pub mod error;
pub mod grade;
pub mod ids;
pub mod money;
mod names;
pub mod password;
pub mod phone;
pub mod role;
pub mod text;
pub mod time;

pub use apply_status::ApplyStatus;
pub use business_no::BusinessNo;
pub use error::{DomainError, ErrorCode, ValueError};
pub use grade::FlowerGrade;
pub use ids::*;
pub use money::{TaxKind, Won, vat_on, vat_split};
pub use password::NewPassword;
pub use phone::PhoneNumber;
pub use role::Role;
pub use text::{HttpUrl, NonBlank};
pub use time::{KST, business_day, kst_day_bounds, order_number};
