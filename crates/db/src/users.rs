//! Accounts: users, their login credentials, refresh tokens and sign-in throttling.
//! Every read ignores soft-deleted rows, as the original did.

use crate::schema::{auth_tokens, sign_in_throttles, user_credentials, users};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: i64,
    pub belongs_to: Option<String>,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = user_credentials)]
pub struct CredentialRow {
    pub id: i64,
    pub user_id: i64,
    pub role: String,
    pub phone_no: String,
    /// A password hash (argon2id, or bcrypt imported from the original).
    pub password: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// A user with its live credential (every account has exactly one).
pub type Account = (UserRow, CredentialRow);

pub async fn live_users_by_ids(
    conn: &mut AsyncPgConnection,
    ids: &[i64],
) -> QueryResult<Vec<UserRow>> {
    users::table
        .filter(users::id.eq_any(ids))
        .filter(users::deleted_at.is_null())
        .select(UserRow::as_select())
        .load(conn)
        .await
}

/// Users by id whatever their state: a deleted florist still names the
/// ledger entries and documents that were its.
pub async fn users_by_ids_any_state(
    conn: &mut AsyncPgConnection,
    ids: &[i64],
) -> QueryResult<Vec<UserRow>> {
    users::table
        .filter(users::id.eq_any(ids))
        .select(UserRow::as_select())
        .load(conn)
        .await
}

pub async fn live_credentials_by_user_ids(
    conn: &mut AsyncPgConnection,
    ids: &[i64],
) -> QueryResult<Vec<CredentialRow>> {
    user_credentials::table
        .filter(user_credentials::user_id.eq_any(ids))
        .filter(user_credentials::deleted_at.is_null())
        .select(CredentialRow::as_select())
        .load(conn)
        .await
}

pub async fn live_account_by_id(
    conn: &mut AsyncPgConnection,
    id: i64,
) -> QueryResult<Option<Account>> {
    users::table
        .inner_join(user_credentials::table)
        .filter(users::id.eq(id))
        .filter(users::deleted_at.is_null())
        .filter(user_credentials::deleted_at.is_null())
        .select((UserRow::as_select(), CredentialRow::as_select()))
        .first(conn)
        .await
        .optional()
}

pub async fn live_account_by_phone(
    conn: &mut AsyncPgConnection,
    phone_no: &str,
) -> QueryResult<Option<Account>> {
    users::table
        .inner_join(user_credentials::table)
        .filter(user_credentials::phone_no.eq(phone_no))
        .filter(users::deleted_at.is_null())
        .filter(user_credentials::deleted_at.is_null())
        .select((UserRow::as_select(), CredentialRow::as_select()))
        .first(conn)
        .await
        .optional()
}

/// Live accounts with exactly this name, optionally of one role (oldest first:
/// an employee joins the first owner of that name, as in the original).
pub async fn live_accounts_named(
    conn: &mut AsyncPgConnection,
    name: &str,
    role: Option<&str>,
) -> QueryResult<Vec<Account>> {
    let mut query = users::table
        .inner_join(user_credentials::table)
        .filter(users::name.eq(name))
        .filter(users::deleted_at.is_null())
        .filter(user_credentials::deleted_at.is_null())
        .select((UserRow::as_select(), CredentialRow::as_select()))
        .order(users::id.asc())
        .into_boxed();
    if let Some(role) = role {
        query = query.filter(user_credentials::role.eq(role.to_owned()));
    }
    query.load(conn).await
}

pub async fn insert_account(
    conn: &mut AsyncPgConnection,
    name: &str,
    belongs_to: Option<&str>,
    role: &str,
    phone_no: &str,
    password_hash: &str,
) -> QueryResult<Account> {
    let user: UserRow = diesel::insert_into(users::table)
        .values((users::name.eq(name), users::belongs_to.eq(belongs_to)))
        .returning(UserRow::as_returning())
        .get_result(conn)
        .await?;
    let credential: CredentialRow = diesel::insert_into(user_credentials::table)
        .values((
            user_credentials::user_id.eq(user.id),
            user_credentials::role.eq(role),
            user_credentials::phone_no.eq(phone_no),
            user_credentials::password.eq(password_hash),
        ))
        .returning(CredentialRow::as_returning())
        .get_result(conn)
        .await?;
    Ok((user, credential))
}

pub async fn set_password_hash(
    conn: &mut AsyncPgConnection,
    credential_id: i64,
    hash: &str,
) -> QueryResult<usize> {
    diesel::update(user_credentials::table.find(credential_id))
        .set(user_credentials::password.eq(hash))
        .execute(conn)
        .await
}

/// What the original cascaded with a user: each table, and the rows of it
/// that name the user (bind `$1`).
const DEPENDANTS: [(&str, &str); 6] = [
    ("user_credentials", "user_id = $1"),
    ("auth_tokens", "user_id = $1"),
    ("business_infos", "user_id = $1"),
    (
        "biz_connections",
        "(retailer_id = $1 OR wholesaler_id = $1)",
    ),
    (
        "wholesaler_connections",
        "(employer_id = $1 OR employee_id = $1)",
    ),
    ("cart_items", "retailer_id = $1"),
];

/// Soft-deletes a user and what the original cascaded with it.
pub async fn soft_delete_user(
    conn: &mut AsyncPgConnection,
    id: i64,
    now: DateTime<Utc>,
) -> QueryResult<usize> {
    let deleted = diesel::update(users::table.find(id).filter(users::deleted_at.is_null()))
        .set(users::deleted_at.eq(now))
        .execute(conn)
        .await?;
    if deleted == 0 {
        return Ok(0);
    }
    for (table, names_the_user) in DEPENDANTS {
        crate::statement::prepared(format!(
            "UPDATE {table} SET deleted_at = $2 WHERE {names_the_user} AND deleted_at IS NULL"
        ))
        .bind::<BigInt, _>(id)
        .bind::<Timestamptz, _>(now)
        .execute(conn)
        .await?;
    }
    Ok(deleted)
}

/// A stored refresh token (only its digest) and the session it belongs to.
/// A session is a family of refresh tokens: sign-in starts one, each reissue
/// replaces its live token, and the replaced ones stay (soft-deleted) so that
/// presenting one again is recognised as reuse.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = auth_tokens)]
pub struct RefreshTokenRow {
    pub id: i64,
    pub user_id: i64,
    pub family: uuid::Uuid,
    pub deleted_at: Option<DateTime<Utc>>,
}

impl RefreshTokenRow {
    pub fn is_live(&self) -> bool {
        self.deleted_at.is_none()
    }
}

/// Stores the first refresh token of a new session.
pub async fn start_session(
    conn: &mut AsyncPgConnection,
    user_id: i64,
    family: uuid::Uuid,
    token_hash: &str,
) -> QueryResult<()> {
    diesel::insert_into(auth_tokens::table)
        .values((
            auth_tokens::user_id.eq(user_id),
            auth_tokens::family.eq(family),
            auth_tokens::refresh_token.eq(token_hash),
        ))
        .execute(conn)
        .await
        .map(drop)
}

/// The stored token with this digest, live or not, locked: of two reissues
/// presenting one token, the second waits and then sees the first's rotation.
pub async fn refresh_token_for_update(
    conn: &mut AsyncPgConnection,
    token_hash: &str,
) -> QueryResult<Option<RefreshTokenRow>> {
    auth_tokens::table
        .filter(auth_tokens::refresh_token.eq(token_hash))
        .select(RefreshTokenRow::as_select())
        .order(auth_tokens::id.desc())
        .for_update()
        .first(conn)
        .await
        .optional()
}

/// Replaces the session's live token `current` with `token_hash`.
pub async fn rotate_refresh_token(
    conn: &mut AsyncPgConnection,
    current: &RefreshTokenRow,
    token_hash: &str,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(auth_tokens::table.find(current.id))
        .set(auth_tokens::deleted_at.eq(now))
        .execute(conn)
        .await?;
    start_session(conn, current.user_id, current.family, token_hash).await
}

/// Ends one session (its live token is revoked); answers how many tokens were.
pub async fn end_session(
    conn: &mut AsyncPgConnection,
    user_id: i64,
    family: uuid::Uuid,
    now: DateTime<Utc>,
) -> QueryResult<usize> {
    diesel::update(
        auth_tokens::table
            .filter(auth_tokens::user_id.eq(user_id))
            .filter(auth_tokens::family.eq(family))
            .filter(auth_tokens::deleted_at.is_null()),
    )
    .set(auth_tokens::deleted_at.eq(now))
    .execute(conn)
    .await
}

/// Ends every session of the user except `keep` (the caller's own, if any).
pub async fn end_sessions_except(
    conn: &mut AsyncPgConnection,
    user_id: i64,
    keep: Option<uuid::Uuid>,
    now: DateTime<Utc>,
) -> QueryResult<usize> {
    let mut live = auth_tokens::table
        .filter(auth_tokens::user_id.eq(user_id))
        .filter(auth_tokens::deleted_at.is_null())
        .select(auth_tokens::id)
        .into_boxed();
    if let Some(keep) = keep {
        live = live.filter(auth_tokens::family.ne(keep));
    }
    diesel::update(auth_tokens::table.filter(auth_tokens::id.eq_any(live)))
        .set(auth_tokens::deleted_at.eq(now))
        .execute(conn)
        .await
}

/// Forgets the user's tokens older than `before` (every token then has
/// expired, so neither a live one nor a reused one can be presented anymore).
pub async fn prune_refresh_tokens(
    conn: &mut AsyncPgConnection,
    user_id: i64,
    before: DateTime<Utc>,
) -> QueryResult<usize> {
    diesel::delete(
        auth_tokens::table
            .filter(auth_tokens::user_id.eq(user_id))
            .filter(auth_tokens::created_at.lt(before)),
    )
    .execute(conn)
    .await
}

/// The live account's role, provided `session` (when the token names one)
/// still has a live refresh token: one statement, so checking that a
/// signed-out or revoked session's access tokens are dead costs no extra round
/// trip. Every request runs it, so it reads the role alone (never the
/// password hash, the phone number or the name).
pub async fn live_role_in_session(
    conn: &mut AsyncPgConnection,
    id: i64,
    session: Option<uuid::Uuid>,
) -> QueryResult<Option<String>> {
    let live = users::table
        .inner_join(user_credentials::table)
        .filter(users::id.eq(id))
        .filter(users::deleted_at.is_null())
        .filter(user_credentials::deleted_at.is_null())
        .select(user_credentials::role);
    let Some(family) = session else {
        return live.first(conn).await.optional();
    };
    live.filter(diesel::dsl::exists(
        auth_tokens::table
            .filter(auth_tokens::family.eq(family))
            .filter(auth_tokens::user_id.eq(id))
            .filter(auth_tokens::deleted_at.is_null()),
    ))
    .first(conn)
    .await
    .optional()
}

/// Replaces the user's live refresh token (stored as a hash, never the token).
pub async fn store_refresh_token(
    conn: &mut AsyncPgConnection,
    user_id: i64,
    token_hash: &str,
) -> QueryResult<()> {
    revoke_refresh_token(conn, user_id, Utc::now()).await?;
    diesel::insert_into(auth_tokens::table)
        .values((
            auth_tokens::user_id.eq(user_id),
            auth_tokens::refresh_token.eq(token_hash),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn revoke_refresh_token(
    conn: &mut AsyncPgConnection,
    user_id: i64,
    now: DateTime<Utc>,
) -> QueryResult<usize> {
    diesel::update(
        auth_tokens::table.filter(
            auth_tokens::user_id
                .eq(user_id)
                .and(auth_tokens::deleted_at.is_null()),
        ),
    )
    .set(auth_tokens::deleted_at.eq(now))
    .execute(conn)
    .await
}

/// The live refresh-token hash, locked so that two concurrent reissues with the
/// same token cannot both succeed.
pub async fn live_refresh_token_for_update(
    conn: &mut AsyncPgConnection,
    user_id: i64,
) -> QueryResult<Option<String>> {
    auth_tokens::table
        .filter(auth_tokens::user_id.eq(user_id))
        .filter(auth_tokens::deleted_at.is_null())
        .select(auth_tokens::refresh_token)
        .for_update()
        .first(conn)
        .await
        .optional()
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sign_in_throttles)]
pub struct ThrottleRow {
    pub phone_no: String,
    pub failed_count: i32,
    pub first_failed_at: DateTime<Utc>,
    pub locked_until: Option<DateTime<Utc>>,
}

pub async fn sign_in_throttle(
    conn: &mut AsyncPgConnection,
    phone_no: &str,
) -> QueryResult<Option<ThrottleRow>> {
    sign_in_throttles::table
        .find(phone_no)
        .select(ThrottleRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// Counts a failed sign-in; from the `lock_after`-th failure within `window`
/// the phone number is locked until `now + lock_for`.
pub async fn record_failed_sign_in(
    conn: &mut AsyncPgConnection,
    phone_no: &str,
    now: DateTime<Utc>,
    window: chrono::Duration,
    lock_after: i32,
    lock_for: chrono::Duration,
) -> QueryResult<ThrottleRow> {
    crate::statement::prepared(
        "INSERT INTO sign_in_throttles (phone_no, failed_count, first_failed_at, locked_until, updated_at) \
         VALUES ($1, 1, $2, NULL, $2) \
         ON CONFLICT (phone_no) DO UPDATE SET \
           failed_count = CASE WHEN sign_in_throttles.first_failed_at < $2 - $3 THEN 1 ELSE sign_in_throttles.failed_count + 1 END, \
           first_failed_at = CASE WHEN sign_in_throttles.first_failed_at < $2 - $3 THEN $2 ELSE sign_in_throttles.first_failed_at END, \
           updated_at = $2",
    )
    .bind::<diesel::sql_types::Text, _>(phone_no)
    .bind::<diesel::sql_types::Timestamptz, _>(now)
    .bind::<diesel::sql_types::Interval, _>(window)
    .execute(conn)
    .await?;
    diesel::update(
        sign_in_throttles::table
            .find(phone_no)
            .filter(sign_in_throttles::failed_count.ge(lock_after)),
    )
    .set(sign_in_throttles::locked_until.eq(now + lock_for))
    .execute(conn)
    .await?;
    sign_in_throttles::table
        .find(phone_no)
        .select(ThrottleRow::as_select())
        .first(conn)
        .await
}

pub async fn clear_sign_in_throttle(
    conn: &mut AsyncPgConnection,
    phone_no: &str,
) -> QueryResult<usize> {
    diesel::delete(sign_in_throttles::table.find(phone_no))
        .execute(conn)
        .await
}

/// Filters of the `users` list.
#[derive(Debug, Clone, Default)]
pub struct UserSearch {
    /// `None`: any role; `Some(vec![])`: nobody (the original crashed here).
    pub roles: Option<Vec<String>>,
    /// Case-sensitive substring; `%` and `_` match themselves.
    pub name_contains: Option<String>,
    pub phone_no: Option<String>,
    pub exclude_user: Option<i64>,
    pub descending: bool,
    pub offset: i64,
    pub limit: i64,
}

pub async fn search(conn: &mut AsyncPgConnection, s: &UserSearch) -> QueryResult<Vec<UserRow>> {
    let mut query = users::table
        .inner_join(user_credentials::table)
        .filter(users::deleted_at.is_null())
        .filter(user_credentials::deleted_at.is_null())
        .select(UserRow::as_select())
        .into_boxed();
    if let Some(roles) = &s.roles {
        query = query.filter(user_credentials::role.eq_any(roles.clone()));
    }
    if let Some(name) = &s.name_contains {
        let escaped = name
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        query = query.filter(users::name.like(format!("%{escaped}%")));
    }
    if let Some(phone) = &s.phone_no {
        query = query.filter(user_credentials::phone_no.eq(phone.clone()));
    }
    if let Some(id) = s.exclude_user {
        query = query.filter(users::id.ne(id));
    }
    query = if s.descending {
        query.order((users::created_at.desc(), users::id.desc()))
    } else {
        query.order((users::created_at.asc(), users::id.asc()))
    };
    query.offset(s.offset).limit(s.limit).load(conn).await
}
