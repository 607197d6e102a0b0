//! Standing orders (정기 주문): a florist's weekly order with one wholesaler,
//! placed at the wholesaler's cut-off on its weekdays (`trading::standing`).

use crate::graphql::context::Context;
use crate::graphql::error::{GqlError, GqlResult};
use crate::graphql::ids::{gql_id, id64};
use crate::graphql::model::catalogue::grade::GqlFlowerGrade;
use crate::graphql::model::{CommonResponse, RETAILER};
use crate::graphql::scalars::LocalDate;
use crate::trading::standing::{self, NewLine, Patch, Standing, StandingInput};
use juniper::{GraphQLInputObject, GraphQLObject};

#[derive(Debug, Clone, GraphQLObject)]
pub struct StandingOrderLine {
    pub flower_id: i32,
    pub quantity: i32,
    pub grade: GqlFlowerGrade,
    pub memo: Option<String>,
}

/// One occurrence that came due and what happened to it.
#[derive(Debug, Clone, GraphQLObject)]
pub struct StandingOrderRun {
    pub occurrence_on: LocalDate,
    /// The sheet it placed, if any.
    pub order_sheet_id: Option<i32>,
    /// PLACED (maybe with lines left out), or why not (e.g. NOT_CONNECTED, NO_FLOWER)
    pub outcome: String,
}

#[derive(Debug, Clone, GraphQLObject)]
pub struct StandingOrder {
    pub id: i32,
    pub wholesaler_id: i32,
    /// ISO weekdays, 1 Monday … 7 Sunday
    pub weekdays: Vec<i32>,
    pub starts_on: LocalDate,
    pub paused: bool,
    /// The one occurrence left out ("skip next")
    pub skip_on: Option<LocalDate>,
    pub memo: Option<String>,
    /// When it is placed next (the wholesaler's cut-off that day); null when paused
    pub next_placement_at: Option<LocalDate>,
    pub lines: Vec<StandingOrderLine>,
    /// The latest occurrences, newest first (ten at most)
    pub runs: Vec<StandingOrderRun>,
}

fn day(date: chrono::NaiveDate) -> LocalDate {
    LocalDate(date.and_time(chrono::NaiveTime::MIN))
}

impl StandingOrder {
    fn new(s: Standing) -> GqlResult<Self> {
        Ok(StandingOrder {
            id: gql_id(s.row.id),
            wholesaler_id: gql_id(s.row.wholesaler_id),
            weekdays: s.row.weekdays.iter().map(|d| i32::from(*d)).collect(),
            starts_on: day(s.row.starts_on),
            paused: s.row.paused,
            skip_on: s.row.skip_on.map(day),
            memo: s.row.memo,
            next_placement_at: s.next.map(LocalDate::from_utc),
            lines: s
                .lines
                .into_iter()
                .map(|l| {
                    Ok(StandingOrderLine {
                        flower_id: gql_id(l.flower_id),
                        quantity: l.quantity,
                        grade: GqlFlowerGrade::from_stored(&l.grade)?,
                        memo: l.memo,
                    })
                })
                .collect::<GqlResult<_>>()?,
            runs: s
                .runs
                .into_iter()
                .map(|r| StandingOrderRun {
                    occurrence_on: day(r.occurrence_on),
                    order_sheet_id: r.order_sheet_id.map(gql_id),
                    outcome: r.outcome,
                })
                .collect(),
        })
    }
}

#[derive(Debug, Clone, GraphQLInputObject)]
pub struct StandingOrderLineInput {
    pub flower_id: i32,
    pub quantity: i32,
    pub grade: GqlFlowerGrade,
    pub memo: Option<String>,
}

#[derive(Debug, Clone, GraphQLInputObject)]
pub struct CreateStandingOrderInput {
    pub wholesaler_id: i32,
    /// ISO weekdays, 1 Monday … 7 Sunday
    pub weekdays: Vec<i32>,
    /// Defaults to today (KST)
    pub starts_on: Option<LocalDate>,
    pub memo: Option<String>,
    /// The lines; or `fromOrderSheetId` to copy a past sheet's
    pub lines: Option<Vec<StandingOrderLineInput>>,
    pub from_order_sheet_id: Option<i32>,
}

#[derive(Debug, Clone, GraphQLInputObject)]
pub struct UpdateStandingOrderInput {
    pub id: i32,
    pub weekdays: Option<Vec<i32>>,
    pub paused: Option<bool>,
    /// true: leave out the next occurrence; false: undo that
    pub skip_next: Option<bool>,
    pub memo: Option<String>,
}

pub async fn list(ctx: &Context) -> GqlResult<Vec<StandingOrder>> {
    let viewer = ctx.require_role(RETAILER)?;
    standing::list(&ctx.pool, viewer)
        .await?
        .into_iter()
        .map(StandingOrder::new)
        .collect()
}

pub async fn create(ctx: &Context, input: CreateStandingOrderInput) -> GqlResult<StandingOrder> {
    let viewer = ctx.require_role(RETAILER)?;
    if input.lines.is_some() == input.from_order_sheet_id.is_some() {
        return Err(GqlError::message(
            domain::ErrorCode::InvalidData,
            "give either lines or fromOrderSheetId",
        ));
    }
    let created = standing::create(
        &ctx.pool,
        viewer,
        StandingInput {
            wholesaler_id: id64(input.wholesaler_id),
            weekdays: input.weekdays,
            starts_on: input.starts_on.map(LocalDate::date),
            memo: input.memo,
            lines: input
                .lines
                .unwrap_or_default()
                .into_iter()
                .map(|l| NewLine {
                    flower_id: id64(l.flower_id),
                    quantity: l.quantity,
                    grade: l.grade.to_domain(),
                    memo: l.memo,
                })
                .collect(),
            from_sheet: input.from_order_sheet_id.map(id64),
        },
    )
    .await?;
    StandingOrder::new(created)
}

pub async fn update(ctx: &Context, input: UpdateStandingOrderInput) -> GqlResult<StandingOrder> {
    let viewer = ctx.require_role(RETAILER)?;
    let updated = standing::update(
        &ctx.pool,
        viewer,
        id64(input.id),
        Patch {
            weekdays: input.weekdays,
            paused: input.paused,
            skip_next: input.skip_next,
            memo: input.memo,
        },
    )
    .await?;
    StandingOrder::new(updated)
}

pub async fn delete(ctx: &Context, id: i32) -> GqlResult<CommonResponse> {
    let viewer = ctx.require_role(RETAILER)?;
    standing::remove(&ctx.pool, viewer, id64(id)).await?;
    Ok(CommonResponse::ok())
}
