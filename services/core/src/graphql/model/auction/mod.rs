//! Auction result types (`auction.graphql` of the original) and inputs;
//! the operations in `queries` and `mutations`.

pub mod mutations;
pub mod queries;

use crate::graphql::context::Context;
use crate::graphql::ids::gql_id;
use crate::graphql::pagination::output::PaginationOutputValue;
use crate::graphql::scalars::LocalDate;
use db::auctions::{AuctionResultRow, SaleGroup};
use juniper::{GraphQLInputObject, GraphQLObject};

#[derive(Debug, Clone, GraphQLInputObject)]
pub struct AuctionResultFilterInput {
    /// Ignored, as in the original: the window always ends today.
    pub auction_date: Option<LocalDate>,
    pub before_days: Option<i32>,
    pub wholesaler_id: i32,
}

#[derive(Debug, Clone, GraphQLInputObject)]
pub struct AuctionResultDetailFilterInput {
    pub id: i32,
}

#[derive(Debug, Clone, GraphQLInputObject)]
pub struct AuctionResultUpdateFilterInput {
    pub id: i32,
    pub retail_price: Option<i32>,
    pub is_sold_out: Option<bool>,
}

#[derive(Debug, Clone, GraphQLInputObject)]
pub struct AuctionResultForSaleFilterInput {
    pub wholesaler_id: i32,
}

#[derive(Debug, Clone, GraphQLInputObject)]
pub struct AuctionResultForSaleDetailFilterInput {
    pub id: i32,
}

#[derive(Debug, Clone, GraphQLObject)]
pub struct AuctionResult {
    pub id: i32,
    pub flower_name: String,
    pub flower_type_name: String,
    pub flower_grade: String,
    pub box_count: i32,
    pub flower_count: i32,
    pub price: i32,
    pub total_price: i32,
    pub serial_code: String,
    pub shipper: String,
    pub wholesaler_id: i32,
    /// 경매일자 YYYYMMDD
    pub auction_date: i32,
    pub images: Vec<String>,
    /// 도매상 설정 가격 (null: not offered yet)
    pub retail_price: Option<i32>,
    pub is_sold_out: bool,
}

impl AuctionResult {
    pub fn new(row: AuctionResultRow, images: Vec<String>) -> Self {
        AuctionResult {
            id: gql_id(row.id),
            flower_name: row.flower_name,
            flower_type_name: row.flower_type_name,
            flower_grade: row.flower_grade,
            box_count: row.box_count,
            flower_count: row.flower_count,
            price: row.price,
            total_price: row.total_price,
            serial_code: row.serial_code,
            // Lines from before shippers were recorded have none.
            shipper: row.shipper.unwrap_or_default(),
            wholesaler_id: gql_id(row.wholesaler_id),
            auction_date: row.auction_date,
            images,
            retail_price: row.retail_price,
            is_sold_out: row.is_sold_out,
        }
    }
}

impl AuctionResult {
    /// The lot as offered to buyers: the wholesaler's purchase (price,
    /// quantities, serial code, shipper) withheld. The contract's fields are
    /// non-null, so they answer 0 and "" rather than disappear.
    pub fn as_offered(self) -> Self {
        AuctionResult {
            box_count: 0,
            flower_count: 0,
            price: 0,
            total_price: 0,
            serial_code: String::new(),
            shipper: String::new(),
            ..self
        }
    }
}

#[derive(Debug, Clone, GraphQLObject)]
pub struct AuctionResultFlowerGradeInfo {
    pub id: i32,
    pub flower_grade: String,
}

#[derive(Debug, Clone, GraphQLObject)]
pub struct AuctionResultWithGroupBy {
    pub id: i32,
    pub flower_name: String,
    pub flower_type_name: String,
    pub images: Vec<String>,
    pub auction_date: i32,
    pub flower_grade_infos: Vec<Option<AuctionResultFlowerGradeInfo>>,
    pub retail_price: Option<i32>,
}

impl AuctionResultWithGroupBy {
    pub fn new(group: SaleGroup, images: Vec<String>) -> Self {
        let infos = group
            .line_ids
            .iter()
            .zip(&group.grades)
            .map(|(id, grade)| {
                Some(AuctionResultFlowerGradeInfo {
                    id: gql_id(*id),
                    flower_grade: grade.clone(),
                })
            })
            .collect();
        AuctionResultWithGroupBy {
            id: gql_id(group.id),
            flower_name: group.flower_name,
            flower_type_name: group.flower_type_name,
            images,
            auction_date: group.auction_date,
            flower_grade_infos: infos,
            retail_price: group.retail_price,
        }
    }
}

#[derive(GraphQLObject)]
#[graphql(context = Context, impl = PaginationOutputValue)]
pub struct AuctionResultsOutput {
    /// Items on the returned page (the original's semantics).
    pub result_count: i32,
    pub items: Vec<AuctionResult>,
}

#[derive(GraphQLObject)]
#[graphql(context = Context, impl = PaginationOutputValue)]
pub struct AuctionResultForSaleOutput {
    /// Items on the returned page (the original's semantics).
    pub result_count: i32,
    pub wholesaler_id: i32,
    pub items: Vec<AuctionResultWithGroupBy>,
}

#[derive(Debug, Clone, GraphQLObject)]
pub struct AuctionResultDetailOutput {
    pub item: AuctionResult,
}

#[derive(Debug, Clone, GraphQLObject)]
pub struct AuctionResultUpdateOutput {
    pub item: AuctionResult,
}

#[derive(Debug, Clone, GraphQLObject)]
pub struct AuctionResultForSaleDetailOutput {
    pub item: AuctionResult,
}
