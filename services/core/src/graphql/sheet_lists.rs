//! A list of order sheets reads what its sheets are asked for together: one
//! batched statement per page of lines (their flowers come from the live
//! catalogue), per page of custom lines, for the parties and for their
//! business info. The sheets then hold their whole answer and are answered
//! without a future per field.

use crate::graphql::context::Context;
use crate::graphql::error::{GqlError, GqlResult};
use crate::graphql::orders::{CustomOrderItem, HeldChildren, OrderItem, OrderSheet};
use crate::graphql::pagination::{Page, page_asked};
use crate::graphql::prefetched::{Ex, PrefetchList, requested_fields};
use crate::graphql::users::{BusinessInfo, User};
use db::orders::OrderItemRow;
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
            let (lines, custom_lines, parties) = futures_util::try_join!(
                lines_per_page(ctx, &ids, &wants.lines),
                custom_lines_per_page(ctx, &ids, &wants.custom_lines),
                Parties::read(ctx, sheets, &wants),
            )?;
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

/// The rows of one page, grouped by sheet; every sheet of `ids` gets a
/// (possibly empty) list, so an empty sheet counts as read too.
fn by_sheet<R, T>(
    ids: &[i64],
    page: Page,
    rows: impl IntoIterator<Item = R>,
    sheet_of: fn(&R) -> i64,
    answer: fn(R) -> T,
) -> PerSheet<T> {
    let mut per_sheet: HashMap<i64, Vec<T>> = ids.iter().map(|id| (*id, Vec::new())).collect();
    for row in rows {
        if let Some(children) = per_sheet.get_mut(&sheet_of(&row)) {
            children.push(answer(row));
        }
    }
    per_sheet
        .into_iter()
        .map(|(sheet, children)| (page, sheet, Arc::new(children)))
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
    // Read after the lines: a snapshot this new has every flower the lines
    // saw, as they saw it or newer.
    let version = db::catalogue::version(&mut conn).await?;
    let catalogue = ctx.catalogue.at_least(&mut conn, version).await?;
    let mut out = Vec::new();
    for (page, rows) in pages_read {
        let lines = rows.into_iter().map(|row| {
            let flower = catalogue.flower(row.flower_id).cloned();
            OrderItem(row, flower)
        });
        out.extend(by_sheet(ids, page, lines, |l| l.0.order_sheet_id, |l| l));
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
