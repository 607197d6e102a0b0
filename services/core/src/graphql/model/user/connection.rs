//! `BizConnection`: a retailer's link to a wholesaler, and the operations
//! that apply for and answer one.

use crate::accounts::partners;
use crate::graphql::context::Context;
use crate::graphql::error::{GqlError, GqlResult, required};
use crate::graphql::ids::{gql_id, id64};
use crate::graphql::model::user::{GqlApplyStatus, User};
use crate::graphql::scalars::LocalDate;
use db::connections::BizConnectionRow;
use domain::Role;
use juniper::{GraphQLInputObject, graphql_object};

#[derive(Debug, Clone, GraphQLInputObject)]
pub struct BizConnectionFilterInput {
    pub apply_status: Vec<GqlApplyStatus>,
}

/// 소매상과 도매상의 거래처 관계
pub struct BizConnection(pub BizConnectionRow);

#[graphql_object(context = Context)]
impl BizConnection {
    fn id(&self) -> i32 {
        gql_id(self.0.id)
    }

    /// 거래처 신청자(=소매상)
    async fn retailer(&self, ctx: &Context) -> GqlResult<Option<User>> {
        let user = ctx
            .loaders
            .users
            .load(self.0.retailer_id)
            .await
            .map_err(GqlError::from)?;
        Ok(user.map(User::from))
    }

    /// 거래처 신청 수취자(=도매상)
    async fn wholesaler(&self, ctx: &Context) -> GqlResult<Option<User>> {
        let user = ctx
            .loaders
            .users
            .load(self.0.wholesaler_id)
            .await
            .map_err(GqlError::from)?;
        Ok(user.map(User::from))
    }

    fn apply_status(&self) -> GqlResult<GqlApplyStatus> {
        let status: domain::ApplyStatus = self
            .0
            .apply_status
            .parse()
            .map_err(|e| GqlError::internal("stored status", e))?;
        Ok(GqlApplyStatus::from_domain(status))
    }

    fn created_at(&self) -> LocalDate {
        LocalDate::from_utc(self.0.created_at)
    }

    fn deleted_at(&self) -> Option<LocalDate> {
        self.0.deleted_at.map(LocalDate::from_utc)
    }

    fn updated_at(&self) -> LocalDate {
        LocalDate::from_utc(self.0.updated_at)
    }
}

/// `applyBizConnection`: a retailer applies to a wholesaler owner.
pub async fn apply_biz_connection(ctx: &Context, wholesaler_id: i32) -> GqlResult<BizConnection> {
    let viewer = ctx.require_role(&[Role::Retailer])?;
    let row = partners::apply(
        &ctx.pool,
        &ctx.settings.app_base_url,
        &ctx.wakeup,
        viewer,
        id64(wholesaler_id),
    )
    .await?;
    Ok(BizConnection(row))
}

/// `updateBizConnection`: the wholesaler (owner or employee) answers.
pub async fn update_biz_connection(
    ctx: &Context,
    biz_conn_id: i32,
    status: Option<GqlApplyStatus>,
) -> GqlResult<BizConnection> {
    let viewer = ctx.require_role(&[Role::WholesalerEmpr, Role::WholesalerEmpe])?;
    let status = required(status, "status")?;
    let row = partners::update(
        &ctx.pool,
        &ctx.settings.app_base_url,
        &ctx.wakeup,
        viewer,
        id64(biz_conn_id),
        status.to_domain(),
    )
    .await?;
    Ok(BizConnection(row))
}
