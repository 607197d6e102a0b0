//! Read models: a list view answered by one SQL statement that builds the
//! JSON of its GraphQL answer inside PostgreSQL.
//!
//! Each view is a `.sql` file beside the Rust that runs it, and a [`Shape`]:
//! the GraphQL fields that JSON can carry, each with its SQL. Core answers a
//! request from the view when the request's selection stays inside the shape
//! (writing the view's JSON objects from the selection, see [`Objects`]), and
//! from its ordinary resolvers otherwise. One statement on one connection is
//! one snapshot, so a view never mixes two states of the data.
//!
//! A view also says whether it is *complete*: false when some row it would
//! answer is one the resolvers answer with an error (a line whose flower is
//! gone, a grade the API cannot name). Core then answers from the resolvers,
//! so errors are raised in exactly one place.

pub mod catalogue_page;
pub mod day_view;
mod shape;

pub use shape::{Field, Kind, Objects, Shape};

use crate::statement::Prepared;
use diesel::QueryableByName;
use diesel::sql_types::{Bool, Text};
use std::collections::HashSet;
use std::hash::{BuildHasher, RandomState};
use std::sync::{LazyLock, Mutex};

/// A page of a nested list, as its `pagination` argument asks for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Page {
    pub offset: i64,
    pub limit: i64,
    pub descending: bool,
}

impl Page {
    /// No rows: a nested list the request does not ask for costs nothing.
    pub const NONE: Page = Page {
        offset: 0,
        limit: 0,
        descending: false,
    };
}

/// What a view's statement answers: the JSON text and whether it is complete.
#[derive(Debug, QueryableByName)]
pub struct ViewJson {
    #[diesel(sql_type = Text)]
    pub body: String,
    #[diesel(sql_type = Bool)]
    pub complete: bool,
}

/// `ASC` or `DESC`: the one part of a view's text that varies with a request
/// besides its filters (a fixed set, so each variant is prepared once).
fn direction(descending: bool) -> &'static str {
    if descending { "DESC" } else { "ASC" }
}

/// How many statement texts (a view for one selection and set of filters) are
/// kept prepared on each connection. Clients send a handful of operations;
/// a caller inventing selections gets its statements planned per call
/// instead of filling every connection's memory with plans.
const PREPARED_TEXTS_MAX: usize = 64;

/// The texts prepared so far (their hashes).
static PREPARED_TEXTS: LazyLock<(RandomState, Mutex<HashSet<u64>>)> =
    LazyLock::new(Default::default);

/// A view's statement, prepared while fewer than [`PREPARED_TEXTS_MAX`]
/// texts are.
fn statement(sql: String) -> Prepared<()> {
    let (hasher, texts) = &*PREPARED_TEXTS;
    let hash = hasher.hash_one(&sql);
    let prepared = {
        let mut texts = texts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        texts.contains(&hash) || (texts.len() < PREPARED_TEXTS_MAX && texts.insert(hash))
    };
    let statement = crate::statement::prepared(sql);
    if prepared {
        statement
    } else {
        statement.unprepared()
    }
}
