//! `PaginationOutput`. juniper's interface macro names the types that
//! implement it, and they name the interface back: this module and the five
//! output types import each other, the one circle in `graphql/`.

use crate::graphql::context::Context;
use crate::graphql::model::auction::{AuctionResultForSaleOutput, AuctionResultsOutput};
use crate::graphql::model::cart::CartItemsOutput;
use crate::graphql::model::catalogue::market::AuctionPriceBoardOutput;
use crate::graphql::model::catalogue::page::FlowersOutput;
use juniper::graphql_interface;

/// Lists that also say how many results there are (semantics per type).
#[graphql_interface(for = [FlowersOutput, CartItemsOutput, AuctionResultsOutput, AuctionResultForSaleOutput, AuctionPriceBoardOutput], context = Context)]
pub trait PaginationOutput {
    fn result_count(&self) -> i32;
}
