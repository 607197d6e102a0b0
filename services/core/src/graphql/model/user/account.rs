//! An account's management: its password, its removal, and an owner's
//! employees (`accounts::admin`, `accounts::employees`).

use crate::accounts::{admin, employees};
use crate::graphql::context::Context;
use crate::graphql::error::{GqlResult, required};
use crate::graphql::ids::id64;
use crate::graphql::model::CommonResponse;
use crate::graphql::model::user::User;
use domain::Role;
use juniper::GraphQLInputObject;

#[derive(Debug, Clone, GraphQLInputObject)]
pub struct UpdatePasswordInput {
    pub user_id: i32,
    pub phone_no: String,
    pub password: String,
}

/// `updatePassword`: the caller's own, or anyone's for an admin.
pub async fn update_password(
    ctx: &Context,
    input: Option<UpdatePasswordInput>,
) -> GqlResult<CommonResponse> {
    let viewer = ctx.require_viewer()?;
    let input = required(input, "input")?;
    admin::update_password(
        &ctx.pool,
        ctx.settings.accounts.password_hashing,
        viewer,
        id64(input.user_id),
        &input.phone_no,
        &input.password,
    )
    .await?;
    Ok(CommonResponse::ok())
}

/// `removeUser` (admins only; the use case decides).
pub async fn remove_user(ctx: &Context, user_id: i32) -> GqlResult<CommonResponse> {
    let viewer = ctx.require_viewer()?;
    admin::remove_user(&ctx.pool, viewer, id64(user_id)).await?;
    Ok(CommonResponse::ok())
}

/// `approveEmployee` (the owner, or an admin).
pub async fn approve_employee(ctx: &Context, employee_id: i32) -> GqlResult<User> {
    let viewer = ctx.require_role(&[Role::WholesalerEmpr, Role::Admin])?;
    let row = employees::approve(&ctx.pool, viewer, id64(employee_id)).await?;
    Ok(User::from(row))
}

/// `removeEmployee` (the owner, or an admin).
pub async fn remove_employee(ctx: &Context, employee_id: i32) -> GqlResult<CommonResponse> {
    let viewer = ctx.require_role(&[Role::WholesalerEmpr, Role::Admin])?;
    employees::remove(&ctx.pool, viewer, id64(employee_id)).await?;
    Ok(CommonResponse::ok())
}
