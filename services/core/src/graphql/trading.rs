//! Resolvers of the trading operations: who may call them, argument mapping,
//! and the calls into `crate::trading`. The roots (`query.rs`,
//! `mutation.rs`) only delegate here.

use crate::graphql::auction::*;
use crate::graphql::cart::*;
use crate::graphql::catalogue::{FlowerFilterInput, FlowersOutput};
use crate::graphql::context::Context;
use crate::graphql::error::{GqlError, GqlResult};
use crate::graphql::orders::*;
use crate::graphql::pagination::{Page, PaginationInput};
use crate::graphql::read_model::{Plan, ReadModel, Viewed};
use crate::graphql::scalars::LocalDate;
use crate::graphql::users::User;
use crate::trading::{auctions, cart, custom_items, ordering, pricing, receipts, scope};
use domain::{ErrorCode, Role};
use juniper::BoxFuture;
use std::sync::Arc;

const RETAILER: &[Role] = &[Role::Retailer];
const WHOLESALER: &[Role] = &[Role::WholesalerEmpr, Role::WholesalerEmpe];

fn id64(id: i32) -> i64 {
    i64::from(id)
}

pub fn flowers(
    filter: Option<FlowerFilterInput>,
    pagination: Option<PaginationInput>,
) -> GqlResult<Viewed<CataloguePage>> {
    let page = Page::from_input(pagination.as_ref())?;
    Ok(Viewed(CataloguePage { filter, page }))
}

/// `flowers(filter, pagination)`: a page of the catalogue.
pub struct CataloguePage {
    filter: Option<FlowerFilterInput>,
    page: Page,
}

impl ReadModel for CataloguePage {
    type Plain = FlowersOutput;
    const NAME: &'static str = "catalogue_page";

    fn shape(&self) -> &'static db::read_models::Shape {
        &db::read_models::catalogue_page::FLOWERS_OUTPUT
    }

    fn read<'a>(
        &'a self,
        ctx: &'a Context,
        plan: &'a Plan,
    ) -> BoxFuture<'a, GqlResult<db::read_models::ViewJson>> {
        Box::pin(async move {
            use db::read_models::catalogue_page::{CataloguePageAsk, Listing, read};
            let listing = match crate::graphql::catalogue::listing(self.filter.as_ref()) {
                None => Listing::ImagesFirst,
                Some(search) => Listing::Search(search),
            };
            let ask = CataloguePageAsk {
                listing,
                page: self.page.into(),
                bidding_days: plan.asks("biddingFlowers"),
                bidding_days_max: crate::graphql::cost::UNPAGINATED_LIST_MAX as i64,
            };
            let mut conn = ctx.conn().await?;
            Ok(read(&mut conn, &ask).await?)
        })
    }

    fn plain<'a>(&'a self, ctx: &'a Context) -> BoxFuture<'a, GqlResult<FlowersOutput>> {
        Box::pin(crate::graphql::catalogue::search(
            ctx,
            self.filter.as_ref(),
            self.page,
        ))
    }
}

pub async fn shopping_session(ctx: &Context) -> GqlResult<Option<ShoppingSession>> {
    let viewer = ctx.require_role(RETAILER)?;
    let mut conn = ctx.conn().await?;
    Ok(db::carts::live_session(&mut conn, viewer.user_id.get())
        .await?
        .map(ShoppingSession))
}

pub async fn all_cart_items(
    ctx: &Context,
    pagination: Option<PaginationInput>,
) -> GqlResult<Vec<CartItem>> {
    let page = Page::from_input(pagination.as_ref())?;
    let Some(session) = shopping_session(ctx).await? else {
        return Ok(Vec::new());
    };
    let rows = ctx
        .loaders
        .cart_items
        .load((page, session.0.id))
        .await
        .map_err(GqlError::from)?;
    Ok(rows
        .into_iter()
        .map(|row| CartItem(Arc::unwrap_or_clone(row)))
        .collect())
}

pub async fn cart_wholesaler(ctx: &Context) -> GqlResult<Option<User>> {
    match shopping_session(ctx).await? {
        Some(session) => party_user(ctx, session.0.wholesaler_id).await,
        None => Ok(None),
    }
}

fn day_of(
    filter: Option<DateFilterInput>,
) -> Option<(chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>)> {
    filter.map(|f| domain::time::kst_day_bounds(f.date.date()))
}

pub async fn order_sheets(
    ctx: &Context,
    filter: Option<DateFilterInput>,
    pagination: Option<PaginationInput>,
) -> GqlResult<Viewed<SheetList>> {
    let viewer = ctx.require_viewer()?;
    let page = Page::from_input(pagination.as_ref())?;
    let mut conn = ctx.conn().await?;
    let party = scope::party(&mut conn, viewer).await?;
    Ok(Viewed(SheetList {
        party,
        day: day_of(filter),
        page,
        viewer,
    }))
}

/// `orderSheets(filter, pagination)`: the wholesaler's day view, the
/// florist's orders.
pub struct SheetList {
    party: db::orders::Party,
    day: Option<(chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>)>,
    page: Page,
    viewer: crate::app::Viewer,
}

impl ReadModel for SheetList {
    type Plain = Vec<OrderSheet>;
    const NAME: &'static str = "order_sheets";

    fn shape(&self) -> &'static db::read_models::Shape {
        &db::read_models::day_view::ORDER_SHEET
    }

    fn read<'a>(
        &'a self,
        ctx: &'a Context,
        plan: &'a Plan,
    ) -> BoxFuture<'a, GqlResult<db::read_models::ViewJson>> {
        Box::pin(async move {
            use db::read_models::day_view::{DayViewAsk, Viewer, read};
            let ask = DayViewAsk {
                party: self.party,
                day: self.day,
                sheets: self.page.into(),
                lines: plan.page("orderItems"),
                custom_lines: plan.page("customOrderItems"),
                viewer: Viewer {
                    user_id: self.viewer.user_id.get(),
                    is_admin: self.viewer.role == Role::Admin,
                },
                business_info: plan.asks("businessInfo"),
                dates: plan.asks("createdAt") || plan.asks("updatedAt"),
            };
            let mut conn = ctx.conn().await?;
            Ok(read(&mut conn, &ask).await?)
        })
    }

    fn plain<'a>(&'a self, ctx: &'a Context) -> BoxFuture<'a, GqlResult<Vec<OrderSheet>>> {
        Box::pin(async move {
            let rows = {
                let mut conn = ctx.conn().await?;
                db::orders::sheets_page(
                    &mut conn,
                    self.party,
                    self.day,
                    self.page.descending,
                    self.page.offset,
                    self.page.limit,
                )
                .await?
            };
            OrderSheet::read_many(ctx, rows).await
        })
    }
}

pub async fn order_sheet(ctx: &Context, id: i32) -> GqlResult<OrderSheet> {
    let viewer = ctx.require_viewer()?;
    let id = id64(id);
    let party = {
        let mut conn = ctx.conn().await?;
        scope::party(&mut conn, viewer).await?
    };
    let found = ctx.loaders.sheets.load(id).await?;
    let row = ordering::readable_sheet(party, id, found)?;
    OrderSheet::read(ctx, row).await
}

pub async fn order_items(
    ctx: &Context,
    filter: Option<DateFilterInput>,
    pagination: Option<PaginationInput>,
) -> GqlResult<Vec<OrderItem>> {
    let viewer = ctx.require_viewer()?;
    let page = Page::from_input(pagination.as_ref())?;
    let mut conn = ctx.conn().await?;
    let party = scope::party(&mut conn, viewer).await?;
    let rows = db::orders::items_page(
        &mut conn,
        party,
        day_of(filter),
        page.descending,
        page.offset,
        page.limit,
    )
    .await?;
    Ok(rows.into_iter().map(OrderItem).collect())
}

/// Days the dashboard covers: the last three months, today included (KST).
fn dashboard_window() -> (chrono::NaiveDate, chrono::NaiveDate) {
    let today = domain::time::business_day(chrono::Utc::now());
    let from = today
        .checked_sub_months(chrono::Months::new(3))
        .unwrap_or(today);
    (from, today)
}

pub async fn daily_aggregates(
    ctx: &Context,
    pagination: Option<PaginationInput>,
) -> GqlResult<Vec<OrderSheetsAggregate>> {
    let viewer = ctx.require_role(WHOLESALER)?;
    let page = Page::from_input(pagination.as_ref())?;
    let mut conn = ctx.conn().await?;
    let wholesaler = scope::acting_wholesaler(&mut conn, viewer).await?;
    let (from, to) = dashboard_window();
    let rows = db::orders::day_aggregates(
        &mut conn,
        wholesaler,
        from,
        to,
        true,
        page.descending,
        page.offset,
        page.limit,
    )
    .await?;
    Ok(rows.into_iter().map(OrderSheetsAggregate::from).collect())
}

pub async fn daily_aggregate(
    ctx: &Context,
    date: Option<LocalDate>,
) -> GqlResult<Option<OrderSheetsAggregate>> {
    let viewer = ctx.require_role(WHOLESALER)?;
    let day = date.map_or_else(
        || domain::time::business_day(chrono::Utc::now()),
        LocalDate::date,
    );
    let mut conn = ctx.conn().await?;
    let wholesaler = scope::acting_wholesaler(&mut conn, viewer).await?;
    let rows =
        db::orders::day_aggregates(&mut conn, wholesaler, day, day, false, false, 0, 1).await?;
    Ok(rows.into_iter().next().map(OrderSheetsAggregate::from))
}

pub async fn daily_order_items(
    ctx: &Context,
    filter: Option<DailyOrderItemFilterInput>,
    pagination: Option<PaginationInput>,
) -> GqlResult<Vec<DailyOrderItem>> {
    let viewer = ctx.require_role(WHOLESALER)?;
    let page = Page::from_input(pagination.as_ref())?;
    let range = filter
        .and_then(|f| f.date_range)
        .map(|r| (r.from_date.date(), r.to_date.date()));
    let mut conn = ctx.conn().await?;
    let wholesaler = scope::acting_wholesaler(&mut conn, viewer).await?;
    let rows = db::daily_items::page(
        &mut conn,
        wholesaler,
        range,
        page.descending,
        page.offset,
        page.limit,
    )
    .await?;
    Ok(rows.into_iter().map(DailyOrderItem).collect())
}

pub async fn add_to_cart(ctx: &Context, input: Option<AddToCartInput>) -> GqlResult<CartItem> {
    let viewer = ctx.require_role(RETAILER)?;
    let input =
        input.ok_or_else(|| GqlError::message(ErrorCode::InvalidData, "input is required."))?;
    let line = cart::LineInput {
        flower_id: id64(input.flower_id),
        quantity: input.quantity,
        grade: input.grade.to_domain(),
        memo: input.memo,
    };
    Ok(cart::add(&ctx.pool, viewer, line).await.map(CartItem)?)
}

pub async fn update_cart_item(ctx: &Context, input: UpdateCartItemInput) -> GqlResult<CartItem> {
    let viewer = ctx.require_role(RETAILER)?;
    let line = cart::LineInput {
        flower_id: 0,
        quantity: input.quantity,
        grade: input.grade.to_domain(),
        memo: input.memo,
    };
    Ok(cart::update(&ctx.pool, viewer, id64(input.id), line)
        .await
        .map(CartItem)?)
}

pub async fn remove_cart_item(ctx: &Context, id: i32) -> GqlResult<()> {
    let viewer = ctx.require_role(RETAILER)?;
    Ok(cart::remove(&ctx.pool, viewer, id64(id)).await?)
}

pub async fn update_shopping_session(
    ctx: &Context,
    input: UpdateShoppingSessionInput,
) -> GqlResult<ShoppingSession> {
    let viewer = ctx.require_role(RETAILER)?;
    Ok(
        cart::update_session(&ctx.pool, viewer, input.wholesaler_id.map(id64), input.memo)
            .await
            .map(ShoppingSession)?,
    )
}

/// The deprecated way to choose the wholesaler: returns the cart's lines.
pub async fn upsert_wholesaler_on_cart_items(
    ctx: &Context,
    wholesaler_id: i32,
) -> GqlResult<Vec<CartItem>> {
    let viewer = ctx.require_role(RETAILER)?;
    cart::update_session(&ctx.pool, viewer, Some(id64(wholesaler_id)), None).await?;
    let mut conn = ctx.conn().await?;
    let rows = db::carts::live_items_of_retailer(&mut conn, viewer.user_id.get()).await?;
    Ok(rows.into_iter().map(CartItem).collect())
}

pub async fn order_cart_items(ctx: &Context) -> GqlResult<Option<OrderSheet>> {
    let viewer = ctx.require_role(RETAILER)?;
    let row = ordering::order_cart(&ctx.pool, viewer).await?;
    OrderSheet::read(ctx, row).await.map(Some)
}

pub async fn remove_order_sheet(ctx: &Context, id: i32) -> GqlResult<()> {
    let viewer = ctx.require_role(RETAILER)?;
    Ok(ordering::remove_sheet(&ctx.pool, viewer, id64(id)).await?)
}

fn price_pairs(items: &[OrderItemPriceInput]) -> Vec<(i64, i32)> {
    items.iter().map(|i| (id64(i.id), i.price)).collect()
}

pub async fn update_order_items_price(
    ctx: &Context,
    items: Vec<OrderItemPriceInput>,
) -> GqlResult<Vec<OrderItem>> {
    let viewer = ctx.require_role(WHOLESALER)?;
    let rows = pricing::update_item_prices(&ctx.pool, viewer, &price_pairs(&items)).await?;
    Ok(rows.into_iter().map(OrderItem).collect())
}

pub async fn update_daily_order_items_price(
    ctx: &Context,
    items: Vec<OrderItemPriceInput>,
) -> GqlResult<Vec<DailyOrderItem>> {
    let viewer = ctx.require_role(WHOLESALER)?;
    let rows = pricing::update_daily_prices(&ctx.pool, viewer, &price_pairs(&items)).await?;
    Ok(rows.into_iter().map(DailyOrderItem).collect())
}

pub async fn upsert_custom_order_items(
    ctx: &Context,
    input: UpsertCustomOrderItemsInput,
) -> GqlResult<Vec<CustomOrderItem>> {
    let viewer = ctx.require_role(WHOLESALER)?;
    let items = input
        .items
        .into_iter()
        .map(|i| custom_items::CustomInput {
            id: i.id.map(id64),
            flower_name: i.flower_name,
            flower_type_name: i.flower_type_name,
            grade: i.grade.map(|g| g.to_domain()),
            quantity: i.quantity,
            price: i.price,
        })
        .collect();
    let rows = custom_items::upsert(&ctx.pool, viewer, id64(input.order_sheet_id), items).await?;
    Ok(rows.into_iter().map(CustomOrderItem).collect())
}

pub async fn remove_custom_order_items(ctx: &Context, ids: Vec<i32>) -> GqlResult<()> {
    let viewer = ctx.require_role(WHOLESALER)?;
    let ids: Vec<i64> = ids.into_iter().map(id64).collect();
    Ok(custom_items::remove(&ctx.pool, viewer, &ids).await?)
}

pub async fn issue_receipt(ctx: &Context, sheet_id: i32) -> GqlResult<OrderSheetReceipt> {
    let viewer = ctx.require_role(WHOLESALER)?;
    let row = receipts::issue(
        &ctx.pool,
        &ctx.peers.receipt,
        &ctx.settings,
        &ctx.wakeup,
        viewer,
        id64(sheet_id),
    )
    .await?;
    Ok(OrderSheetReceipt(row))
}

pub async fn order_batch(ctx: &Context) -> GqlResult<()> {
    ctx.require_role(&[Role::Admin])?;
    match crate::trading::batch::run(&ctx.pool).await {
        Ok(_) => Ok(()),
        Err(crate::trading::batch::BatchError::AlreadyRunning) => Err(GqlError::message(
            ErrorCode::Conflict,
            "The order batch is already running.",
        )),
        Err(e) => Err(GqlError::internal("order batch", e)),
    }
}

async fn with_images(
    ctx: &Context,
    rows: Vec<db::auctions::AuctionResultRow>,
) -> GqlResult<Vec<AuctionResult>> {
    let pairs = rows
        .iter()
        .map(|r| (r.flower_name.clone(), r.flower_type_name.clone()))
        .collect();
    let images = auctions::images(&ctx.pool, pairs).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let key = (r.flower_name.clone(), r.flower_type_name.clone());
            let found = images.get(&key).cloned().unwrap_or_default();
            AuctionResult::new(r, found)
        })
        .collect())
}

async fn one_with_images(
    ctx: &Context,
    row: db::auctions::AuctionResultRow,
) -> GqlResult<AuctionResult> {
    with_images(ctx, vec![row])
        .await?
        .pop()
        .ok_or_else(|| GqlError::internal("auction", "row vanished"))
}

pub async fn auction_result(
    ctx: &Context,
    filter: AuctionResultFilterInput,
    pagination: Option<PaginationInput>,
) -> GqlResult<AuctionResultsOutput> {
    let viewer = ctx.require_role(WHOLESALER)?;
    let page = Page::from_input(pagination.as_ref())?;
    let rows = auctions::own_results(
        &ctx.pool,
        viewer,
        id64(filter.wholesaler_id),
        filter.before_days,
        page,
    )
    .await?;
    let items = with_images(ctx, rows).await?;
    Ok(AuctionResultsOutput {
        result_count: i32::try_from(items.len()).unwrap_or(i32::MAX),
        items,
    })
}

pub async fn auction_result_detail(ctx: &Context, id: i32) -> GqlResult<AuctionResult> {
    let viewer = ctx.require_role(WHOLESALER)?;
    let row = auctions::own_result(&ctx.pool, viewer, id64(id)).await?;
    one_with_images(ctx, row).await
}

pub async fn update_auction_result(
    ctx: &Context,
    filter: AuctionResultUpdateFilterInput,
) -> GqlResult<AuctionResult> {
    let viewer = ctx.require_role(WHOLESALER)?;
    let row = auctions::update(
        &ctx.pool,
        viewer,
        id64(filter.id),
        filter.retail_price,
        filter.is_sold_out,
    )
    .await?;
    one_with_images(ctx, row).await
}

pub async fn auction_result_for_sale(
    ctx: &Context,
    filter: AuctionResultForSaleFilterInput,
    pagination: Option<PaginationInput>,
) -> GqlResult<AuctionResultForSaleOutput> {
    ctx.require_viewer()?;
    let page = Page::from_input(pagination.as_ref())?;
    let groups = auctions::for_sale(&ctx.pool, id64(filter.wholesaler_id), page).await?;
    let pairs = groups
        .iter()
        .map(|g| (g.flower_name.clone(), g.flower_type_name.clone()))
        .collect();
    let images = auctions::images(&ctx.pool, pairs).await?;
    let items: Vec<AuctionResultWithGroupBy> = groups
        .into_iter()
        .map(|g| {
            let found = images
                .get(&(g.flower_name.clone(), g.flower_type_name.clone()))
                .cloned()
                .unwrap_or_default();
            AuctionResultWithGroupBy::new(g, found)
        })
        .collect();
    Ok(AuctionResultForSaleOutput {
        result_count: i32::try_from(items.len()).unwrap_or(i32::MAX),
        wholesaler_id: filter.wholesaler_id,
        items,
    })
}

pub async fn auction_result_for_sale_detail(ctx: &Context, id: i32) -> GqlResult<AuctionResult> {
    let viewer = ctx.require_viewer()?;
    let (row, reader) = auctions::offered_result(&ctx.pool, viewer, id64(id)).await?;
    let lot = one_with_images(ctx, row).await?;
    Ok(match reader {
        auctions::Reader::Owner => lot,
        auctions::Reader::Buyer => lot.as_offered(),
    })
}
