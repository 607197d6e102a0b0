//! Signing up, in and out: `AuthToken`, the inputs, and the operations
//! (`accounts::auth`, `accounts::sessions`, `accounts::recovery`).

use crate::accounts::{auth, recovery, sessions};
use crate::graphql::context::Context;
use crate::graphql::error::{GqlResult, required};
use crate::graphql::model::CommonResponse;
use crate::graphql::model::user::AccountRole;
use juniper::GraphQLInputObject;

/// `AuthToken` (same as the original's AuthTokenDto).
#[derive(juniper::GraphQLObject)]
pub struct AuthToken {
    pub access_token: String,
    pub refresh_token: String,
}

impl From<crate::accounts::auth::TokenPair> for AuthToken {
    fn from(pair: crate::accounts::auth::TokenPair) -> Self {
        AuthToken {
            access_token: pair.access_token,
            refresh_token: pair.refresh_token,
        }
    }
}

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

/// 비밀번호 재설정: a new password for whoever proves the account's phone number.
#[derive(Debug, Clone, GraphQLInputObject)]
pub struct ResetPasswordInput {
    pub phone_no: String,
    /// The proof `/v1/verifications/confirm` answered for this phone number.
    pub phone_proof: String,
    pub password: String,
}

/// `signUp`.
pub async fn sign_up(ctx: &Context, input: Option<SignUpInput>) -> GqlResult<AuthToken> {
    let input = required(input, "input")?;
    let pair = auth::sign_up(
        &ctx.pool,
        &ctx.settings.accounts,
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

/// `signIn`.
pub async fn sign_in(ctx: &Context, input: Option<SignInInput>) -> GqlResult<AuthToken> {
    let input = required(input, "input")?;
    let pair = auth::sign_in(
        &ctx.pool,
        &ctx.settings.accounts,
        &ctx.issuer,
        ctx.client_ip.as_deref(),
        &input.phone_no,
        &input.password,
    )
    .await?;
    Ok(pair.into())
}

/// `signOut`: the session of the token sent (access or refresh) ends.
pub async fn sign_out(ctx: &Context) -> GqlResult<CommonResponse> {
    sessions::sign_out(&ctx.pool, &ctx.presented).await?;
    Ok(CommonResponse::ok())
}

/// `reissueToken`: rotates the refresh token sent in the header.
pub async fn reissue_token(ctx: &Context) -> GqlResult<AuthToken> {
    let pair = sessions::reissue(&ctx.pool, &ctx.issuer, &ctx.presented).await?;
    Ok(pair.into())
}

/// `resetPassword`: the phone proof stands for the sign-in.
pub async fn reset_password(ctx: &Context, input: ResetPasswordInput) -> GqlResult<CommonResponse> {
    recovery::reset_password(
        &ctx.pool,
        &ctx.settings.accounts,
        ctx.client_ip.as_deref(),
        &input.phone_no,
        &input.phone_proof,
        &input.password,
    )
    .await?;
    Ok(CommonResponse::ok())
}
