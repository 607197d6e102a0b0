//! The `Mutation` root.

use crate::accounts::{admin, auth, partners};
use crate::graphql::context::Context;
use crate::graphql::enums::{AccountRole, GqlApplyStatus};
use crate::graphql::error::{GqlError, GqlResult};
use crate::graphql::users::{BizConnection, BusinessInfo};
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
        auth::sign_up(
            ctx,
            &input.name,
            &input.phone_no,
            &input.password,
            input.role.to_domain(),
        )
        .await
        .map(Into::into)
    }

    /// 로그인
    async fn sign_in(ctx: &Context, input: Option<SignInInput>) -> GqlResult<AuthToken> {
        let input = required(input, "input")?;
        auth::sign_in(ctx, &input.phone_no, &input.password)
            .await
            .map(Into::into)
    }

    /// 소매상 -> 도매상 거래처 신청
    async fn apply_biz_connection(ctx: &Context, wholesaler_id: i32) -> GqlResult<BizConnection> {
        let viewer = ctx.require_role(&[Role::Retailer])?;
        partners::apply(ctx, viewer, i64::from(wholesaler_id))
            .await
            .map(BizConnection)
    }

    /// 도매상 -> 소매상 거래처 신청처리(승낙, 거절)
    async fn update_biz_connection(
        ctx: &Context,
        biz_conn_id: i32,
        status: Option<GqlApplyStatus>,
    ) -> GqlResult<BizConnection> {
        let viewer = ctx.require_role(&[Role::WholesalerEmpr, Role::WholesalerEmpe])?;
        let status = required(status, "status")?;
        partners::update(ctx, viewer, i64::from(biz_conn_id), status.to_domain())
            .await
            .map(BizConnection)
    }

    /// 로그아웃
    async fn sign_out(ctx: &Context) -> GqlResult<CommonResponse> {
        auth::sign_out(ctx).await.map(|()| CommonResponse::ok())
    }

    /// 토큰 재발급(리토큰): send the refresh token in the Authorization header
    async fn reissue_token(ctx: &Context) -> GqlResult<AuthToken> {
        auth::reissue(ctx).await.map(Into::into)
    }

    /// [관리자] 유저 삭제
    async fn remove_user(ctx: &Context, user_id: i32) -> GqlResult<CommonResponse> {
        let viewer = ctx.require_viewer()?;
        admin::remove_user(ctx, viewer, i64::from(user_id))
            .await
            .map(|()| CommonResponse::ok())
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
        admin::upsert_business_info(ctx, viewer, i64::from(i.user_id), fields)
            .await
            .map(BusinessInfo)
    }

    /// 비밀번호 변경 (own, or any for an admin)
    async fn update_password(
        ctx: &Context,
        input: Option<UpdatePasswordInput>,
    ) -> GqlResult<CommonResponse> {
        let viewer = ctx.require_viewer()?;
        let input = required(input, "input")?;
        admin::update_password(
            ctx,
            viewer,
            i64::from(input.user_id),
            &input.phone_no,
            &input.password,
        )
        .await
        .map(|()| CommonResponse::ok())
    }
}
