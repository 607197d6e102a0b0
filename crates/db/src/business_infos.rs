//! A wholesaler's company data printed on its statements.

use crate::schema::business_infos;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use std::ops::Deref;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = business_infos)]
pub struct BusinessInfoRow {
    pub id: i64,
    pub user_id: i64,
    #[diesel(embed)]
    pub fields: BusinessInfoFields,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// What a wholesaler fills in: written as a whole, read as part of a row.
#[derive(Debug, Clone, Queryable, Selectable, AsChangeset, Insertable)]
#[diesel(table_name = business_infos)]
pub struct BusinessInfoFields {
    pub company_name: String,
    pub company_phone_no: String,
    pub employer_name: String,
    pub address: String,
    pub business_no: String,
    pub business_main_category: String,
    pub business_sub_category: String,
    pub seal_stamp_img_url: String,
    pub bank_account: String,
}

/// A row reads as its fields (`row.company_name`), so readers need not know
/// which columns are filled in and which are the row's own.
impl Deref for BusinessInfoRow {
    type Target = BusinessInfoFields;

    fn deref(&self) -> &BusinessInfoFields {
        &self.fields
    }
}

pub async fn live_by_user_ids(
    conn: &mut AsyncPgConnection,
    user_ids: &[i64],
) -> QueryResult<Vec<BusinessInfoRow>> {
    business_infos::table
        .filter(business_infos::user_id.eq_any(user_ids))
        .filter(business_infos::deleted_at.is_null())
        .select(BusinessInfoRow::as_select())
        .load(conn)
        .await
}

/// Overwrites the user's live row field by field (same id), or inserts one.
pub async fn upsert(
    conn: &mut AsyncPgConnection,
    user_id: i64,
    fields: &BusinessInfoFields,
) -> QueryResult<BusinessInfoRow> {
    let updated = diesel::update(
        business_infos::table.filter(
            business_infos::user_id
                .eq(user_id)
                .and(business_infos::deleted_at.is_null()),
        ),
    )
    .set(fields)
    .returning(BusinessInfoRow::as_returning())
    .get_result(conn)
    .await
    .optional()?;
    match updated {
        Some(row) => Ok(row),
        None => {
            diesel::insert_into(business_infos::table)
                .values((business_infos::user_id.eq(user_id), fields))
                .returning(BusinessInfoRow::as_returning())
                .get_result(conn)
                .await
        }
    }
}

/// One attempt at a wholesaler's seal stamp (`seal_stamps`): the stored copy
/// statements draw, or why there is none.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = crate::schema::seal_stamps)]
pub struct SealStampRow {
    pub id: i64,
    pub user_id: i64,
    pub source_url: String,
    pub status: String,
    pub detail: Option<String>,
    pub storage_key: Option<String>,
    pub content_type: Option<String>,
    pub byte_size: Option<i32>,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = crate::schema::seal_stamps)]
pub struct NewSealStamp<'a> {
    pub user_id: i64,
    pub source_url: &'a str,
    pub status: &'a str,
    pub detail: Option<&'a str>,
    pub storage_key: Option<&'a str>,
    pub content_type: Option<&'a str>,
    pub byte_size: Option<i32>,
    pub width: Option<i32>,
    pub height: Option<i32>,
}

pub async fn insert_seal_stamp(
    conn: &mut AsyncPgConnection,
    row: &NewSealStamp<'_>,
) -> QueryResult<SealStampRow> {
    diesel::insert_into(crate::schema::seal_stamps::table)
        .values(row)
        .returning(SealStampRow::as_returning())
        .get_result(conn)
        .await
}

/// The newest attempt at the stamp of `user_id` from `url` (the one in use
/// while the business info names `url`).
pub async fn current_seal_stamp(
    conn: &mut AsyncPgConnection,
    user_id: i64,
    url: &str,
) -> QueryResult<Option<SealStampRow>> {
    use crate::schema::seal_stamps;
    seal_stamps::table
        .filter(seal_stamps::user_id.eq(user_id))
        .filter(seal_stamps::source_url.eq(url))
        .order((seal_stamps::created_at.desc(), seal_stamps::id.desc()))
        .select(SealStampRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// The live business info of one user, if any.
pub async fn live_by_user_id(
    conn: &mut AsyncPgConnection,
    user_id: i64,
) -> QueryResult<Option<BusinessInfoRow>> {
    business_infos::table
        .filter(business_infos::user_id.eq(user_id))
        .filter(business_infos::deleted_at.is_null())
        .select(BusinessInfoRow::as_select())
        .first(conn)
        .await
        .optional()
}
