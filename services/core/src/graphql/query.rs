//! The `Query` root: each field delegates to its entity's module under
//! `model/` (a deprecated alias to the same function as its successor).

use crate::graphql::context::Context;
use crate::graphql::error::{GqlError, GqlResult};
use crate::graphql::model::auction::{
    AuctionResultDetailFilterInput, AuctionResultDetailOutput, AuctionResultFilterInput,
    AuctionResultForSaleDetailFilterInput, AuctionResultForSaleDetailOutput,
    AuctionResultForSaleFilterInput, AuctionResultForSaleOutput, AuctionResultsOutput,
};
use crate::graphql::model::audit::AuditTimelineOutput;
use crate::graphql::model::audit::queries::AuditTimelineFilterInput;
use crate::graphql::model::cart::{CartItem, ShoppingSession};
use crate::graphql::model::catalogue::market::{AuctionPrice, AuctionPriceBoardOutput};
use crate::graphql::model::catalogue::market_queries::{
    self, AuctionPriceBoardFilterInput, AuctionPriceHistoryFilterInput,
};
use crate::graphql::model::catalogue::page::{self, CataloguePage, FlowerFilterInput};
use crate::graphql::model::ledger::queries::LedgerFilterInput;
use crate::graphql::model::ledger::statements::AccountStatementFilterInput;
use crate::graphql::model::ledger::{
    AccountStatementsOutput, LedgerAccountsOutput, LedgerOutput, TaxRollupOutput,
};
use crate::graphql::model::order::aggregate::{self, OrderSheetsAggregate};
use crate::graphql::model::order::daily::{self, DailyOrderItem, DailyOrderItemFilterInput};
use crate::graphql::model::order::pick_list::{self, PackingSlips, PickList};
use crate::graphql::model::order::queries::{DateFilterInput, SheetList};
use crate::graphql::model::order::{OrderItem, OrderSheet};
use crate::graphql::model::user::search::{self, UserFilterInput};
use crate::graphql::model::user::{self, User};
use crate::graphql::model::{auction, audit, cart, ledger, order};
use crate::graphql::pagination::PaginationInput;
use crate::graphql::read_model::Viewed;
use crate::graphql::scalars::LocalDate;
use domain::ErrorCode;
use juniper::graphql_object;

pub struct Query;

// Concrete in its scalar: read models answer finished JSON (`Scalar::Json`).
#[graphql_object(context = Context, scalar = crate::graphql::scalar_value::Scalar)]
impl Query {
    /// 토큰으로 나의 정보 가져오기
    async fn me(ctx: &Context) -> GqlResult<User> {
        let viewer = ctx.require_viewer()?;
        user::load_user(ctx, viewer.user_id.get()).await
    }

    /// 유저 목록 가져오기 (login required; phone search for admins)
    async fn users(
        ctx: &Context,
        filter: Option<UserFilterInput>,
        pagination: Option<PaginationInput>,
    ) -> GqlResult<Vec<User>> {
        search::users(ctx, filter, pagination).await
    }

    /// 단일 유저 정보 가져오기 (login required; private fields only for those entitled)
    async fn user(ctx: &Context, id: i32) -> GqlResult<User> {
        ctx.require_viewer()?;
        user::load_user(ctx, i64::from(id)).await
    }

    /// 거래관계를 맺을 수 있는 유저 전체 목록: 본인의 role 과 반대인 유저의 목록
    async fn connectable_users(
        ctx: &Context,
        pagination: Option<PaginationInput>,
    ) -> GqlResult<Vec<User>> {
        search::connectable_users(ctx, pagination).await
    }

    #[graphql(deprecated = "getUsers is deprecated. Use 'users' instead.")]
    async fn get_users(
        ctx: &Context,
        filter: Option<UserFilterInput>,
        pagination: Option<PaginationInput>,
    ) -> GqlResult<Vec<User>> {
        search::users(ctx, filter, pagination).await
    }

    #[graphql(deprecated = "getUser is deprecated. Use 'user' instead.")]
    async fn get_user(ctx: &Context, id: i32) -> GqlResult<User> {
        ctx.require_viewer()?;
        user::load_user(ctx, i64::from(id)).await
    }

    #[graphql(deprecated = "getConnectableUsers is deprecated. Use 'connectableUsers' instead.")]
    async fn get_connectable_users(
        ctx: &Context,
        pagination: Option<PaginationInput>,
    ) -> GqlResult<Vec<User>> {
        search::connectable_users(ctx, pagination).await
    }

    /// 꽃 목록 (empty keyword: all, images first; else bidding dates + keyword)
    fn flowers(
        filter: Option<FlowerFilterInput>,
        pagination: Option<PaginationInput>,
    ) -> GqlResult<Viewed<CataloguePage>> {
        page::flowers(filter, pagination)
    }

    #[graphql(deprecated = "getFlowers is deprecated. Use 'flowers' instead.")]
    fn get_flowers(
        filter: Option<FlowerFilterInput>,
        pagination: Option<PaginationInput>,
    ) -> GqlResult<Viewed<CataloguePage>> {
        page::flowers(filter, pagination)
    }

    /// 경매 시세판: one sale day of the public aT auction per 품목/품종/등급
    /// (the most recent day when no date), in name order (DESCEND reverses
    /// it); at most 200 a page. Public, as `flowers` is.
    async fn auction_price_board(
        ctx: &Context,
        filter: Option<AuctionPriceBoardFilterInput>,
        pagination: Option<PaginationInput>,
    ) -> GqlResult<AuctionPriceBoardOutput> {
        market_queries::auction_price_board(ctx, filter, pagination).await
    }

    /// 품종별 경매 시세 이력: one variety's board rows over at most 92 days,
    /// oldest first (the latest 500 rows at most). Public, as `flowers` is.
    async fn auction_price_history(
        ctx: &Context,
        filter: AuctionPriceHistoryFilterInput,
    ) -> GqlResult<Vec<AuctionPrice>> {
        market_queries::auction_price_history(ctx, filter).await
    }

    /// [소매상] 장바구니 쇼핑 세션 가져오기
    async fn shopping_session(ctx: &Context) -> GqlResult<Option<ShoppingSession>> {
        cart::queries::shopping_session(ctx).await
    }

    #[graphql(deprecated = "getShoppingSession is deprecated. Use 'shoppingSession' instead.")]
    async fn get_shopping_session(ctx: &Context) -> GqlResult<Option<ShoppingSession>> {
        cart::queries::shopping_session(ctx).await
    }

    #[graphql(
        deprecated = "getAllCartItems is deprecated. Use 'shoppingSession.cartItems' instead."
    )]
    async fn get_all_cart_items(
        ctx: &Context,
        pagination: Option<PaginationInput>,
    ) -> GqlResult<Vec<CartItem>> {
        cart::queries::all_cart_items(ctx, pagination).await
    }

    #[graphql(
        deprecated = "getCartWholesaler is deprecated. Use 'shoppingSession.wholesaler' instead."
    )]
    async fn get_cart_wholesaler(ctx: &Context) -> GqlResult<Option<User>> {
        cart::queries::cart_wholesaler(ctx).await
    }

    /// 주문서 목록 (the caller's own; employees see the employer's)
    async fn order_sheets(
        ctx: &Context,
        filter: Option<DateFilterInput>,
        pagination: Option<PaginationInput>,
    ) -> GqlResult<Viewed<SheetList>> {
        order::queries::order_sheets(ctx, filter, pagination).await
    }

    #[graphql(deprecated = "getOrderSheets is deprecated. Use 'orderSheets' instead.")]
    async fn get_order_sheets(
        ctx: &Context,
        filter: Option<DateFilterInput>,
        pagination: Option<PaginationInput>,
    ) -> GqlResult<Viewed<SheetList>> {
        order::queries::order_sheets(ctx, filter, pagination).await
    }

    /// 주문서 상세 (its retailer or wholesaler only)
    async fn order_sheet(ctx: &Context, order_sheet_id: i32) -> GqlResult<OrderSheet> {
        order::queries::order_sheet(ctx, order_sheet_id).await
    }

    #[graphql(deprecated = "getOrderSheet is deprecated. Use 'orderSheet' instead.")]
    async fn get_order_sheet(ctx: &Context, order_sheet_id: i32) -> GqlResult<OrderSheet> {
        order::queries::order_sheet(ctx, order_sheet_id).await
    }

    /// 주문 항목 목록 (the caller's own; employees see the employer's)
    async fn order_items(
        ctx: &Context,
        filter: Option<DateFilterInput>,
        pagination: Option<PaginationInput>,
    ) -> GqlResult<Vec<OrderItem>> {
        order::queries::order_items(ctx, filter, pagination).await
    }

    #[graphql(deprecated = "getOrderItems is deprecated. Use 'orderItems' instead.")]
    async fn get_order_items(
        ctx: &Context,
        filter: Option<DateFilterInput>,
        pagination: Option<PaginationInput>,
    ) -> GqlResult<Vec<OrderItem>> {
        order::queries::order_items(ctx, filter, pagination).await
    }

    /// [도매상] 일자별 주문 집계 (last 3 months, sheets with a receipt)
    async fn daily_order_sheet_aggregates(
        ctx: &Context,
        pagination: Option<PaginationInput>,
    ) -> GqlResult<Vec<OrderSheetsAggregate>> {
        aggregate::daily_aggregates(ctx, pagination).await
    }

    #[graphql(
        deprecated = "getAllDailyOrderSheetAggregates is deprecated. Use 'dailyOrderSheetAggregates' instead."
    )]
    async fn get_all_daily_order_sheet_aggregates(
        ctx: &Context,
        pagination: Option<PaginationInput>,
    ) -> GqlResult<Vec<OrderSheetsAggregate>> {
        aggregate::daily_aggregates(ctx, pagination).await
    }

    /// [도매상] 하루 주문 집계 (today when no date)
    async fn daily_order_sheet_aggregate(
        ctx: &Context,
        date: Option<LocalDate>,
    ) -> GqlResult<Option<OrderSheetsAggregate>> {
        aggregate::daily_aggregate(ctx, date).await
    }

    #[graphql(
        deprecated = "getDailyOrderSheetAggregate is deprecated. Use 'dailyOrderSheetAggregate' instead."
    )]
    async fn get_daily_order_sheet_aggregate(
        ctx: &Context,
        date: Option<String>,
    ) -> GqlResult<Option<OrderSheetsAggregate>> {
        let date = match date {
            Some(text) => Some(LocalDate::parse(&text).ok_or_else(|| {
                GqlError::message(ErrorCode::InvalidFormat, "date must be yyyy-MM-dd.")
            })?),
            None => None,
        };
        aggregate::daily_aggregate(ctx, date).await
    }

    /// [도매상] 피킹 리스트: stems per flower and grade over the day's live
    /// order sheets (KST day, as `orderSheets(filter: { date })`), in walking
    /// order; free-text lines flagged, the shipping fee left out
    async fn pick_list(ctx: &Context, day: LocalDate) -> GqlResult<PickList> {
        pick_list::pick_list(ctx, day).await
    }

    /// [도매상] 포장 전표: one slip per florist with a live sheet that day
    async fn packing_slips(ctx: &Context, day: LocalDate) -> GqlResult<PackingSlips> {
        pick_list::packing_slips(ctx, day).await
    }

    /// [도매상] 판매가 일괄적용 목록
    async fn daily_order_items(
        ctx: &Context,
        filter: Option<DailyOrderItemFilterInput>,
        pagination: Option<PaginationInput>,
    ) -> GqlResult<Vec<DailyOrderItem>> {
        daily::daily_order_items(ctx, filter, pagination).await
    }

    #[graphql(deprecated = "getDailyOrderItems is deprecated. Use 'dailyOrderItems' instead.")]
    async fn get_daily_order_items(
        ctx: &Context,
        filter: Option<DailyOrderItemFilterInput>,
        pagination: Option<PaginationInput>,
    ) -> GqlResult<Vec<DailyOrderItem>> {
        daily::daily_order_items(ctx, filter, pagination).await
    }

    /// 경매 결과 리스트(도매상용: own results only)
    async fn auction_result(
        ctx: &Context,
        filter: AuctionResultFilterInput,
        pagination: Option<PaginationInput>,
    ) -> GqlResult<AuctionResultsOutput> {
        auction::queries::auction_result(ctx, filter, pagination).await
    }

    /// 경매 결과 세부(도매상용)
    async fn auction_result_detail(
        ctx: &Context,
        filter: AuctionResultDetailFilterInput,
    ) -> GqlResult<AuctionResultDetailOutput> {
        let item = auction::queries::auction_result_detail(ctx, filter.id).await?;
        Ok(AuctionResultDetailOutput { item })
    }

    /// 경매 결과 리스트(소매상용: priced, available; login required)
    async fn auction_result_for_sale(
        ctx: &Context,
        filter: AuctionResultForSaleFilterInput,
        pagination: Option<PaginationInput>,
    ) -> GqlResult<AuctionResultForSaleOutput> {
        auction::queries::auction_result_for_sale(ctx, filter, pagination).await
    }

    /// 경매 결과 세부(소매상용)
    async fn auction_result_for_sale_detail(
        ctx: &Context,
        filter: AuctionResultForSaleDetailFilterInput,
    ) -> GqlResult<AuctionResultForSaleDetailOutput> {
        let item = auction::queries::auction_result_for_sale_detail(ctx, filter.id).await?;
        Ok(AuctionResultForSaleDetailOutput { item })
    }

    /// 외상 장부: one wholesaler–florist pair's entries over a period, with
    /// 전잔액, the period's charges, payments and adjustments, and 잔액
    async fn ledger(
        ctx: &Context,
        filter: LedgerFilterInput,
        pagination: Option<PaginationInput>,
    ) -> GqlResult<LedgerOutput> {
        ledger::queries::ledger(ctx, filter, pagination).await
    }

    /// The caller's ledger accounts: a wholesaler's florists, longest unpaid
    /// first (the overdue view), or a florist's wholesalers (what it owes whom)
    async fn ledger_accounts(
        ctx: &Context,
        owing_only: Option<bool>,
        pagination: Option<PaginationInput>,
    ) -> GqlResult<LedgerAccountsOutput> {
        ledger::queries::ledger_accounts(ctx, owing_only, pagination).await
    }

    /// A month's 계산서 / 세금계산서 figures per florist (wholesaler), with CSV
    async fn tax_rollup(ctx: &Context, month: LocalDate) -> GqlResult<TaxRollupOutput> {
        ledger::queries::tax_rollup(ctx, month).await
    }

    /// 주문 마감: a wholesaler's cut-off per weekday (a wholesaler's account
    /// may omit the id: its own company's)
    async fn order_cutoffs(
        ctx: &Context,
        wholesaler_id: Option<i32>,
    ) -> GqlResult<order::editing::OrderCutoffSchedule> {
        order::editing::schedule(ctx, wholesaler_id).await
    }

    /// 정기 주문: the florist's standing orders, with their next placement and latest runs
    async fn standing_orders(ctx: &Context) -> GqlResult<Vec<order::standing::StandingOrder>> {
        order::standing::list(ctx).await
    }

    /// Whether the caller receives order alerts by SMS
    async fn alert_settings(ctx: &Context) -> GqlResult<user::alerts::AlertSettings> {
        user::alerts::get(ctx).await
    }

    /// The server's time in KST (the original's wire format).
    fn current_date_time() -> Option<LocalDate> {
        Some(LocalDate::from_utc(chrono::Utc::now()))
    }

    /// A pair's daily statements and statements of account, the newest
    /// period first (who may read the pair's ledger)
    async fn account_statements(
        ctx: &Context,
        filter: AccountStatementFilterInput,
        pagination: Option<PaginationInput>,
    ) -> GqlResult<AccountStatementsOutput> {
        ledger::statements::account_statements(ctx, filter, pagination).await
    }

    /// 변경 이력: the wholesaler's audit events over at most 31 days (its
    /// owner and approved employees; operators name the wholesaler), newest
    /// first unless `pagination` says otherwise
    async fn order_timeline(
        ctx: &Context,
        filter: Option<AuditTimelineFilterInput>,
        pagination: Option<PaginationInput>,
    ) -> GqlResult<AuditTimelineOutput> {
        audit::queries::order_timeline(ctx, filter, pagination).await
    }
}
