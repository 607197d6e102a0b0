//! `UserCredential`: how a user signs in (the password hash is never exposed).

use crate::graphql::context::Context;
use crate::graphql::error::{GqlError, GqlResult};
use crate::graphql::ids::gql_id;
use crate::graphql::model::user::{AccountRole, User};
use crate::graphql::scalars::LocalDate;
use db::users::CredentialRow;
use juniper::graphql_object;

/// 유저의 로그인, 회원가입 정보 (the password hash is never exposed).
pub struct UserCredential {
    pub(super) row: CredentialRow,
    pub(super) visible: bool,
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
