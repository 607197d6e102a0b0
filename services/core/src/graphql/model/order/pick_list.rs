//! `pickList` and `packingSlips`: the wholesaler's day for the night shift
//! (what to pull from stock, what to pack per florist). Capped lists: each
//! says whether it was cut and how many there are in the whole day.

use crate::graphql::context::Context;
use crate::graphql::error::GqlResult;
use crate::graphql::ids::{gql_count, gql_id};
use crate::graphql::model::WHOLESALER;
use crate::graphql::model::catalogue::grade::GqlFlowerGrade;
use crate::graphql::scalars::LocalDate;
use crate::trading::pick_list;
use db::pick_list::{PackingSlip as SlipRow, PackingSlips as SlipsRow, PickLine, SlipLine};
use juniper::graphql_object;

/// The catalogue grade of a stored 상/중/하; free text has none.
fn flower_grade(free_text: bool, grade: Option<&str>) -> Option<GqlFlowerGrade> {
    if free_text {
        return None;
    }
    grade.and_then(|g| GqlFlowerGrade::from_stored(g).ok())
}

fn midnight(day: chrono::NaiveDate) -> LocalDate {
    LocalDate(day.and_time(chrono::NaiveTime::MIN))
}

pub struct PickList(pub db::pick_list::PickList);

/// 피킹 리스트: stems per flower and grade over the day's live order sheets,
/// in walking order (flower type, flower, 상/중/하).
#[graphql_object(context = Context)]
impl PickList {
    /// The KST business day (midnight).
    fn day(&self) -> LocalDate {
        midnight(self.0.day)
    }

    /// At most 500 lines; `truncated` says whether the day has more.
    fn lines(&self) -> Vec<PickListLine> {
        self.0.lines.iter().cloned().map(PickListLine).collect()
    }

    /// Lines of the whole day, shown or not.
    fn line_count(&self) -> i32 {
        gql_count(self.0.line_count)
    }

    fn truncated(&self) -> bool {
        self.0.truncated()
    }

    /// Stems of the whole day.
    fn total_stems(&self) -> i32 {
        gql_count(self.0.total_stems)
    }

    /// Sheets and florists with at least one line to pick.
    fn sheet_count(&self) -> i32 {
        gql_count(self.0.sheet_count)
    }

    fn florist_count(&self) -> i32 {
        gql_count(self.0.florist_count)
    }
}

pub struct PickListLine(PickLine);

#[graphql_object(context = Context)]
impl PickListLine {
    fn flower_type_name(&self) -> &str {
        &self.0.flower_type_name
    }

    fn flower_name(&self) -> &str {
        &self.0.flower_name
    }

    /// As printed: 상/중/하, or a free-text line's own grade (if any).
    fn grade(&self) -> Option<&str> {
        self.0.grade.as_deref()
    }

    /// The catalogue grade; null for free text.
    fn flower_grade(&self) -> Option<GqlFlowerGrade> {
        flower_grade(self.0.free_text, self.0.grade.as_deref())
    }

    /// A free-text (custom) line, summed by type name, name and grade.
    fn is_free_text(&self) -> bool {
        self.0.free_text
    }

    /// The catalogue flower; null for free text.
    fn flower_id(&self) -> Option<i32> {
        self.0.flower_id.map(gql_id)
    }

    fn stems(&self) -> i32 {
        gql_count(self.0.stems)
    }

    fn sheet_count(&self) -> i32 {
        gql_count(self.0.sheet_count)
    }

    fn florist_count(&self) -> i32 {
        gql_count(self.0.florist_count)
    }
}

pub struct PackingSlips(pub SlipsRow);

/// 포장 전표: one slip per florist with a live sheet that day, by name.
#[graphql_object(context = Context)]
impl PackingSlips {
    fn day(&self) -> LocalDate {
        midnight(self.0.day)
    }

    /// At most 100 slips; `truncated` says whether the day has more.
    fn slips(&self) -> Vec<PackingSlip> {
        self.0.slips.iter().cloned().map(PackingSlip).collect()
    }

    /// Florists of the whole day, shown or not.
    fn florist_count(&self) -> i32 {
        gql_count(self.0.florist_count)
    }

    fn truncated(&self) -> bool {
        self.0.truncated()
    }
}

pub struct PackingSlip(SlipRow);

#[graphql_object(context = Context)]
impl PackingSlip {
    fn florist_id(&self) -> i32 {
        gql_id(self.0.retailer_id)
    }

    fn florist_name(&self) -> &str {
        &self.0.florist_name
    }

    /// From the florist's business info, when it registered one.
    fn company_name(&self) -> Option<&str> {
        self.0.company_name.as_deref()
    }

    /// The order numbers of its sheets that day, oldest first (at most 20).
    fn order_nos(&self) -> &[String] {
        &self.0.order_nos
    }

    fn sheet_count(&self) -> i32 {
        gql_count(self.0.sheet_count)
    }

    /// At most 100 lines; `truncated` says whether the slip has more.
    fn lines(&self) -> Vec<PackingSlipLine> {
        self.0.lines.iter().cloned().map(PackingSlipLine).collect()
    }

    fn line_count(&self) -> i32 {
        gql_count(self.0.line_count)
    }

    fn truncated(&self) -> bool {
        self.0.truncated()
    }

    /// Stems of the whole slip.
    fn total_stems(&self) -> i32 {
        gql_count(self.0.total_stems)
    }
}

pub struct PackingSlipLine(SlipLine);

/// The florist's lines of one flower, grade and memo that day, added up.
#[graphql_object(context = Context)]
impl PackingSlipLine {
    fn flower_type_name(&self) -> &str {
        &self.0.flower_type_name
    }

    fn flower_name(&self) -> &str {
        &self.0.flower_name
    }

    fn grade(&self) -> Option<&str> {
        self.0.grade.as_deref()
    }

    fn flower_grade(&self) -> Option<GqlFlowerGrade> {
        flower_grade(self.0.free_text, self.0.grade.as_deref())
    }

    fn is_free_text(&self) -> bool {
        self.0.free_text
    }

    fn flower_id(&self) -> Option<i32> {
        self.0.flower_id.map(gql_id)
    }

    fn quantity(&self) -> i32 {
        gql_count(self.0.quantity)
    }

    fn memo(&self) -> Option<&str> {
        self.0.memo.as_deref()
    }
}

pub async fn pick_list(ctx: &Context, day: LocalDate) -> GqlResult<PickList> {
    let viewer = ctx.require_role(WHOLESALER)?;
    let list = pick_list::pick_list(&ctx.pool, viewer, day.date()).await?;
    Ok(PickList(list))
}

pub async fn packing_slips(ctx: &Context, day: LocalDate) -> GqlResult<PackingSlips> {
    let viewer = ctx.require_role(WHOLESALER)?;
    let slips = pick_list::packing_slips(&ctx.pool, viewer, day.date()).await?;
    Ok(PackingSlips(slips))
}
