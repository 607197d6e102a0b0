//! The `Query` root.

use crate::graphql::auction::*;
use crate::graphql::cart::{CartItem, ShoppingSession};
use crate::graphql::catalogue::FlowerFilterInput;
use crate::graphql::context::Context;
use crate::graphql::enums::{AccountRole, GqlApplyStatus};
use crate::graphql::error::{GqlError, GqlResult};
use crate::graphql::orders::*;
use crate::graphql::pagination::{Page, PaginationInput};
use crate::graphql::read_model::Viewed;
use crate::graphql::scalars::LocalDate;
use crate::graphql::trading as t;
use crate::graphql::users::{User, gql_id};
use domain::{ErrorCode, Role};
use juniper::{GraphQLInputObject, graphql_object};

pub struct Query;

#[derive(Debug, Clone, GraphQLInputObject)]
pub struct UserFilterInput {
    pub roles: Option<Vec<AccountRole>>,
    pub phone_no: Option<String>,
    pub name: Option<String>,
    /// true: the users the caller can trade with (login required).
    pub connectable: Option<bool>,
}

async fn load_user(ctx: &Context, id: i64) -> GqlResult<User> {
    let user = ctx.loaders.users.load(id).await.map_err(GqlError::from)?;
    user.map(User::from).ok_or_else(|| {
        GqlError::message(
            ErrorCode::NoUser,
            format!("There's no user whose id is {id}"),
        )
    })
}

async fn users(
    ctx: &Context,
    filter: Option<UserFilterInput>,
    pagination: Option<PaginationInput>,
) -> GqlResult<Vec<User>> {
    let viewer = ctx.require_viewer()?;
    if filter.as_ref().and_then(|f| f.connectable) == Some(true) {
        return connectable_users(ctx, pagination).await;
    }
    let page = Page::from_input(pagination.as_ref())?;
    let filter = filter.unwrap_or(UserFilterInput {
        roles: None,
        phone_no: None,
        name: None,
        connectable: None,
    });
    let roles: Option<Vec<String>> = filter.roles.map(|roles| {
        roles
            .into_iter()
            .map(|r| r.to_domain().as_str().to_owned())
            .collect()
    });
    // Searching by phone number is how strangers' numbers leak: admins only.
    if filter.phone_no.is_some() && viewer.role != Role::Admin {
        return Err(GqlError::code(ErrorCode::PermissionDenied));
    }
    let mut conn = ctx.conn().await?;
    let rows = db::users::search(
        &mut conn,
        &db::users::UserSearch {
            roles,
            name_contains: filter.name,
            phone_no: filter.phone_no,
            exclude_user: None,
            descending: page.descending,
            offset: page.offset,
            limit: page.limit,
        },
    )
    .await?;
    Ok(rows.into_iter().map(User::from).collect())
}

async fn connectable_users(
    ctx: &Context,
    pagination: Option<PaginationInput>,
) -> GqlResult<Vec<User>> {
    let viewer = ctx.require_viewer()?;
    let page = Page::from_input(pagination.as_ref())?;
    let counterpart = match viewer.role {
        Role::Retailer => Role::WholesalerEmpr,
        Role::WholesalerEmpr | Role::WholesalerEmpe => Role::Retailer,
        Role::Admin => return Err(GqlError::code(ErrorCode::PermissionDenied)),
    };
    let mut conn = ctx.conn().await?;
    // An employee sees its employer's connections.
    let me = match viewer.role {
        Role::WholesalerEmpe => db::connections::employer_of(&mut conn, viewer.user_id.get())
            .await?
            .ok_or_else(|| GqlError::code(ErrorCode::NoWholesaleConnection))?,
        _ => viewer.user_id.get(),
    };
    let rows = db::users::search(
        &mut conn,
        &db::users::UserSearch {
            roles: Some(vec![counterpart.as_str().to_owned()]),
            name_contains: None,
            phone_no: None,
            exclude_user: Some(viewer.user_id.get()),
            descending: page.descending,
            offset: page.offset,
            limit: page.limit,
        },
    )
    .await?;
    let ids: Vec<i64> = rows.iter().map(|u| u.id).collect();
    let links = db::connections::latest_with(&mut conn, me, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            // The most recent live application between the two decides the status.
            let link = links
                .iter()
                .find(|c| c.retailer_id == row.id || c.wholesaler_id == row.id);
            User {
                apply_status: link
                    .and_then(|c| c.apply_status.parse().ok())
                    .map(GqlApplyStatus::from_domain),
                biz_connection_id: link.map(|c| gql_id(c.id)),
                row,
            }
        })
        .collect())
}

/// Concrete in its scalar: read models answer finished JSON (`Scalar::Json`).
#[graphql_object(context = Context, scalar = crate::graphql::scalar_value::Scalar)]
impl Query {
    /// 토큰으로 나의 정보 가져오기
    async fn me(ctx: &Context) -> GqlResult<User> {
        let viewer = ctx.require_viewer()?;
        load_user(ctx, viewer.user_id.get()).await
    }

    /// 유저 목록 가져오기 (login required; phone search for admins)
    async fn users(
        ctx: &Context,
        filter: Option<UserFilterInput>,
        pagination: Option<PaginationInput>,
    ) -> GqlResult<Vec<User>> {
        users(ctx, filter, pagination).await
    }

    /// 단일 유저 정보 가져오기 (login required; private fields only for those entitled)
    async fn user(ctx: &Context, id: i32) -> GqlResult<User> {
        ctx.require_viewer()?;
        load_user(ctx, i64::from(id)).await
    }

    /// 거래관계를 맺을 수 있는 유저 전체 목록: 본인의 role 과 반대인 유저의 목록
    async fn connectable_users(
        ctx: &Context,
        pagination: Option<PaginationInput>,
    ) -> GqlResult<Vec<User>> {
        connectable_users(ctx, pagination).await
    }

    #[graphql(deprecated = "getUsers is deprecated. Use 'users' instead.")]
    async fn get_users(
        ctx: &Context,
        filter: Option<UserFilterInput>,
        pagination: Option<PaginationInput>,
    ) -> GqlResult<Vec<User>> {
        users(ctx, filter, pagination).await
    }

    #[graphql(deprecated = "getUser is deprecated. Use 'user' instead.")]
    async fn get_user(ctx: &Context, id: i32) -> GqlResult<User> {
        ctx.require_viewer()?;
        load_user(ctx, i64::from(id)).await
    }

    #[graphql(deprecated = "getConnectableUsers is deprecated. Use 'connectableUsers' instead.")]
    async fn get_connectable_users(
        ctx: &Context,
        pagination: Option<PaginationInput>,
    ) -> GqlResult<Vec<User>> {
        connectable_users(ctx, pagination).await
    }

    /// 꽃 목록 (empty keyword: all, images first; else bidding dates + keyword)
    fn flowers(
        filter: Option<FlowerFilterInput>,
        pagination: Option<PaginationInput>,
    ) -> GqlResult<Viewed<t::CataloguePage>> {
        t::flowers(filter, pagination)
    }

    #[graphql(deprecated = "getFlowers is deprecated. Use 'flowers' instead.")]
    fn get_flowers(
        filter: Option<FlowerFilterInput>,
        pagination: Option<PaginationInput>,
    ) -> GqlResult<Viewed<t::CataloguePage>> {
        t::flowers(filter, pagination)
    }

    /// [소매상] 장바구니 쇼핑 세션 가져오기
    async fn shopping_session(ctx: &Context) -> GqlResult<Option<ShoppingSession>> {
        t::shopping_session(ctx).await
    }

    #[graphql(deprecated = "getShoppingSession is deprecated. Use 'shoppingSession' instead.")]
    async fn get_shopping_session(ctx: &Context) -> GqlResult<Option<ShoppingSession>> {
        t::shopping_session(ctx).await
    }

    #[graphql(
        deprecated = "getAllCartItems is deprecated. Use 'shoppingSession.cartItems' instead."
    )]
    async fn get_all_cart_items(
        ctx: &Context,
        pagination: Option<PaginationInput>,
    ) -> GqlResult<Vec<CartItem>> {
        t::all_cart_items(ctx, pagination).await
    }

    #[graphql(
        deprecated = "getCartWholesaler is deprecated. Use 'shoppingSession.wholesaler' instead."
    )]
    async fn get_cart_wholesaler(ctx: &Context) -> GqlResult<Option<User>> {
        t::cart_wholesaler(ctx).await
    }

    /// 주문서 목록 (the caller's own; employees see the employer's)
    async fn order_sheets(
        ctx: &Context,
        filter: Option<DateFilterInput>,
        pagination: Option<PaginationInput>,
    ) -> GqlResult<Viewed<t::SheetList>> {
        t::order_sheets(ctx, filter, pagination).await
    }

    #[graphql(deprecated = "getOrderSheets is deprecated. Use 'orderSheets' instead.")]
    async fn get_order_sheets(
        ctx: &Context,
        filter: Option<DateFilterInput>,
        pagination: Option<PaginationInput>,
    ) -> GqlResult<Viewed<t::SheetList>> {
        t::order_sheets(ctx, filter, pagination).await
    }

    /// 주문서 상세 (its retailer or wholesaler only)
    async fn order_sheet(ctx: &Context, order_sheet_id: i32) -> GqlResult<OrderSheet> {
        t::order_sheet(ctx, order_sheet_id).await
    }

    #[graphql(deprecated = "getOrderSheet is deprecated. Use 'orderSheet' instead.")]
    async fn get_order_sheet(ctx: &Context, order_sheet_id: i32) -> GqlResult<OrderSheet> {
        t::order_sheet(ctx, order_sheet_id).await
    }

    /// 주문 항목 목록 (the caller's own; employees see the employer's)
    async fn order_items(
        ctx: &Context,
        filter: Option<DateFilterInput>,
        pagination: Option<PaginationInput>,
    ) -> GqlResult<Vec<OrderItem>> {
        t::order_items(ctx, filter, pagination).await
    }

    #[graphql(deprecated = "getOrderItems is deprecated. Use 'orderItems' instead.")]
    async fn get_order_items(
        ctx: &Context,
        filter: Option<DateFilterInput>,
        pagination: Option<PaginationInput>,
    ) -> GqlResult<Vec<OrderItem>> {
        t::order_items(ctx, filter, pagination).await
    }

    /// [도매상] 일자별 주문 집계 (last 3 months, sheets with a receipt)
    async fn daily_order_sheet_aggregates(
        ctx: &Context,
        pagination: Option<PaginationInput>,
    ) -> GqlResult<Vec<OrderSheetsAggregate>> {
        t::daily_aggregates(ctx, pagination).await
    }

    #[graphql(
        deprecated = "getAllDailyOrderSheetAggregates is deprecated. Use 'dailyOrderSheetAggregates' instead."
    )]
    async fn get_all_daily_order_sheet_aggregates(
        ctx: &Context,
        pagination: Option<PaginationInput>,
    ) -> GqlResult<Vec<OrderSheetsAggregate>> {
        t::daily_aggregates(ctx, pagination).await
    }

    /// [도매상] 하루 주문 집계 (today when no date)
    async fn daily_order_sheet_aggregate(
        ctx: &Context,
        date: Option<LocalDate>,
    ) -> GqlResult<Option<OrderSheetsAggregate>> {
        t::daily_aggregate(ctx, date).await
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
        t::daily_aggregate(ctx, date).await
    }

    /// [도매상] 판매가 일괄적용 목록
    async fn daily_order_items(
        ctx: &Context,
        filter: Option<DailyOrderItemFilterInput>,
        pagination: Option<PaginationInput>,
    ) -> GqlResult<Vec<DailyOrderItem>> {
        t::daily_order_items(ctx, filter, pagination).await
    }

    #[graphql(deprecated = "getDailyOrderItems is deprecated. Use 'dailyOrderItems' instead.")]
    async fn get_daily_order_items(
        ctx: &Context,
        filter: Option<DailyOrderItemFilterInput>,
        pagination: Option<PaginationInput>,
    ) -> GqlResult<Vec<DailyOrderItem>> {
        t::daily_order_items(ctx, filter, pagination).await
    }

    /// 경매 결과 리스트(도매상용: own results only)
    async fn auction_result(
        ctx: &Context,
        filter: AuctionResultFilterInput,
        pagination: Option<PaginationInput>,
    ) -> GqlResult<AuctionResultsOutput> {
        t::auction_result(ctx, filter, pagination).await
    }

    /// 경매 결과 세부(도매상용)
    async fn auction_result_detail(
        ctx: &Context,
        filter: AuctionResultDetailFilterInput,
    ) -> GqlResult<AuctionResultDetailOutput> {
        let item = t::auction_result_detail(ctx, filter.id).await?;
        Ok(AuctionResultDetailOutput { item })
    }

    /// 경매 결과 리스트(소매상용: priced, available; login required)
    async fn auction_result_for_sale(
        ctx: &Context,
        filter: AuctionResultForSaleFilterInput,
        pagination: Option<PaginationInput>,
    ) -> GqlResult<AuctionResultForSaleOutput> {
        t::auction_result_for_sale(ctx, filter, pagination).await
    }

    /// 경매 결과 세부(소매상용)
    async fn auction_result_for_sale_detail(
        ctx: &Context,
        filter: AuctionResultForSaleDetailFilterInput,
    ) -> GqlResult<AuctionResultForSaleDetailOutput> {
        let item = t::auction_result_for_sale_detail(ctx, filter.id).await?;
        Ok(AuctionResultForSaleDetailOutput { item })
    }

    /// The server's time in KST (the original's wire format).
    fn current_date_time() -> Option<LocalDate> {
        Some(LocalDate::from_utc(chrono::Utc::now()))
    }
}
