//! Pagination on the wire: what a list field accepts (`PaginationInput`,
//! parsed into the use cases' `app::Page`) and the interface of the list
//! outputs that count their results (`PaginationOutput`).

mod input;
pub mod output;

pub use crate::app::Page;
pub use input::{MAX_PAGE_SIZE, PaginationInput, Sort};
