//! The user lists: `users` (a search) and `connectableUsers` (whom the
//! caller can trade with, with the link's status).

use crate::graphql::context::Context;
use crate::graphql::error::{GqlError, GqlResult};
use crate::graphql::ids::gql_id;
use crate::graphql::model::user::{AccountRole, GqlApplyStatus, User};
use crate::graphql::pagination::{Page, PaginationInput};
use domain::{ErrorCode, Role};
use juniper::GraphQLInputObject;

#[derive(Debug, Clone, GraphQLInputObject)]
pub struct UserFilterInput {
    pub roles: Option<Vec<AccountRole>>,
    pub phone_no: Option<String>,
    pub name: Option<String>,
    /// true: the users the caller can trade with (login required).
    pub connectable: Option<bool>,
}

pub async fn users(
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

pub async fn connectable_users(
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
