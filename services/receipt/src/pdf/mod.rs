//! Rendering a [`Statement`](crate::statement::Statement) as a PDF.

mod layout;
pub mod text;

pub use layout::{RenderError, Rendered, render};
pub use text::{FontError, Fonts};
