//! The `Mutation` root: each field delegates to its entity's module under
//! `model/`; the two SMS operations, which belong to no entity, are answered
//! here.

use crate::accounts::limits::{self, Limited};
use crate::graphql::context::Context;
use crate::graphql::error::GqlResult;
use crate::graphql::model::CommonResponse;
use crate::graphql::model::auction::{AuctionResultUpdateFilterInput, AuctionResultUpdateOutput};
use crate::graphql::model::cart::mutations::{
    AddToCartInput, OrderCartItemsInput, UpdateCartItemInput, UpdateShoppingSessionInput,
};
use crate::graphql::model::cart::{CartItem, ShoppingSession};
use crate::graphql::model::ledger::mutations::{
    LedgerAdjustmentInput, LedgerPaymentInput, ReverseLedgerEntryInput, TaxDocumentNumberInput,
};
use crate::graphql::model::ledger::statements::{
    IssueDailyStatementInput, IssuePeriodStatementInput,
};
use crate::graphql::model::ledger::{AccountStatement, LedgerEntry};
use crate::graphql::model::order::daily::{self, DailyOrderItem};
use crate::graphql::model::order::mutations::{OrderItemPriceInput, UpsertCustomOrderItemsInput};
use crate::graphql::model::order::receipt;
use crate::graphql::model::order::{CustomOrderItem, OrderItem, OrderSheet, OrderSheetReceipt};
use crate::graphql::model::user::account::{self, UpdatePasswordInput};
use crate::graphql::model::user::auth::{
    self, AuthToken, ResetPasswordInput, SignInInput, SignUpInput,
};
use crate::graphql::model::user::business_info::{self, BusinessInfo, CreateBusinessInfoInput};
use crate::graphql::model::user::connection;
use crate::graphql::model::user::enums::GqlApplyStatus;
use crate::graphql::model::user::{BizConnection, User};
use crate::graphql::model::{auction, cart, ledger, order};
use juniper::graphql_object;

pub struct Mutation;

#[graphql_object(context = Context)]
impl Mutation {
    /// 회원가입
    async fn sign_up(ctx: &Context, input: Option<SignUpInput>) -> GqlResult<AuthToken> {
        auth::sign_up(ctx, input).await
    }

    /// 로그인
    async fn sign_in(ctx: &Context, input: Option<SignInInput>) -> GqlResult<AuthToken> {
        auth::sign_in(ctx, input).await
    }

    /// 소매상 -> 도매상 거래처 신청
    async fn apply_biz_connection(ctx: &Context, wholesaler_id: i32) -> GqlResult<BizConnection> {
        connection::apply_biz_connection(ctx, wholesaler_id).await
    }

    /// 도매상 -> 소매상 거래처 신청처리(승낙, 거절)
    async fn update_biz_connection(
        ctx: &Context,
        biz_conn_id: i32,
        status: Option<GqlApplyStatus>,
    ) -> GqlResult<BizConnection> {
        connection::update_biz_connection(ctx, biz_conn_id, status).await
    }

    /// 로그아웃: ends the session of the token sent (other devices stay signed in)
    async fn sign_out(ctx: &Context) -> GqlResult<CommonResponse> {
        auth::sign_out(ctx).await
    }

    /// 토큰 재발급(리토큰): send the refresh token in the Authorization header.
    /// A refresh token works once: sent again, it ends its session.
    async fn reissue_token(ctx: &Context) -> GqlResult<AuthToken> {
        auth::reissue_token(ctx).await
    }

    /// 비밀번호 재설정 (no sign-in needed: the phone proof stands for it).
    /// Ends every session of the account.
    async fn reset_password(ctx: &Context, input: ResetPasswordInput) -> GqlResult<CommonResponse> {
        auth::reset_password(ctx, input).await
    }

    /// [도매상 사장] 직원 가입 승인: the employee acts for the owner from now on
    /// (the owner, or an admin).
    async fn approve_employee(ctx: &Context, employee_id: i32) -> GqlResult<User> {
        account::approve_employee(ctx, employee_id).await
    }

    /// [도매상 사장] 직원 삭제 또는 가입 거절: the account stays and acts for
    /// nobody (the owner, or an admin).
    async fn remove_employee(ctx: &Context, employee_id: i32) -> GqlResult<CommonResponse> {
        account::remove_employee(ctx, employee_id).await
    }

    /// [관리자] 유저 삭제
    async fn remove_user(ctx: &Context, user_id: i32) -> GqlResult<CommonResponse> {
        account::remove_user(ctx, user_id).await
    }

    /// 업체 정보 업로드 및 수정 (own, or any for an admin)
    async fn upsert_business_info(
        ctx: &Context,
        input: Option<CreateBusinessInfoInput>,
    ) -> GqlResult<BusinessInfo> {
        business_info::upsert_business_info(ctx, input).await
    }

    /// 비밀번호 변경 (own, or any for an admin)
    async fn update_password(
        ctx: &Context,
        input: Option<UpdatePasswordInput>,
    ) -> GqlResult<CommonResponse> {
        account::update_password(ctx, input).await
    }

    /// [소매상] 장바구니 담기
    async fn add_to_cart(ctx: &Context, input: Option<AddToCartInput>) -> GqlResult<CartItem> {
        cart::mutations::add_to_cart(ctx, input).await
    }

    /// [소매상] 장바구니 항목 삭제
    async fn remove_cart_item(ctx: &Context, cart_item_id: i32) -> GqlResult<CommonResponse> {
        cart::mutations::remove_cart_item(ctx, cart_item_id)
            .await
            .map(|()| CommonResponse::ok())
    }

    /// [소매상] 장바구니 항목 수정
    async fn update_cart_item(ctx: &Context, input: UpdateCartItemInput) -> GqlResult<CartItem> {
        cart::mutations::update_cart_item(ctx, input).await
    }

    /// [소매상] 장바구니 쇼핑 세션값(도매상, 메모) 수정 (CONFIRMED partners only)
    async fn update_shopping_session(
        ctx: &Context,
        input: UpdateShoppingSessionInput,
    ) -> GqlResult<ShoppingSession> {
        cart::mutations::update_shopping_session(ctx, input).await
    }

    #[graphql(
        deprecated = "upsertWholesalerOnCartItems is deprecated. Use 'updateShoppingSession' instead."
    )]
    async fn upsert_wholesaler_on_cart_items(
        ctx: &Context,
        wholesaler_id: i32,
    ) -> GqlResult<Vec<CartItem>> {
        cart::mutations::upsert_wholesaler_on_cart_items(ctx, wholesaler_id).await
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
        order::mutations::order_cart_items(ctx).await
    }

    /// [소매상] 주문서 삭제 (own, before a receipt)
    async fn remove_order_sheet(ctx: &Context, order_sheet_id: i32) -> GqlResult<CommonResponse> {
        order::mutations::remove_order_sheet(ctx, order_sheet_id)
            .await
            .map(|()| CommonResponse::ok())
    }

    /// [도매상] 주문 항목 판매가 입력
    async fn update_order_items_price(
        ctx: &Context,
        items: Vec<OrderItemPriceInput>,
    ) -> GqlResult<Vec<OrderItem>> {
        order::mutations::update_order_items_price(ctx, items).await
    }

    /// [도매상] 자유양식 항목 (배송비 포함) 추가 및 수정
    async fn upsert_custom_order_items(
        ctx: &Context,
        input: UpsertCustomOrderItemsInput,
    ) -> GqlResult<Vec<CustomOrderItem>> {
        order::mutations::upsert_custom_order_items(ctx, input).await
    }

    /// [도매상] 자유양식 항목 삭제
    async fn remove_custom_order_item(
        ctx: &Context,
        custom_order_item_ids: Vec<i32>,
    ) -> GqlResult<CommonResponse> {
        order::mutations::remove_custom_order_items(ctx, custom_order_item_ids)
            .await
            .map(|()| CommonResponse::ok())
    }

    /// [도매상] 판매가 일괄적용 (propagates to the day's matching lines)
    async fn update_daily_order_items_price(
        ctx: &Context,
        items: Vec<OrderItemPriceInput>,
    ) -> GqlResult<Vec<DailyOrderItem>> {
        daily::update_daily_order_items_price(ctx, items).await
    }

    /// [도매상] 거래명세서(영수증) 발행 (owner or employee)
    async fn issue_order_sheet_receipt(
        ctx: &Context,
        order_sheet_id: i32,
    ) -> GqlResult<OrderSheetReceipt> {
        receipt::issue_receipt(ctx, order_sheet_id).await
    }

    /// [관리자] 장바구니 일괄 주문 (the nightly batch, on demand)
    async fn order_batch_cart_items(ctx: &Context) -> GqlResult<CommonResponse> {
        order::mutations::order_batch(ctx)
            .await
            .map(|()| CommonResponse::ok())
    }

    /// 경매 매물 업데이트(도매상용)
    async fn update_auction_result(
        ctx: &Context,
        filter: AuctionResultUpdateFilterInput,
    ) -> GqlResult<AuctionResultUpdateOutput> {
        let item = auction::mutations::update_auction_result(ctx, filter).await?;
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
            &ctx.settings.accounts.limits,
            client_ip,
            Limited::VerificationSms,
        )
        .await?;
        crate::sms::send_verification(&ctx.peers.messaging, &to, &code).await?;
        Ok(CommonResponse::ok())
    }

    /// 입금: record a florist's payment (wholesaler; idempotent per key)
    async fn record_ledger_payment(
        ctx: &Context,
        input: LedgerPaymentInput,
    ) -> GqlResult<LedgerEntry> {
        ledger::mutations::record_payment(ctx, input).await
    }

    /// A ledger correction with a reason (wholesaler)
    async fn record_ledger_adjustment(
        ctx: &Context,
        input: LedgerAdjustmentInput,
    ) -> GqlResult<LedgerEntry> {
        ledger::mutations::record_adjustment(ctx, input).await
    }

    /// Undo one ledger entry by appending its negative (wholesaler)
    async fn reverse_ledger_entry(
        ctx: &Context,
        input: ReverseLedgerEntryInput,
    ) -> GqlResult<LedgerEntry> {
        ledger::mutations::reverse(ctx, input).await
    }

    /// Record the number of a month's 계산서 / 세금계산서 issued elsewhere (wholesaler)
    async fn record_tax_document_number(
        ctx: &Context,
        input: TaxDocumentNumberInput,
    ) -> GqlResult<CommonResponse> {
        ledger::mutations::record_document_number(ctx, input).await
    }

    /// The florist changes its sheet's lines before the cut-off (quantities,
    /// grades, memos, new lines, removed lines); changed lines lose their price
    async fn edit_order_sheet(
        ctx: &Context,
        input: order::editing::EditOrderSheetInput,
    ) -> GqlResult<OrderSheet> {
        order::editing::edit(ctx, input).await
    }

    /// The florist cancels its sheet before the cut-off
    async fn cancel_order_sheet(ctx: &Context, order_sheet_id: i32) -> GqlResult<CommonResponse> {
        order::editing::cancel(ctx, order_sheet_id).await
    }

    /// After the cut-off: the florist asks the wholesaler for a change (or to cancel)
    async fn request_order_sheet_change(
        ctx: &Context,
        input: order::editing::RequestOrderSheetChangeInput,
    ) -> GqlResult<order::editing::OrderChangeRequest> {
        order::editing::request(ctx, input).await
    }

    /// The wholesaler accepts (the change is applied) or declines a change request
    async fn answer_order_sheet_change(
        ctx: &Context,
        input: order::editing::AnswerOrderSheetChangeInput,
    ) -> GqlResult<order::editing::OrderChangeRequest> {
        order::editing::answer(ctx, input).await
    }

    /// The owner sets the order cut-off per weekday and whether florists may edit after it
    async fn update_order_cutoffs(
        ctx: &Context,
        input: order::editing::UpdateOrderCutoffsInput,
    ) -> GqlResult<order::editing::OrderCutoffSchedule> {
        order::editing::update_schedule(ctx, input).await
    }

    /// A florist's day with the wholesaler in one statement (거래명세서 of
    /// all the day's sheets), billing each sheet once; idempotent (wholesaler)
    async fn issue_daily_statement(
        ctx: &Context,
        input: IssueDailyStatementInput,
    ) -> GqlResult<AccountStatement> {
        ledger::statements::issue_daily(ctx, input).await
    }

    /// A statement of account (거래내역서) between two dates: opening
    /// balance, the entries, closing balance; idempotent (wholesaler)
    async fn issue_period_statement(
        ctx: &Context,
        input: IssuePeriodStatementInput,
    ) -> GqlResult<AccountStatement> {
        ledger::statements::issue_period(ctx, input).await
    }

    /// A florist saves a weekly order with one wholesaler (from lines or a past sheet)
    async fn create_standing_order(
        ctx: &Context,
        input: order::standing::CreateStandingOrderInput,
    ) -> GqlResult<order::standing::StandingOrder> {
        order::standing::create(ctx, input).await
    }

    /// Change weekdays or memo, pause or resume, skip the next occurrence (or undo that)
    async fn update_standing_order(
        ctx: &Context,
        input: order::standing::UpdateStandingOrderInput,
    ) -> GqlResult<order::standing::StandingOrder> {
        order::standing::update(ctx, input).await
    }

    async fn delete_standing_order(ctx: &Context, id: i32) -> GqlResult<CommonResponse> {
        order::standing::delete(ctx, id).await
    }

    /// A past sheet's lines back into the florist's cart; lines whose flower is gone are reported
    async fn reorder_order_sheet(
        ctx: &Context,
        order_sheet_id: i32,
    ) -> GqlResult<cart::reorder::ReorderOutput> {
        cart::reorder::reorder(ctx, order_sheet_id).await
    }

    /// Switch the caller's order alerts by SMS on or off
    async fn update_alert_settings(
        ctx: &Context,
        order_alerts: bool,
    ) -> GqlResult<crate::graphql::model::user::alerts::AlertSettings> {
        crate::graphql::model::user::alerts::set(ctx, order_alerts).await
    }
}
