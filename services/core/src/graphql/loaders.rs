//! Per-request batch loaders: nested fields of a list (a user's credential,
//! business info, employment links) are fetched with one query per field for
//! the whole list instead of one per parent.

use dataloader::BatchFn;
use dataloader::cached::Loader;
use db::DbPool;
use db::business_infos::BusinessInfoRow;
use db::carts::{CartItemRow, SessionRow};
use db::catalogue::{BiddingFlowerRow, FlowerColorRow, FlowerRow, FlowerTypeRow};
use db::connections::WholesalerConnectionRow;
use db::orders::{
    ChildTable, CustomOrderItemRow, OrderItemRow, OrderSheetRow, SheetReceiptRow, SheetSummary,
};
use db::users::{CredentialRow, UserRow};
use diesel::QueryResult;
use diesel_async::AsyncPgConnection;
use std::collections::HashMap;
use std::sync::Arc;

use crate::app::Page;

/// Why a batch failed, shared by every key of the batch (a dataloader has no
/// error channel of its own, and hands each key a copy). Deliberately not
/// `Display`: it becomes a GraphQL error only through `GqlError::from`, which
/// tells an outage (`DATABASE_UNAVAILABLE`) from a bug (`INTERNAL`).
#[derive(Debug, Clone)]
pub struct LoadError(pub Arc<db::DbError>);

impl<E: Into<db::DbError>> From<E> for LoadError {
    fn from(e: E) -> Self {
        LoadError(Arc::new(e.into()))
    }
}

/// A batch's outcome for one key: the row if it exists, or why the batch failed.
pub type Loaded<T> = Result<Option<T>, LoadError>;

macro_rules! by_id_loader {
    ($name:ident, $row:ty, $query:path, $($key:ident).+) => {
        pub struct $name(DbPool);

        impl BatchFn<i64, Loaded<$row>> for $name {
            async fn load(&mut self, keys: &[i64]) -> HashMap<i64, Loaded<$row>> {
                let rows = match self.0.get().await {
                    Ok(mut conn) => $query(&mut conn, keys).await.map_err(LoadError::from),
                    Err(e) => Err(LoadError::from(e)),
                };
                match rows {
                    Ok(rows) => {
                        let mut found: HashMap<i64, Loaded<$row>> =
                            keys.iter().map(|k| (*k, Ok(None))).collect();
                        for row in rows {
                            found.insert(row.$($key).+, Ok(Some(row)));
                        }
                        found
                    }
                    Err(e) => keys.iter().map(|k| (*k, Err(e.clone()))).collect(),
                }
            }
        }
    };
}

by_id_loader!(UsersById, UserRow, db::users::live_users_by_ids, id);
by_id_loader!(
    CredentialsByUser,
    CredentialRow,
    db::users::live_credentials_by_user_ids,
    user_id
);
by_id_loader!(
    BusinessInfosByUser,
    BusinessInfoRow,
    db::business_infos::live_by_user_ids,
    user_id
);

by_id_loader!(FlowersById, FlowerRow, db::catalogue::flowers_by_ids, id);
by_id_loader!(
    FlowerTypesById,
    FlowerTypeRow,
    db::catalogue::types_by_ids,
    id
);
by_id_loader!(
    FlowerColorsById,
    FlowerColorRow,
    db::catalogue::colors_by_ids,
    id
);
by_id_loader!(
    SheetsById,
    OrderSheetRow,
    db::orders::live_sheets_by_ids,
    id
);
by_id_loader!(SessionsById, SessionRow, db::carts::sessions_by_ids, id);
by_id_loader!(
    CutoffsByWholesaler,
    db::cutoffs::CutoffRow,
    db::cutoffs::of_wholesalers,
    wholesaler_id
);
by_id_loader!(
    SummaryBySheet,
    SheetSummary,
    db::orders::summaries,
    totals.order_sheet_id
);

/// A batch's outcome for one parent: its children, or why the batch failed.
/// Shared, because a cached loader hands out a copy of the outcome: copying
/// a day's 300 lines with their flowers cost more than reading them.
pub type LoadedMany<T> = Result<Vec<Arc<T>>, LoadError>;

/// Children of many parents, keyed by (arguments, parent id): one statement per
/// distinct argument set, so siblings asking for the same page share it.
macro_rules! children_loader {
    ($name:ident, $args:ty, $row:ty, $($parent:ident).+,
     |$conn:ident, $a:ident, $ids:ident| $query:expr) => {
        pub struct $name(DbPool);

        impl BatchFn<($args, i64), LoadedMany<$row>> for $name {
            async fn load(
                &mut self,
                keys: &[($args, i64)],
            ) -> HashMap<($args, i64), LoadedMany<$row>> {
                let mut groups: HashMap<$args, Vec<i64>> = HashMap::new();
                for (args, id) in keys {
                    groups.entry(args.clone()).or_default().push(*id);
                }
                let mut pooled = match self.0.get().await {
                    Ok(conn) => conn,
                    Err(e) => {
                        let e = LoadError::from(e);
                        return keys.iter().map(|k| (k.clone(), Err(e.clone()))).collect();
                    }
                };
                let mut out = HashMap::new();
                for ($a, $ids) in groups {
                    let $conn: &mut AsyncPgConnection = &mut pooled;
                    let result: QueryResult<Vec<$row>> = $query.await;
                    match result {
                        Ok(rows) => {
                            let mut by_parent: HashMap<i64, Vec<Arc<$row>>> = HashMap::new();
                            for row in rows {
                                by_parent.entry(row.$($parent).+).or_default().push(Arc::new(row));
                            }
                            for id in &$ids {
                                let children = by_parent.remove(id).unwrap_or_default();
                                out.insert(($a.clone(), *id), Ok(children));
                            }
                        }
                        Err(e) => {
                            let e = LoadError::from(e);
                            for id in &$ids {
                                out.insert(($a.clone(), *id), Err(e.clone()));
                            }
                        }
                    }
                }
                out
            }
        }
    };
}

children_loader!(
    ItemsPerSheet,
    Page,
    OrderItemRow,
    order_sheet_id,
    |conn, page, ids| {
        db::orders::page_per_sheet(
            conn,
            ChildTable::OrderItems,
            &ids,
            page.descending,
            page.offset,
            page.limit,
        )
    }
);
children_loader!(
    CustomItemsPerSheet,
    Page,
    CustomOrderItemRow,
    order_sheet_id,
    |conn, page, ids| {
        db::orders::page_per_sheet(
            conn,
            ChildTable::CustomOrderItems,
            &ids,
            page.descending,
            page.offset,
            page.limit,
        )
    }
);
children_loader!(
    ReceiptsPerSheet,
    Page,
    SheetReceiptRow,
    order_sheet_id,
    |conn, page, ids| {
        db::orders::page_per_sheet(
            conn,
            ChildTable::Receipts,
            &ids,
            page.descending,
            page.offset,
            page.limit,
        )
    }
);
children_loader!(
    ChangeRequestsPerSheet,
    (),
    db::cutoffs::ChangeRequestRow,
    order_sheet_id,
    |conn, _args, ids| { db::cutoffs::requests_of_sheets(conn, &ids) }
);
children_loader!(
    HistoryPerSheet,
    Page,
    Keyed<db::audit::EventRow>,
    owner_key,
    |conn, page, ids| {
        let ids = ids.clone();
        async move {
            let rows =
                db::audit::page_per_sheet(conn, &ids, page.descending, page.offset, page.limit)
                    .await?;
            // Every row of a sheet's page has that sheet's id.
            Ok(rows
                .into_iter()
                .map(|row| Keyed {
                    owner_key: row.order_sheet_id.unwrap_or_default(),
                    row,
                })
                .collect::<Vec<_>>())
        }
    }
);
children_loader!(
    CartItemsPerSession,
    Page,
    CartItemRow,
    session_id,
    |conn, page, ids| {
        db::carts::items_page_per_session(conn, &ids, page.descending, page.offset, page.limit)
    }
);
children_loader!(
    BiddingPerFlower,
    (),
    BiddingFlowerRow,
    flower_id,
    |conn, _args, ids| { db::catalogue::bidding_by_flower_ids(conn, &ids) }
);
children_loader!(
    LatestAuctionPerFlower,
    (),
    db::price_board::FlowerBoardRow,
    flower_id,
    |conn, _args, ids| { db::price_board::latest_for_flowers(conn, &ids) }
);
children_loader!(
    FlowersPerType,
    (),
    FlowerRow,
    flower_type_id,
    |conn, _args, ids| { db::catalogue::flowers_by_type_ids(conn, &ids) }
);
children_loader!(
    ConnectionsPerUser,
    ConnectionArgs,
    Keyed<db::connections::BizConnectionRow>,
    owner_key,
    |conn, args, ids| {
        let (side, statuses, page) = (args.side, args.statuses.clone(), args.page);
        let ids = ids.clone();
        async move {
            let rows = db::connections::page_per_user(
                conn,
                side,
                &ids,
                &statuses,
                page.descending,
                page.offset,
                page.limit,
            )
            .await?;
            Ok(rows
                .into_iter()
                .map(|row| Keyed {
                    owner_key: side.owner_of(&row),
                    row,
                })
                .collect::<Vec<_>>())
        }
    }
);

/// Arguments of `User.appliedConnections` / `receivedConnections`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ConnectionArgs {
    pub side: db::connections::Side,
    pub statuses: Vec<String>,
    pub page: Page,
}

/// A row tagged with the parent it belongs to.
#[derive(Debug, Clone)]
pub struct Keyed<T> {
    pub owner_key: i64,
    pub row: T,
}

/// The live line count of each cart session.
pub struct CartCounts(DbPool);

impl BatchFn<i64, Result<i64, LoadError>> for CartCounts {
    async fn load(&mut self, keys: &[i64]) -> HashMap<i64, Result<i64, LoadError>> {
        let counts = match self.0.get().await {
            Ok(mut conn) => db::carts::live_counts(&mut conn, keys)
                .await
                .map_err(LoadError::from),
            Err(e) => Err(LoadError::from(e)),
        };
        match counts {
            Ok(counts) => {
                let found: HashMap<i64, i64> = counts.into_iter().collect();
                keys.iter()
                    .map(|k| (*k, Ok(found.get(k).copied().unwrap_or(0))))
                    .collect()
            }
            Err(e) => keys.iter().map(|k| (*k, Err(e.clone()))).collect(),
        }
    }
}

/// Every live owner ↔ employee link of each user (either side).
pub struct EmploymentByUser(DbPool);

impl BatchFn<i64, Result<Vec<WholesalerConnectionRow>, LoadError>> for EmploymentByUser {
    async fn load(
        &mut self,
        keys: &[i64],
    ) -> HashMap<i64, Result<Vec<WholesalerConnectionRow>, LoadError>> {
        let rows = match self.0.get().await {
            Ok(mut conn) => db::connections::employment_links(&mut conn, keys)
                .await
                .map_err(LoadError::from),
            Err(e) => Err(LoadError::from(e)),
        };
        match rows {
            Ok(rows) => keys
                .iter()
                .map(|k| {
                    let mine = rows
                        .iter()
                        .filter(|r| r.employer_id == *k || r.employee_id == *k)
                        .cloned()
                        .collect();
                    (*k, Ok(mine))
                })
                .collect(),
            Err(e) => keys.iter().map(|k| (*k, Err(e.clone()))).collect(),
        }
    }
}

type Cached<V, F> = Loader<i64, V, F, HashMap<i64, V>>;

pub struct Loaders {
    pub users: Cached<Loaded<UserRow>, UsersById>,
    pub credentials: Cached<Loaded<CredentialRow>, CredentialsByUser>,
    pub business_infos: Cached<Loaded<BusinessInfoRow>, BusinessInfosByUser>,
    pub employment: Cached<Result<Vec<WholesalerConnectionRow>, LoadError>, EmploymentByUser>,
    pub connections:
        Children<ConnectionArgs, Keyed<db::connections::BizConnectionRow>, ConnectionsPerUser>,
    pub flowers: Cached<Loaded<FlowerRow>, FlowersById>,
    pub flower_types: Cached<Loaded<FlowerTypeRow>, FlowerTypesById>,
    pub flower_colors: Cached<Loaded<FlowerColorRow>, FlowerColorsById>,
    pub bidding: Children<(), BiddingFlowerRow, BiddingPerFlower>,
    pub flowers_of_type: Children<(), FlowerRow, FlowersPerType>,
    pub latest_auctions: Children<(), db::price_board::FlowerBoardRow, LatestAuctionPerFlower>,
    pub sheets: Cached<Loaded<OrderSheetRow>, SheetsById>,
    pub sessions: Cached<Loaded<SessionRow>, SessionsById>,
    pub cutoffs: Cached<Loaded<db::cutoffs::CutoffRow>, CutoffsByWholesaler>,
    pub change_requests: Children<(), db::cutoffs::ChangeRequestRow, ChangeRequestsPerSheet>,
    pub summaries: Cached<Loaded<SheetSummary>, SummaryBySheet>,
    pub sheet_items: Children<Page, OrderItemRow, ItemsPerSheet>,
    pub sheet_custom_items: Children<Page, CustomOrderItemRow, CustomItemsPerSheet>,
    pub sheet_receipts: Children<Page, SheetReceiptRow, ReceiptsPerSheet>,
    pub sheet_history: Children<Page, Keyed<db::audit::EventRow>, HistoryPerSheet>,
    pub cart_items: Children<Page, CartItemRow, CartItemsPerSession>,
    pub cart_counts: Cached<Result<i64, LoadError>, CartCounts>,
}

type Children<A, R, F> = Loader<(A, i64), LoadedMany<R>, F, HashMap<(A, i64), LoadedMany<R>>>;

/// See `Loaders::new`.
const YIELDS: usize = 2;
/// Keys per statement: a day view's 300 lines' flowers in one query.
const MAX_BATCH: usize = 1_000;

impl Loaders {
    pub fn new(pool: &DbPool) -> Self {
        // Siblings of a list are polled in one pass, so they all enqueue their
        // keys before the first of them is woken again: a couple of yields make
        // one batch. Every yield re-polls the request's whole future tree, so
        // a large count costs CPU quadratic in the answer's size (measured:
        // 100 yields made a 300-line day view take 42 ms instead of 12 ms).
        fn cached<K, V, F>(f: F) -> Loader<K, V, F, HashMap<K, V>>
        where
            K: Eq + std::hash::Hash + Clone + std::fmt::Debug,
            V: Clone,
            F: BatchFn<K, V>,
        {
            Loader::new(f)
                .with_yield_count(YIELDS)
                .with_max_batch_size(MAX_BATCH)
        }
        let p = || pool.clone();
        Loaders {
            users: cached(UsersById(p())),
            credentials: cached(CredentialsByUser(p())),
            business_infos: cached(BusinessInfosByUser(p())),
            employment: cached(EmploymentByUser(p())),
            connections: cached(ConnectionsPerUser(p())),
            flowers: cached(FlowersById(p())),
            flower_types: cached(FlowerTypesById(p())),
            flower_colors: cached(FlowerColorsById(p())),
            bidding: cached(BiddingPerFlower(p())),
            flowers_of_type: cached(FlowersPerType(p())),
            latest_auctions: cached(LatestAuctionPerFlower(p())),
            sheets: cached(SheetsById(p())),
            sessions: cached(SessionsById(p())),
            cutoffs: cached(CutoffsByWholesaler(p())),
            change_requests: cached(ChangeRequestsPerSheet(p())),
            summaries: cached(SummaryBySheet(p())),
            sheet_items: cached(ItemsPerSheet(p())),
            sheet_custom_items: cached(CustomItemsPerSheet(p())),
            sheet_receipts: cached(ReceiptsPerSheet(p())),
            sheet_history: cached(HistoryPerSheet(p())),
            cart_items: cached(CartItemsPerSession(p())),
            cart_counts: cached(CartCounts(p())),
        }
    }
}
