//! A wholesaler's company data printed on its statements.

use crate::schema::business_infos;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = business_infos)]
pub struct BusinessInfoRow {
    pub id: i64,
    pub user_id: i64,
    pub company_name: String,
    pub company_phone_no: String,
    pub employer_name: String,
    pub address: String,
    pub business_no: String,
    pub business_main_category: String,
    pub business_sub_category: String,
    pub seal_stamp_img_url: String,
    pub bank_account: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, AsChangeset, Insertable)]
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

/// The live users of `user_ids`, each with its live business info if any: a
/// list of order sheets shows its parties with their companies.
pub async fn live_users_with_infos(
    conn: &mut AsyncPgConnection,
    user_ids: &[i64],
) -> QueryResult<Vec<(crate::users::UserRow, Option<BusinessInfoRow>)>> {
    use crate::schema::users;
    users::table
        .left_join(
            business_infos::table.on(business_infos::user_id
                .eq(users::id)
                .and(business_infos::deleted_at.is_null())),
        )
        .filter(users::id.eq_any(user_ids))
        .filter(users::deleted_at.is_null())
        .select((
            crate::users::UserRow::as_select(),
            Option::<BusinessInfoRow>::as_select(),
        ))
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
