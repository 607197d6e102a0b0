//! Rendering a [`Statement`](crate::statement::Statement) (a sheet's, or a
//! day's) and a statement of account as PDFs, and the day's papers (pick
//! list, packing slips) on A4 or the 80 mm roll.

mod a4_table;
pub(crate) mod account;
mod day_papers;
mod ink;
mod layout;
pub mod packing_slips;
pub mod pick_list;
pub mod text;
mod thermal;

pub use day_papers::{DayHeading, Paper};
pub use layout::{RenderError, Rendered, render};
pub use text::{FontError, Fonts};
pub use thermal::ROLL_W;
