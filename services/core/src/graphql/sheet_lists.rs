//! A list of order sheets reads what its sheets are asked for together: one
//! batched statement per page of lines (their flowers come from the live
//! catalogue), per page of custom lines, for the parties and for their
//! business info. The sheets then hold their whole answer and are answered
//! without a future per field.
//!
//! The sheets' line totals are counted here too. A list asked for totals and
//! lines reads every live line and custom line of its sheets once, counts
//! the totals from them and cuts the pages asked from them: PostgreSQL then
//! reads each line once instead of once for the pages and again to sum them.
//! Totals without lines are summed by PostgreSQL (`db::orders::summaries`).

use crate::graphql::context::Context;
use crate::graphql::error::{GqlError, GqlResult};
use crate::graphql::live_catalogue::Snapshot;
use crate::graphql::orders::{CustomOrderItem, HeldChildren, OrderItem, OrderSheet};
use crate::graphql::pagination::{Page, page_asked};
use crate::graphql::prefetched::{Ex, PrefetchList, requested_fields};
use crate::graphql::users::{BusinessInfo, User};
use db::orders::{CustomOrderItemRow, OrderItemRow, SheetTotals};
use juniper::{BoxFuture, ScalarValue, Selection};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// What a selection asks of every sheet of a list.
#[derive(Debug, Default, PartialEq)]
pub struct SheetWants {
    lines: Vec<Page>,
    custom_lines: Vec<Page>,
    /// Some(with business info) when the party is asked for.
    retailer: Option<bool>,
    wholesaler: Option<bool>,
    /// Whether any of the line totals is asked for.
    totals: bool,
}

fn push_page(pages: &mut Vec<Page>, page: Option<Page>) {
    if let Some(page) = page
        && !pages.contains(&page)
    {
        pages.push(page);
    }
}

impl<S: ScalarValue> PrefetchList<S> for OrderSheet {
    type Wants = SheetWants;

    fn wants(selection: &[Selection<'_, S>], ex: &Ex<'_, S>) -> SheetWants {
        let mut wants = SheetWants::default();
        for field in requested_fields(selection, "OrderSheet", ex) {
            let with_business_info = || {
                field.selection().is_some_and(|user| {
                    requested_fields(user, "User", ex)
                        .iter()
                        .any(|f| f.name() == "businessInfo")
                })
            };
            match field.name() {
                "orderItems" => push_page(&mut wants.lines, page_asked(&field, ex)),
                "customOrderItems" => push_page(&mut wants.custom_lines, page_asked(&field, ex)),
                "retailer" => {
                    wants.retailer = Some(wants.retailer == Some(true) || with_business_info());
                }
                "wholesaler" => {
                    wants.wholesaler = Some(wants.wholesaler == Some(true) || with_business_info());
                }
                "totalFlowerQuantity" | "totalFlowerTypeCount" | "totalFlowerPrice" => {
                    wants.totals = true;
                }
                _ => {}
            }
        }
        wants
    }

    fn prefetch<'a>(
        ctx: &'a Context,
        sheets: &'a [OrderSheet],
        wants: SheetWants,
    ) -> BoxFuture<'a, GqlResult<()>> {
        Box::pin(async move {
            let mut held: HashMap<i64, HeldChildren> = sheets
                .iter()
                .map(|s| (s.row.id, HeldChildren::default()))
                .collect();
            let ids: Vec<i64> = held.keys().copied().collect();
            // Independent reads, each batched over the list: run side by side.
            let (lines, parties) = futures_util::try_join!(
                Lines::read(ctx, &ids, &wants),
                Parties::read(ctx, sheets, &wants),
            )?;
            let Lines {
                lines,
                custom_lines,
                totals,
            } = lines;
            for sheet in sheets {
                if let Some(totals) = totals.get(&sheet.row.id) {
                    sheet.count(totals.clone());
                }
            }
            for (page, sheet, lines) in lines {
                if let Some(h) = held.get_mut(&sheet) {
                    h.lines.push((page, lines));
                }
            }
            for (page, sheet, rows) in custom_lines {
                if let Some(h) = held.get_mut(&sheet) {
                    h.custom_lines.push((page, rows));
                }
            }
            for sheet in sheets {
                let Some(mut children) = held.remove(&sheet.row.id) else {
                    continue;
                };
                if wants.retailer.is_some() {
                    children.retailer = Some(parties.get(sheet.row.retailer_id));
                }
                if wants.wholesaler.is_some() {
                    children.wholesaler = Some(parties.get(sheet.row.wholesaler_id));
                }
                sheet.hold(children);
            }
            Ok(())
        })
    }
}

type PerSheet<T> = Vec<(Page, i64, Arc<Vec<T>>)>;

/// The lines and custom lines of a list's sheets, per page asked, and the
/// sheets' line totals when asked.
#[derive(Default)]
struct Lines {
    lines: PerSheet<OrderItem>,
    custom_lines: PerSheet<CustomOrderItem>,
    totals: HashMap<i64, SheetTotals>,
}

impl Lines {
    async fn read(ctx: &Context, ids: &[i64], wants: &SheetWants) -> GqlResult<Self> {
        if wants.totals && !wants.lines.is_empty() {
            return Self::count(ctx, ids, wants).await;
        }
        let (lines, custom_lines, totals) = futures_util::try_join!(
            lines_per_page(ctx, ids, &wants.lines),
            custom_lines_per_page(ctx, ids, &wants.custom_lines),
            summed_totals(ctx, ids, wants.totals),
        )?;
        Ok(Lines {
            lines,
            custom_lines,
            totals,
        })
    }

    /// Every live line and custom line of the sheets: the totals counted and
    /// the pages cut from them.
    async fn count(ctx: &Context, ids: &[i64], wants: &SheetWants) -> GqlResult<Self> {
        use db::orders::ChildTable;
        let mut conn = ctx.conn().await?;
        let lines: Vec<OrderItemRow> =
            db::orders::all_per_sheet(&mut conn, ChildTable::OrderItems, ids).await?;
        let custom_lines: Vec<CustomOrderItemRow> =
            db::orders::all_per_sheet(&mut conn, ChildTable::CustomOrderItems, ids).await?;
        let catalogue = catalogue_after_lines(ctx, &mut conn).await?;
        let lines = group(ids, lines, |l| l.order_sheet_id);
        let custom_lines = group(ids, custom_lines, |c| c.order_sheet_id);

        let mut totals = HashMap::with_capacity(ids.len());
        let mut uncounted = Vec::new();
        for id in ids {
            let flower_type = |flower| catalogue.flower(flower).map(|f| f.0.flower_type_id);
            match SheetTotals::of_lines(*id, of(&lines, id), of(&custom_lines, id), flower_type) {
                Some(counted) => {
                    totals.insert(*id, counted);
                }
                None => uncounted.push(*id),
            }
        }
        // A line whose flower is gone still counts that flower's type, which
        // only the database knows now.
        if !uncounted.is_empty() {
            totals.extend(summed(&mut conn, &uncounted).await?);
        }

        Ok(Lines {
            lines: pages_of(lines, &wants.lines, line_with_flower(catalogue)),
            custom_lines: pages_of(custom_lines, &wants.custom_lines, CustomOrderItem),
            totals,
        })
    }
}

/// The live catalogue for lines just read on `conn`. Read after the lines:
/// a snapshot this new has every flower the lines saw, as they saw it or newer.
async fn catalogue_after_lines(ctx: &Context, conn: &mut db::DbConn) -> GqlResult<Arc<Snapshot>> {
    let version = db::catalogue::version(conn).await?;
    Ok(ctx.catalogue.at_least(conn, version).await?)
}

/// Answers a line with its flower from `catalogue` (none: the flower is gone).
fn line_with_flower(catalogue: Arc<Snapshot>) -> impl Fn(OrderItemRow) -> OrderItem {
    move |row| {
        let flower = catalogue.flower(row.flower_id).cloned();
        OrderItem(row, flower)
    }
}

/// The rows `group` gave sheet `id` (none for a sheet it was not given).
fn of<'a, R>(per_sheet: &'a HashMap<i64, Vec<R>>, id: &i64) -> &'a [R] {
    per_sheet.get(id).map_or(&[], Vec::as_slice)
}

/// `rows` (in sheet order) grouped by sheet; every sheet of `ids` gets a
/// (possibly empty) list.
fn group<R>(ids: &[i64], rows: Vec<R>, sheet_of: fn(&R) -> i64) -> HashMap<i64, Vec<R>> {
    let mut per_sheet: HashMap<i64, Vec<R>> = ids.iter().map(|id| (*id, Vec::new())).collect();
    for row in rows {
        if let Some(children) = per_sheet.get_mut(&sheet_of(&row)) {
            children.push(row);
        }
    }
    per_sheet
}

/// Each page of `pages`, cut from every sheet's whole list (by creation
/// time, oldest first) as the database would have cut it.
fn pages_of<R: Clone, T>(
    per_sheet: HashMap<i64, Vec<R>>,
    pages: &[Page],
    answer: impl Fn(R) -> T,
) -> PerSheet<T> {
    let mut out = Vec::with_capacity(per_sheet.len() * pages.len());
    for (sheet, mut rows) in per_sheet {
        for (n, page) in pages.iter().enumerate() {
            // The last page asked takes the rows; earlier ones copy them.
            let these = if n + 1 == pages.len() {
                std::mem::take(&mut rows)
            } else {
                rows.clone()
            };
            out.push((
                *page,
                sheet,
                Arc::new(cut(these, *page).map(&answer).collect()),
            ));
        }
    }
    out
}

/// The rows of `page` of a list by creation time (oldest first).
fn cut<R>(mut rows: Vec<R>, page: Page) -> impl Iterator<Item = R> {
    if page.descending {
        rows.reverse();
    }
    let skip = usize::try_from(page.offset).unwrap_or(usize::MAX);
    let take = usize::try_from(page.limit).unwrap_or(0);
    rows.into_iter().skip(skip).take(take)
}

/// The line totals of `ids` summed by PostgreSQL, when asked.
async fn summed_totals(
    ctx: &Context,
    ids: &[i64],
    asked: bool,
) -> GqlResult<HashMap<i64, SheetTotals>> {
    if !asked {
        return Ok(HashMap::new());
    }
    let mut conn = ctx.conn().await?;
    summed(&mut conn, ids).await
}

async fn summed(conn: &mut db::DbConn, ids: &[i64]) -> GqlResult<HashMap<i64, SheetTotals>> {
    let summaries = db::orders::summaries(conn, ids).await?;
    Ok(summaries
        .into_iter()
        .map(|summary| {
            let (totals, _) = summary.into_parts();
            (totals.order_sheet_id, totals)
        })
        .collect())
}

/// The rows of one page, grouped by sheet; every sheet of `ids` gets a
/// (possibly empty) list, so an empty sheet counts as read too.
fn by_sheet<R, T>(
    ids: &[i64],
    page: Page,
    rows: Vec<R>,
    sheet_of: fn(&R) -> i64,
    answer: impl Fn(R) -> T,
) -> PerSheet<T> {
    group(ids, rows, sheet_of)
        .into_iter()
        .map(|(sheet, rows)| {
            (
                page,
                sheet,
                Arc::new(rows.into_iter().map(&answer).collect()),
            )
        })
        .collect()
}

// Children are read by the list itself rather than through the loaders: the
// rows are then moved into the answer instead of copied out of a cache.

async fn lines_per_page(
    ctx: &Context,
    ids: &[i64],
    pages: &[Page],
) -> GqlResult<PerSheet<OrderItem>> {
    if pages.is_empty() {
        return Ok(Vec::new());
    }
    let mut conn = ctx.conn().await?;
    let mut pages_read = Vec::with_capacity(pages.len());
    for &page in pages {
        let rows: Vec<OrderItemRow> = db::orders::page_per_sheet(
            &mut conn,
            db::orders::ChildTable::OrderItems,
            ids,
            page.descending,
            page.offset,
            page.limit,
        )
        .await?;
        pages_read.push((page, rows));
    }
    let with_flower = line_with_flower(catalogue_after_lines(ctx, &mut conn).await?);
    let mut out = Vec::new();
    for (page, rows) in pages_read {
        out.extend(by_sheet(
            ids,
            page,
            rows,
            |r| r.order_sheet_id,
            &with_flower,
        ));
    }
    Ok(out)
}

async fn custom_lines_per_page(
    ctx: &Context,
    ids: &[i64],
    pages: &[Page],
) -> GqlResult<PerSheet<CustomOrderItem>> {
    if pages.is_empty() {
        return Ok(Vec::new());
    }
    let mut conn = ctx.conn().await?;
    let mut out = Vec::new();
    for &page in pages {
        let rows: Vec<db::orders::CustomOrderItemRow> = db::orders::page_per_sheet(
            &mut conn,
            db::orders::ChildTable::CustomOrderItems,
            ids,
            page.descending,
            page.offset,
            page.limit,
        )
        .await?;
        out.extend(by_sheet(
            ids,
            page,
            rows,
            |r| r.order_sheet_id,
            CustomOrderItem,
        ));
    }
    Ok(out)
}

/// The retailers and wholesalers of a list of sheets, each read once.
#[derive(Default)]
struct Parties(HashMap<i64, Arc<User>>);

impl Parties {
    async fn read(ctx: &Context, sheets: &[OrderSheet], wants: &SheetWants) -> GqlResult<Self> {
        let mut ids: HashSet<i64> = HashSet::new();
        let mut with_business_info: HashSet<i64> = HashSet::new();
        for sheet in sheets {
            for (id, wanted) in [
                (sheet.row.retailer_id, wants.retailer),
                (sheet.row.wholesaler_id, wants.wholesaler),
            ] {
                if let Some(info) = wanted {
                    ids.insert(id);
                    if info {
                        with_business_info.insert(id);
                    }
                }
            }
        }
        if ids.is_empty() {
            return Ok(Parties::default());
        }
        // Who may see whose business info is decided while the parties are read.
        let visible = async {
            let mut visible = HashSet::new();
            for id in &with_business_info {
                if ctx.can_see_private(*id).await? {
                    visible.insert(*id);
                }
            }
            Ok::<_, GqlError>(visible)
        };
        let ids: Vec<i64> = ids.into_iter().collect();
        let rows = async {
            let mut conn = ctx.conn().await?;
            Ok::<_, GqlError>(db::business_infos::live_users_with_infos(&mut conn, &ids).await?)
        };
        let (rows, visible) = futures_util::try_join!(rows, visible)?;
        let mut parties = HashMap::new();
        for (row, info) in rows {
            let id = row.id;
            let mut user = User::from(row);
            if with_business_info.contains(&id) {
                let shown = visible.contains(&id).then_some(info).flatten();
                user.held_business_info = Some(shown.map(BusinessInfo));
            }
            parties.insert(id, Arc::new(user));
        }
        Ok(Parties(parties))
    }

    /// The party, or None when its account is gone.
    fn get(&self, id: i64) -> Option<Arc<User>> {
        self.0.get(&id).cloned()
    }
}
