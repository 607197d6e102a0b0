//! `PaginationInput` with the original's semantics: omitted → first 15, newest
//! first; given (even `{}`) → defaults fill the gaps and the order is ascending
//! unless `sort: DESCEND`. Explicit nulls take the defaults instead of crashing.

use crate::app::Page;
use crate::graphql::error::{GqlError, GqlResult};
use domain::ErrorCode;
use juniper::{GraphQLEnum, GraphQLInputObject};

#[derive(Debug, Clone, Copy, PartialEq, Eq, GraphQLEnum)]
pub enum Sort {
    #[graphql(name = "ASCEND")]
    Ascend,
    #[graphql(name = "DESCEND")]
    Descend,
}

#[derive(Debug, Clone, GraphQLInputObject)]
pub struct PaginationInput {
    #[graphql(default = 0)]
    pub page: Option<i32>,
    #[graphql(default = 15)]
    pub size: Option<i32>,
    #[graphql(default = Sort::Ascend)]
    pub sort: Option<Sort>,
}

/// Largest page a client may ask for; the original had none.
pub const MAX_PAGE_SIZE: i32 = 1000;

impl From<Page> for db::read_models::Page {
    fn from(page: Page) -> Self {
        db::read_models::Page {
            offset: page.offset,
            limit: page.limit,
            descending: page.descending,
        }
    }
}

impl Page {
    pub fn from_input(input: Option<&PaginationInput>) -> GqlResult<Page> {
        let Some(input) = input else {
            return Ok(Page {
                offset: 0,
                limit: 15,
                descending: true,
            });
        };
        let page = input.page.unwrap_or(0);
        let size = input.size.unwrap_or(15);
        if page < 0 || !(1..=MAX_PAGE_SIZE).contains(&size) {
            return Err(GqlError::message(
                ErrorCode::InvalidData,
                format!("pagination: page must be ≥ 0 and size between 1 and {MAX_PAGE_SIZE}"),
            ));
        }
        Ok(Page {
            offset: i64::from(page) * i64::from(size),
            limit: i64::from(size),
            descending: input.sort == Some(Sort::Descend),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn omitted_means_newest_fifteen() {
        assert_eq!(
            Page::from_input(None).expect("valid"),
            Page {
                offset: 0,
                limit: 15,
                descending: true
            }
        );
    }

    #[test]
    fn given_means_ascending_unless_descend() {
        let input = PaginationInput {
            page: Some(2),
            size: Some(10),
            sort: None,
        };
        assert_eq!(
            Page::from_input(Some(&input)).expect("valid"),
            Page {
                offset: 20,
                limit: 10,
                descending: false
            }
        );
        let input = PaginationInput {
            page: None,
            size: None,
            sort: Some(Sort::Descend),
        };
        assert_eq!(
            Page::from_input(Some(&input)).expect("valid"),
            Page {
                offset: 0,
                limit: 15,
                descending: true
            }
        );
    }

    #[test]
    fn nonsense_is_refused() {
        for (page, size) in [(-1, 10), (0, 0), (0, MAX_PAGE_SIZE + 1)] {
            let input = PaginationInput {
                page: Some(page),
                size: Some(size),
                sort: None,
            };
            assert!(Page::from_input(Some(&input)).is_err());
        }
    }
}
