//! Rendering a [`Statement`](crate::statement::Statement) (a sheet's, or a
//! day's) and a statement of account as PDFs.

pub(crate) mod account;
mod layout;
pub mod text;

pub use layout::{RenderError, Rendered, render};
pub use text::{FontError, Fonts};
