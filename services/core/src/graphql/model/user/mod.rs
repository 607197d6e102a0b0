//! Account types: `User`, `UserCredential` and `BizConnection` here (they
//! refer to each other), `BusinessInfo` and the enums beside them, and the
//! account operations (`auth`: signing up, in and out; `account`: passwords,
//! removal, employees; `connection`: trading-partner links; `search`: the
//! user lists).
//!
//! Private details (phone number, business info, employment) are shown only
//! to the user, an admin, the same company, and users it has a trading link
//! with; everyone else sees the public profile and a masked phone. The lists
//! of trading links are the company's own: a partner does not see them (a
//! retailer must not read its wholesaler's other customers, nor a wholesaler
//! the retailer's other suppliers).

pub mod account;
pub mod alerts;
pub mod auth;
pub mod business_info;
pub mod connection;
pub mod enums;
pub mod search;

use crate::graphql::context::Context;
use crate::graphql::error::{GqlError, GqlResult};
use crate::graphql::ids::gql_id;
use crate::graphql::model::user::business_info::BusinessInfo;
use crate::graphql::model::user::enums::{AccountRole, GqlApplyStatus};
use crate::graphql::pagination::{Page, PaginationInput};
use crate::graphql::scalars::LocalDate;
use db::connections::{BizConnectionRow, Side, WholesalerConnectionRow};
use db::users::{CredentialRow, UserRow};
use domain::ErrorCode;
use juniper::{GraphQLInputObject, graphql_object};

pub struct User {
    pub row: UserRow,
    /// Set only by the connectable-users queries (deprecated fields).
    pub apply_status: Option<GqlApplyStatus>,
    pub biz_connection_id: Option<i32>,
}

impl From<UserRow> for User {
    fn from(row: UserRow) -> Self {
        User {
            row,
            apply_status: None,
            biz_connection_id: None,
        }
    }
}

/// A user by id, or `NO_USER`.
pub async fn load_user(ctx: &Context, id: i64) -> GqlResult<User> {
    let user = ctx.loaders.users.load(id).await.map_err(GqlError::from)?;
    user.map(User::from).ok_or_else(|| {
        GqlError::message(
            ErrorCode::NoUser,
            format!("There's no user whose id is {id}"),
        )
    })
}

/// A user shown as a line's or sheet's party; None if the account is gone.
pub async fn party_user(ctx: &Context, id: Option<i64>) -> GqlResult<Option<User>> {
    let Some(id) = id else {
        return Ok(None);
    };
    Ok(ctx
        .loaders
        .users
        .load(id)
        .await
        .map_err(GqlError::from)?
        .map(User::from))
}

impl User {
    /// The owner ↔ employee links this user is part of (batched per request).
    async fn employment(&self, ctx: &Context) -> GqlResult<Vec<WholesalerConnectionRow>> {
        ctx.loaders
            .employment
            .load(self.row.id)
            .await
            .map_err(GqlError::from)
    }

    /// The user itself, an admin, or its owner ↔ employee colleague (an
    /// approved one: a pending employee is nobody's colleague yet).
    async fn connections_visible(&self, ctx: &Context) -> GqlResult<bool> {
        let Some(viewer) = ctx.viewer() else {
            return Ok(false);
        };
        let me = viewer.user_id.get();
        if me == self.row.id || viewer.role == domain::Role::Admin {
            return Ok(true);
        }
        let links = self.employment(ctx).await?;
        Ok(links
            .iter()
            .filter(|l| l.is_approved())
            .any(|l| l.employee_id == me || l.employer_id == me))
    }

    /// Only the user itself and admins see who waits for an owner's consent.
    fn sees_own_requests(&self, ctx: &Context) -> bool {
        ctx.viewer().is_some_and(|viewer| {
            viewer.user_id.get() == self.row.id || viewer.role == domain::Role::Admin
        })
    }

    /// The employees of this owner whose link is approved (or pending).
    async fn employees(&self, ctx: &Context, approved: bool) -> GqlResult<Vec<User>> {
        let links = self.employment(ctx).await?;
        let mut employees = Vec::new();
        for link in links
            .iter()
            .filter(|l| l.employer_id == self.row.id && l.is_approved() == approved)
        {
            if let Some(user) = ctx
                .loaders
                .users
                .load(link.employee_id)
                .await
                .map_err(GqlError::from)?
            {
                employees.push(User::from(user));
            }
        }
        Ok(employees)
    }

    /// The owner this employee's link (approved or pending) points to.
    async fn employer(&self, ctx: &Context, approved: bool) -> GqlResult<Option<User>> {
        let links = self.employment(ctx).await?;
        let Some(link) = links
            .iter()
            .find(|l| l.employee_id == self.row.id && l.is_approved() == approved)
        else {
            return Ok(None);
        };
        let user = ctx
            .loaders
            .users
            .load(link.employer_id)
            .await
            .map_err(GqlError::from)?;
        Ok(user.map(User::from))
    }

    async fn connections(
        &self,
        ctx: &Context,
        side: Side,
        pagination: Option<PaginationInput>,
        filter: Option<BizConnectionFilterInput>,
    ) -> GqlResult<Vec<BizConnection>> {
        if !self.connections_visible(ctx).await? {
            return Ok(Vec::new());
        }
        let page = Page::from_input(pagination.as_ref())?;
        let statuses: Vec<String> = filter
            .map(|f| {
                f.apply_status
                    .into_iter()
                    .map(|s| s.to_domain().as_str().to_owned())
                    .collect()
            })
            .unwrap_or_default();
        let args = crate::graphql::loaders::ConnectionArgs {
            side,
            statuses,
            page,
        };
        let rows = ctx
            .loaders
            .connections
            .load((args, self.row.id))
            .await
            .map_err(GqlError::from)?;
        Ok(rows
            .into_iter()
            .map(|keyed| BizConnection(keyed.row.clone()))
            .collect())
    }
}

#[graphql_object(context = Context)]
impl User {
    fn id(&self) -> i32 {
        gql_id(self.row.id)
    }

    /// 소속(도매상=시장명, 소매상=null)
    fn belongs_to(&self) -> Option<&str> {
        self.row.belongs_to.as_deref()
    }

    fn name(&self) -> &str {
        &self.row.name
    }

    /// 본인이 속한 업체 비즈니스 정보
    // Private: shown to those who may see the user's private details.
    async fn business_info(&self, ctx: &Context) -> GqlResult<Option<BusinessInfo>> {
        if !ctx.can_see_private(self.row.id).await? {
            return Ok(None);
        }
        let loaded = ctx.loaders.business_infos.load(self.row.id).await;
        Ok(loaded.map_err(GqlError::from)?.map(BusinessInfo))
    }

    async fn user_credential(&self, ctx: &Context) -> GqlResult<UserCredential> {
        let loaded = ctx.loaders.credentials.load(self.row.id).await;
        let row = loaded
            .map_err(GqlError::from)?
            .ok_or_else(|| GqlError::code(domain::ErrorCode::NoUser))?;
        let visible = ctx.can_see_private(self.row.id).await?;
        Ok(UserCredential { row, visible })
    }

    /// 보낸 거래처 신청
    async fn applied_connections(
        &self,
        ctx: &Context,
        pagination: Option<PaginationInput>,
        filter: Option<BizConnectionFilterInput>,
    ) -> GqlResult<Vec<BizConnection>> {
        self.connections(ctx, Side::Applied, pagination, filter)
            .await
    }

    /// 받은 거래처 신청
    async fn received_connections(
        &self,
        ctx: &Context,
        pagination: Option<PaginationInput>,
        filter: Option<BizConnectionFilterInput>,
    ) -> GqlResult<Vec<BizConnection>> {
        self.connections(ctx, Side::Received, pagination, filter)
            .await
    }

    /// [도매상] 연결된 직원 목록: approved employees only (those waiting for
    /// the owner's consent are `pendingEmployees`)
    async fn connected_employees(&self, ctx: &Context) -> GqlResult<Vec<User>> {
        if !ctx.can_see_private(self.row.id).await? {
            return Ok(Vec::new());
        }
        self.employees(ctx, true).await
    }

    /// [도매상] 연결된 사장(업체): null until the owner approved this employee
    async fn connected_employer(&self, ctx: &Context) -> GqlResult<Option<User>> {
        if !ctx.can_see_private(self.row.id).await? {
            return Ok(None);
        }
        self.employer(ctx, true).await
    }

    /// [도매상 사장] 승인 대기 중인 직원: employees that signed up under this
    /// owner and wait for its consent (approveEmployee / removeEmployee).
    /// Shown to the owner itself and admins; empty for everyone else.
    async fn pending_employees(&self, ctx: &Context) -> GqlResult<Vec<User>> {
        if !self.sees_own_requests(ctx) {
            return Ok(Vec::new());
        }
        self.employees(ctx, false).await
    }

    /// [도매상 직원] 승인을 기다리는 사장(업체): the owner this employee asked to
    /// join, while it has not answered. Shown to the employee itself and admins.
    async fn pending_employer(&self, ctx: &Context) -> GqlResult<Option<User>> {
        if !self.sees_own_requests(ctx) {
            return Ok(None);
        }
        self.employer(ctx, false).await
    }

    #[graphql(deprecated = "applyStatus is deprecated. Use 'connectableUsers(QUERY)' instead.")]
    fn apply_status(&self) -> Option<GqlApplyStatus> {
        self.apply_status
    }

    #[graphql(deprecated = "applyStatus is deprecated. Use 'connectableUsers(QUERY)' instead.")]
    fn biz_connection_id(&self) -> Option<i32> {
        self.biz_connection_id
    }

    fn deleted_at(&self) -> Option<LocalDate> {
        self.row.deleted_at.map(LocalDate::from_utc)
    }
}

/// 유저의 로그인, 회원가입 정보 (the password hash is never exposed).
pub struct UserCredential {
    row: CredentialRow,
    visible: bool,
}

#[graphql_object(context = Context)]
impl UserCredential {
    fn id(&self) -> i32 {
        gql_id(self.row.id)
    }

    async fn user(&self, ctx: &Context) -> GqlResult<Option<User>> {
        let user = ctx
            .loaders
            .users
            .load(self.row.user_id)
            .await
            .map_err(GqlError::from)?;
        Ok(user.map(User::from))
    }

    fn role(&self) -> GqlResult<AccountRole> {
        let role: domain::Role = self
            .row
            .role
            .parse()
            .map_err(|e| GqlError::internal("stored role", e))?;
        Ok(AccountRole::from_domain(role))
    }

    /// The full number for people entitled to it, masked for everyone else.
    fn phone_no(&self) -> String {
        if self.visible {
            self.row.phone_no.clone()
        } else {
            platform::telemetry::mask(&self.row.phone_no)
        }
    }

    fn created_at(&self) -> LocalDate {
        LocalDate::from_utc(self.row.created_at)
    }

    fn deleted_at(&self) -> Option<LocalDate> {
        self.row.deleted_at.map(LocalDate::from_utc)
    }
}

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
