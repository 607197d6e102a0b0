//! Who receives order alerts by SMS: a wholesaler's owner (unless it
//! switched them off) and the approved employees who switched them on; a
//! florist unless it switched them off (`alert_settings`, no row = the
//! role's default).

use crate::statement::prepared;
use diesel::sql_types::{BigInt, Bool, Nullable};
use diesel::{OptionalExtension, QueryableByName};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

/// A recipient: whom, and the number to text.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct Recipient {
    #[diesel(sql_type = BigInt)]
    pub user_id: i64,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub phone_no: String,
}

/// The owner and approved employees of `wholesaler_id` whose alerts are on.
pub async fn wholesaler_recipients(
    conn: &mut AsyncPgConnection,
    wholesaler_id: i64,
) -> diesel::QueryResult<Vec<Recipient>> {
    prepared(
        "SELECT c.user_id, c.phone_no FROM user_credentials c \
         JOIN users u ON u.id = c.user_id AND u.deleted_at IS NULL \
         LEFT JOIN alert_settings a ON a.user_id = c.user_id \
         WHERE c.deleted_at IS NULL AND ( \
           (c.user_id = $1 AND coalesce(a.order_alerts, true)) \
           OR (coalesce(a.order_alerts, false) AND c.user_id IN ( \
                 SELECT w.employee_id FROM wholesaler_connections w \
                 WHERE w.employer_id = $1 AND w.deleted_at IS NULL AND w.status = 'APPROVED'))) \
         ORDER BY c.user_id",
    )
    .bind::<BigInt, _>(wholesaler_id)
    .load(conn)
    .await
}

/// The numbers of these florists whose alerts are on (one statement for a
/// bulk price that completes many sheets).
pub async fn florist_recipients(
    conn: &mut AsyncPgConnection,
    retailer_ids: &[i64],
) -> diesel::QueryResult<Vec<Recipient>> {
    prepared(
        "SELECT c.user_id, c.phone_no FROM user_credentials c \
         JOIN users u ON u.id = c.user_id AND u.deleted_at IS NULL \
         LEFT JOIN alert_settings a ON a.user_id = c.user_id \
         WHERE c.deleted_at IS NULL AND c.user_id = ANY($1) AND coalesce(a.order_alerts, true)",
    )
    .bind::<diesel::sql_types::Array<BigInt>, _>(retailer_ids)
    .load(conn)
    .await
}

#[derive(QueryableByName)]
struct Setting {
    #[diesel(sql_type = Nullable<Bool>)]
    order_alerts: Option<bool>,
}

/// The user's own choice, if it made one.
pub async fn setting(
    conn: &mut AsyncPgConnection,
    user_id: i64,
) -> diesel::QueryResult<Option<bool>> {
    let row: Option<Setting> =
        prepared("SELECT order_alerts FROM alert_settings WHERE user_id = $1")
            .bind::<BigInt, _>(user_id)
            .get_result(conn)
            .await
            .optional()?;
    Ok(row.and_then(|r| r.order_alerts))
}

pub async fn set(conn: &mut AsyncPgConnection, user_id: i64, on: bool) -> diesel::QueryResult<()> {
    prepared(
        "INSERT INTO alert_settings (user_id, order_alerts) VALUES ($1, $2) \
         ON CONFLICT (user_id) DO UPDATE SET order_alerts = EXCLUDED.order_alerts",
    )
    .bind::<BigInt, _>(user_id)
    .bind::<Bool, _>(on)
    .execute(conn)
    .await
    .map(drop)
}
