//! Changing a placed sheet: the florist's direct edits and cancel before the
//! cut-off, change requests after it and the wholesaler's answer, and the
//! wholesaler's cut-off schedule (`trading::editing`, `trading::cutoffs`).

use crate::graphql::context::Context;
use crate::graphql::error::{GqlError, GqlResult};
use crate::graphql::ids::{gql_id, id64};
use crate::graphql::model::catalogue::grade::GqlFlowerGrade;
use crate::graphql::model::order::OrderSheet;
use crate::graphql::model::{CommonResponse, RETAILER, WHOLESALER};
use crate::graphql::scalars::LocalDate;
use crate::trading::editing::{self, LineChange, NewLine, SheetEdit};
use db::cutoffs::ChangeRequestRow;
use juniper::{GraphQLInputObject, GraphQLObject, graphql_object};

#[derive(Debug, Clone, GraphQLInputObject)]
pub struct OrderLineChangeInput {
    pub order_item_id: i32,
    pub quantity: Option<i32>,
    pub grade: Option<GqlFlowerGrade>,
    /// An empty memo clears it; omitted keeps it.
    pub memo: Option<String>,
}

#[derive(Debug, Clone, GraphQLInputObject)]
pub struct OrderLineAdditionInput {
    pub flower_id: i32,
    pub quantity: i32,
    pub grade: GqlFlowerGrade,
    pub memo: Option<String>,
}

#[derive(Debug, Clone, GraphQLInputObject)]
pub struct EditOrderSheetInput {
    pub order_sheet_id: i32,
    pub changes: Option<Vec<OrderLineChangeInput>>,
    pub additions: Option<Vec<OrderLineAdditionInput>>,
    /// Order item ids to remove.
    pub removals: Option<Vec<i32>>,
}

#[derive(Debug, Clone, GraphQLInputObject)]
pub struct RequestOrderSheetChangeInput {
    pub order_sheet_id: i32,
    pub changes: Option<Vec<OrderLineChangeInput>>,
    pub additions: Option<Vec<OrderLineAdditionInput>>,
    pub removals: Option<Vec<i32>>,
    /// Ask to cancel the whole sheet (the lists are then ignored).
    pub cancel: Option<bool>,
    pub message: Option<String>,
}

#[derive(Debug, Clone, GraphQLInputObject)]
pub struct AnswerOrderSheetChangeInput {
    pub request_id: i32,
    pub accept: bool,
    pub answer: Option<String>,
}

fn sheet_edit(
    changes: Option<Vec<OrderLineChangeInput>>,
    additions: Option<Vec<OrderLineAdditionInput>>,
    removals: Option<Vec<i32>>,
    cancel: bool,
) -> SheetEdit {
    SheetEdit {
        changes: changes
            .unwrap_or_default()
            .into_iter()
            .map(|c| LineChange {
                order_item_id: id64(c.order_item_id),
                quantity: c.quantity,
                grade: c.grade.map(GqlFlowerGrade::to_domain),
                memo: c.memo,
            })
            .collect(),
        additions: additions
            .unwrap_or_default()
            .into_iter()
            .map(|a| NewLine {
                flower_id: id64(a.flower_id),
                quantity: a.quantity,
                grade: a.grade.to_domain(),
                memo: a.memo,
            })
            .collect(),
        removals: removals.unwrap_or_default().into_iter().map(id64).collect(),
        cancel,
    }
}

/// A florist's change request after the cut-off.
#[derive(Debug, Clone)]
pub struct OrderChangeRequest(pub ChangeRequestRow);

#[graphql_object(context = Context)]
impl OrderChangeRequest {
    fn id(&self) -> i32 {
        gql_id(self.0.id)
    }

    fn order_sheet_id(&self) -> i32 {
        gql_id(self.0.order_sheet_id)
    }

    /// PENDING, ACCEPTED or DECLINED
    fn status(&self) -> &str {
        &self.0.status
    }

    /// The change asked, as JSON ({changes, additions, removals, cancel})
    fn changes(&self) -> String {
        self.0.changes.to_string()
    }

    fn message(&self) -> Option<&str> {
        self.0.message.as_deref()
    }

    fn answer(&self) -> Option<&str> {
        self.0.answer.as_deref()
    }

    fn answered_by_id(&self) -> Option<i32> {
        self.0.answered_by.map(gql_id)
    }

    fn answered_at(&self) -> Option<LocalDate> {
        self.0.answered_at.map(LocalDate::from_utc)
    }

    fn created_at(&self) -> LocalDate {
        LocalDate::from_utc(self.0.created_at)
    }
}

pub async fn edit(ctx: &Context, input: EditOrderSheetInput) -> GqlResult<OrderSheet> {
    let viewer = ctx.require_role(RETAILER)?;
    let edit = sheet_edit(input.changes, input.additions, input.removals, false);
    let row = editing::edit(&ctx.pool, viewer, id64(input.order_sheet_id), edit).await?;
    OrderSheet::read(ctx, row).await
}

pub async fn cancel(ctx: &Context, order_sheet_id: i32) -> GqlResult<CommonResponse> {
    let viewer = ctx.require_role(RETAILER)?;
    editing::cancel(&ctx.pool, viewer, id64(order_sheet_id)).await?;
    Ok(CommonResponse::ok())
}

pub async fn request(
    ctx: &Context,
    input: RequestOrderSheetChangeInput,
) -> GqlResult<OrderChangeRequest> {
    let viewer = ctx.require_role(RETAILER)?;
    let cancel = input.cancel.unwrap_or(false);
    let edit = if cancel {
        SheetEdit {
            cancel,
            ..SheetEdit::default()
        }
    } else {
        sheet_edit(input.changes, input.additions, input.removals, false)
    };
    let row = editing::request(
        &ctx.pool,
        viewer,
        id64(input.order_sheet_id),
        edit,
        input.message,
    )
    .await?;
    Ok(OrderChangeRequest(row))
}

pub async fn answer(
    ctx: &Context,
    input: AnswerOrderSheetChangeInput,
) -> GqlResult<OrderChangeRequest> {
    let viewer = ctx.require_role(WHOLESALER)?;
    let row = editing::answer(
        &ctx.pool,
        viewer,
        id64(input.request_id),
        input.accept,
        input.answer,
    )
    .await?;
    Ok(OrderChangeRequest(row))
}

/// One weekday's cut-off.
#[derive(Debug, Clone, GraphQLObject)]
pub struct OrderCutoffDay {
    /// ISO weekday: 1 Monday … 7 Sunday
    pub weekday: i32,
    /// `HH:MM`, KST
    pub cutoff: String,
}

#[derive(Debug, Clone, GraphQLObject)]
pub struct OrderCutoffSchedule {
    pub wholesaler_id: i32,
    pub days: Vec<OrderCutoffDay>,
    /// Florists edit directly even after the cut-off
    pub edit_after_cutoff: bool,
}

#[derive(Debug, Clone, GraphQLInputObject)]
pub struct OrderCutoffDayInput {
    pub weekday: i32,
    /// `HH:MM` (00:00–23:59), KST
    pub cutoff: String,
}

#[derive(Debug, Clone, GraphQLInputObject)]
pub struct UpdateOrderCutoffsInput {
    /// The days to change; days not named keep their time.
    pub days: Option<Vec<OrderCutoffDayInput>>,
    pub edit_after_cutoff: Option<bool>,
}

fn schedule_out(wholesaler_id: i64, s: domain::cutoff::CutoffSchedule) -> OrderCutoffSchedule {
    OrderCutoffSchedule {
        wholesaler_id: gql_id(wholesaler_id),
        days: s
            .minutes
            .iter()
            .enumerate()
            .map(|(i, m)| OrderCutoffDay {
                weekday: i32::try_from(i + 1).unwrap_or(1),
                cutoff: domain::cutoff::format_hh_mm(*m),
            })
            .collect(),
        edit_after_cutoff: s.edit_after_cutoff,
    }
}

/// Any signed-in caller may read a wholesaler's schedule (a wholesaler's
/// account may omit the id: its own company's).
pub async fn schedule(ctx: &Context, wholesaler_id: Option<i32>) -> GqlResult<OrderCutoffSchedule> {
    let viewer = ctx.require_viewer()?;
    let (id, schedule) =
        crate::trading::cutoffs::schedule(&ctx.pool, viewer, wholesaler_id.map(id64)).await?;
    Ok(schedule_out(id, schedule))
}

pub async fn update_schedule(
    ctx: &Context,
    input: UpdateOrderCutoffsInput,
) -> GqlResult<OrderCutoffSchedule> {
    let viewer = ctx.require_role(&[domain::Role::WholesalerEmpr])?;
    let mut days = Vec::new();
    for day in input.days.unwrap_or_default() {
        let minutes = domain::cutoff::parse_hh_mm(&day.cutoff).ok_or_else(|| {
            GqlError::message(
                domain::ErrorCode::InvalidData,
                format!(
                    "cutoff `{}`: expected HH:MM between 00:00 and 23:59",
                    day.cutoff
                ),
            )
        })?;
        days.push((day.weekday, minutes));
    }
    let (id, schedule) =
        crate::trading::cutoffs::update(&ctx.pool, viewer, &days, input.edit_after_cutoff).await?;
    Ok(schedule_out(id, schedule))
}
