//! A page of a list, as a use case reads it (the GraphQL layer parses it
//! from `PaginationInput`, see `graphql::pagination`).

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Page {
    pub offset: i64,
    pub limit: i64,
    pub descending: bool,
}
