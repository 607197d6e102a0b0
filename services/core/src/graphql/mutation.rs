//! The `Mutation` root.

use crate::accounts::limits::{self, Limited};
use crate::accounts::{admin, auth, employees, partners, recovery, sessions};
use crate::graphql::auction::{AuctionResultUpdateFilterInput, AuctionResultUpdateOutput};
use crate::graphql::cart::*;
use crate::graphql::context::Context;
use crate::graphql::enums::{AccountRole, GqlApplyStatus};
use crate::graphql::error::{GqlError, GqlResult};
use crate::graphql::orders::*;
use crate::graphql::trading as t;
use crate::graphql::users::{BizConnection, BusinessInfo, User};
use crate::graphql::{AuthToken, CommonResponse};
use domain::{ErrorCode, Role};
use juniper::{GraphQLInputObject, graphql_object};

pub struct Mutation;

#[derive(Debug, Clone, GraphQLInputObject)]
pub struct SignUpInput {
    pub name: String,
    pub phone_no: String,
    pub password: String,
    pub role: AccountRole,
    /// 휴대폰 인증 증명: the proof `/v1/verifications/confirm` answered for
    /// this phone number. Required when the server runs with
    /// PHONE_VERIFICATION=required; checked and used up whenever given.
    pub phone_proof: Option<String>,
}

#[derive(Debug, Clone, GraphQLInputObject)]
pub struct SignInInput {
    pub phone_no: String,
    pub password: String,
}

#[derive(Debug, Clone, GraphQLInputObject)]
pub struct CreateBusinessInfoInput {
    pub user_id: i32,
    /// 회사명
    pub company_name: String,
    /// 회사번호
    pub company_phone_no: String,
    /// 대표자명
    pub employer_name: String,
    /// 회사주소
    pub address: String,
    /// 사업자번호
    pub business_no: String,
    /// 업태
    pub business_main_category: String,
    /// 종목
    pub business_sub_category: String,
    /// 인감도장
    pub seal_stamp_img_url: String,
    /// 계좌
    pub bank_account: String,
}

/// 비밀번호 재설정: a new password for whoever proves the account's phone number.
#[derive(Debug, Clone, GraphQLInputObject)]
pub struct ResetPasswordInput {
    pub phone_no: String,
    /// The proof `/v1/verifications/confirm` answered for this phone number.
    pub phone_proof: String,
    pub password: String,
}

#[derive(Debug, Clone, GraphQLInputObject)]
pub struct UpdatePasswordInput {
    pub user_id: i32,
    pub phone_no: String,
    pub password: String,
}

fn required<T>(value: Option<T>, what: &str) -> GqlResult<T> {
    value.ok_or_else(|| GqlError::message(ErrorCode::InvalidData, format!("{what} is required")))
}

#[graphql_object(context = Context)]
impl Mutation {
    /// 회원가입
    async fn sign_up(ctx: &Context, input: Option<SignUpInput>) -> GqlResult<AuthToken> {
        let input = required(input, "input")?;
        let pair = auth::sign_up(
            &ctx.pool,
            &ctx.settings,
            &ctx.issuer,
            ctx.client_ip.as_deref(),
            auth::SignUp {
                name: &input.name,
                phone_no: &input.phone_no,
                password: &input.password,
                role: input.role.to_domain(),
                phone_proof: input.phone_proof.as_deref(),
            },
        )
        .await?;
        Ok(pair.into())
    }

    /// 로그인
    async fn sign_in(ctx: &Context, input: Option<SignInInput>) -> GqlResult<AuthToken> {
        let input = required(input, "input")?;
        let pair = auth::sign_in(
            &ctx.pool,
            &ctx.settings,
            &ctx.issuer,
            ctx.client_ip.as_deref(),
            &input.phone_no,
            &input.password,
        )
        .await?;
        Ok(pair.into())
    }

    /// 소매상 -> 도매상 거래처 신청
    async fn apply_biz_connection(ctx: &Context, wholesaler_id: i32) -> GqlResult<BizConnection> {
        let viewer = ctx.require_role(&[Role::Retailer])?;
        let row = partners::apply(
            &ctx.pool,
            &ctx.settings,
            &ctx.wakeup,
            viewer,
            i64::from(wholesaler_id),
        )
        .await?;
        Ok(BizConnection(row))
    }

    /// 도매상 -> 소매상 거래처 신청처리(승낙, 거절)
    async fn update_biz_connection(
        ctx: &Context,
        biz_conn_id: i32,
        status: Option<GqlApplyStatus>,
    ) -> GqlResult<BizConnection> {
        let viewer = ctx.require_role(&[Role::WholesalerEmpr, Role::WholesalerEmpe])?;
        let status = required(status, "status")?;
        let row = partners::update(
            &ctx.pool,
            &ctx.settings,
            &ctx.wakeup,
            viewer,
            i64::from(biz_conn_id),
            status.to_domain(),
        )
        .await?;
        Ok(BizConnection(row))
    }

    /// 로그아웃: ends the session of the token sent (other devices stay signed in)
    async fn sign_out(ctx: &Context) -> GqlResult<CommonResponse> {
        sessions::sign_out(&ctx.pool, &ctx.presented).await?;
        Ok(CommonResponse::ok())
    }

    /// 토큰 재발급(리토큰): send the refresh token in the Authorization header.
    /// A refresh token works once: sent again, it ends its session.
    async fn reissue_token(ctx: &Context) -> GqlResult<AuthToken> {
        let pair = sessions::reissue(&ctx.pool, &ctx.issuer, &ctx.presented).await?;
        Ok(pair.into())
    }

    /// 비밀번호 재설정 (no sign-in needed: the phone proof stands for it).
    /// Ends every session of the account.
    async fn reset_password(ctx: &Context, input: ResetPasswordInput) -> GqlResult<CommonResponse> {
        recovery::reset_password(
            &ctx.pool,
            &ctx.settings,
            ctx.client_ip.as_deref(),
            &input.phone_no,
            &input.phone_proof,
            &input.password,
        )
        .await?;
        Ok(CommonResponse::ok())
    }

    /// [도매상 사장] 직원 가입 승인: the employee acts for the owner from now on
    /// (the owner, or an admin).
    async fn approve_employee(ctx: &Context, employee_id: i32) -> GqlResult<User> {
        let viewer = ctx.require_role(&[Role::WholesalerEmpr, Role::Admin])?;
        let row = employees::approve(&ctx.pool, viewer, i64::from(employee_id)).await?;
        Ok(User::from(row))
    }

    /// [도매상 사장] 직원 삭제 또는 가입 거절: the account stays and acts for
    /// nobody (the owner, or an admin).
    async fn remove_employee(ctx: &Context, employee_id: i32) -> GqlResult<CommonResponse> {
        let viewer = ctx.require_role(&[Role::WholesalerEmpr, Role::Admin])?;
        employees::remove(&ctx.pool, viewer, i64::from(employee_id)).await?;
        Ok(CommonResponse::ok())
    }

    /// [관리자] 유저 삭제
    async fn remove_user(ctx: &Context, user_id: i32) -> GqlResult<CommonResponse> {
        let viewer = ctx.require_viewer()?;
        admin::remove_user(&ctx.pool, viewer, i64::from(user_id)).await?;
        Ok(CommonResponse::ok())
    }

    /// 업체 정보 업로드 및 수정 (own, or any for an admin)
    async fn upsert_business_info(
        ctx: &Context,
        input: Option<CreateBusinessInfoInput>,
    ) -> GqlResult<BusinessInfo> {
        let viewer = ctx.require_viewer()?;
        let i = required(input, "input")?;
        let fields = admin::BusinessInfoInput {
            company_name: i.company_name,
            company_phone_no: i.company_phone_no,
            employer_name: i.employer_name,
            address: i.address,
            business_no: i.business_no,
            business_main_category: i.business_main_category,
            business_sub_category: i.business_sub_category,
            seal_stamp_img_url: i.seal_stamp_img_url,
            bank_account: i.bank_account,
        };
        let row = admin::upsert_business_info(
            &ctx.pool,
            &ctx.peers.receipt,
            viewer,
            i64::from(i.user_id),
            fields,
        )
        .await?;
        Ok(BusinessInfo(row))
    }

    /// 비밀번호 변경 (own, or any for an admin)
    async fn update_password(
        ctx: &Context,
        input: Option<UpdatePasswordInput>,
    ) -> GqlResult<CommonResponse> {
        let viewer = ctx.require_viewer()?;
        let input = required(input, "input")?;
        admin::update_password(
            &ctx.pool,
            ctx.settings.password_hashing,
            viewer,
            i64::from(input.user_id),
            &input.phone_no,
            &input.password,
        )
        .await?;
        Ok(CommonResponse::ok())
    }

    /// [소매상] 장바구니 담기
    async fn add_to_cart(ctx: &Context, input: Option<AddToCartInput>) -> GqlResult<CartItem> {
        t::add_to_cart(ctx, input).await
    }

    /// [소매상] 장바구니 항목 삭제
    async fn remove_cart_item(ctx: &Context, cart_item_id: i32) -> GqlResult<CommonResponse> {
        t::remove_cart_item(ctx, cart_item_id)
            .await
            .map(|()| CommonResponse::ok())
    }

    /// [소매상] 장바구니 항목 수정
    async fn update_cart_item(ctx: &Context, input: UpdateCartItemInput) -> GqlResult<CartItem> {
        t::update_cart_item(ctx, input).await
    }

    /// [소매상] 장바구니 쇼핑 세션값(도매상, 메모) 수정 (CONFIRMED partners only)
    async fn update_shopping_session(
        ctx: &Context,
        input: UpdateShoppingSessionInput,
    ) -> GqlResult<ShoppingSession> {
        t::update_shopping_session(ctx, input).await
    }

    #[graphql(
        deprecated = "upsertWholesalerOnCartItems is deprecated. Use 'updateShoppingSession' instead."
    )]
    async fn upsert_wholesaler_on_cart_items(
        ctx: &Context,
        wholesaler_id: i32,
    ) -> GqlResult<Vec<CartItem>> {
        t::upsert_wholesaler_on_cart_items(ctx, wholesaler_id).await
    }

    /// [소매상] 장바구니 주문 (one order per cart, even when submitted twice)
    async fn order_cart_items(
        ctx: &Context,
        #[graphql(
            description = "Ignored: the whole cart is ordered (kept for clients of the first API)."
        )]
        input: Option<OrderCartItemsInput>,
    ) -> GqlResult<Option<OrderSheet>> {
        let _ = input;
        t::order_cart_items(ctx).await
    }

    /// [소매상] 주문서 삭제 (own, before a receipt)
    async fn remove_order_sheet(ctx: &Context, order_sheet_id: i32) -> GqlResult<CommonResponse> {
        t::remove_order_sheet(ctx, order_sheet_id)
            .await
            .map(|()| CommonResponse::ok())
    }

    /// [도매상] 주문 항목 판매가 입력
    async fn update_order_items_price(
        ctx: &Context,
        items: Vec<OrderItemPriceInput>,
    ) -> GqlResult<Vec<OrderItem>> {
        t::update_order_items_price(ctx, items).await
    }

    /// [도매상] 자유양식 항목 (배송비 포함) 추가 및 수정
    async fn upsert_custom_order_items(
        ctx: &Context,
        input: UpsertCustomOrderItemsInput,
    ) -> GqlResult<Vec<CustomOrderItem>> {
        t::upsert_custom_order_items(ctx, input).await
    }

    /// [도매상] 자유양식 항목 삭제
    async fn remove_custom_order_item(
        ctx: &Context,
        custom_order_item_ids: Vec<i32>,
    ) -> GqlResult<CommonResponse> {
        t::remove_custom_order_items(ctx, custom_order_item_ids)
            .await
            .map(|()| CommonResponse::ok())
    }

    /// [도매상] 판매가 일괄적용 (propagates to the day's matching lines)
    async fn update_daily_order_items_price(
        ctx: &Context,
        items: Vec<OrderItemPriceInput>,
    ) -> GqlResult<Vec<DailyOrderItem>> {
        t::update_daily_order_items_price(ctx, items).await
    }

    /// [도매상] 거래명세서(영수증) 발행 (owner or employee)
    async fn issue_order_sheet_receipt(
        ctx: &Context,
        order_sheet_id: i32,
    ) -> GqlResult<OrderSheetReceipt> {
        t::issue_receipt(ctx, order_sheet_id).await
    }

    /// [관리자] 장바구니 일괄 주문 (the nightly batch, on demand)
    async fn order_batch_cart_items(ctx: &Context) -> GqlResult<CommonResponse> {
        t::order_batch(ctx).await.map(|()| CommonResponse::ok())
    }

    /// 경매 매물 업데이트(도매상용)
    async fn update_auction_result(
        ctx: &Context,
        filter: AuctionResultUpdateFilterInput,
    ) -> GqlResult<AuctionResultUpdateOutput> {
        let item = t::update_auction_result(ctx, filter).await?;
        Ok(AuctionResultUpdateOutput { item })
    }

    /// [관리자] 자유양식 SMS 전송
    async fn send_default_sms(
        ctx: &Context,
        to: String,
        message: String,
    ) -> GqlResult<CommonResponse> {
        let viewer = ctx.require_viewer()?;
        crate::sms::send_default(&ctx.peers.messaging, viewer, &to, &message).await?;
        Ok(CommonResponse::ok())
    }

    /// 인증문자 SMS 전송 (numeric code; rate-limited per phone, per client and overall)
    async fn send_verification_sms(
        ctx: &Context,
        to: String,
        code: String,
    ) -> GqlResult<CommonResponse> {
        let client_ip = ctx.client_ip.as_deref();
        limits::check(
            &ctx.pool,
            &ctx.settings.limits,
            client_ip,
            Limited::VerificationSms,
        )
        .await?;
        crate::sms::send_verification(&ctx.peers.messaging, &to, &code).await?;
        Ok(CommonResponse::ok())
    }
}
