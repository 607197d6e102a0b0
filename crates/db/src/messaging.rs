//! The messaging service's tables: `send_sms_logs` (one row per SMS handled,
//! written before the provider call and updated with its outcome) and
//! `sms_verifications` (hashed verification codes).

use crate::schema::{send_sms_logs, sms_verifications};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = send_sms_logs)]
pub struct SmsLogRow {
    pub id: i64,
    pub to: String,
    pub message: String,
    pub status: String,
    pub err_logs: String,
    pub template: Option<String>,
    pub msg_type: Option<String>,
    pub provider: Option<String>,
    pub provider_request_id: Option<String>,
    pub attempts: i32,
    pub error_code: Option<String>,
    pub idempotency_key: Option<String>,
    pub requested_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = send_sms_logs)]
pub struct NewSmsLog<'a> {
    pub to: &'a str,
    pub message: &'a str,
    pub status: &'a str,
    pub err_logs: &'a str,
    pub template: &'a str,
    pub msg_type: &'a str,
    pub provider: Option<&'a str>,
    pub attempts: i32,
    pub error_code: Option<&'a str>,
    pub idempotency_key: Option<&'a str>,
    pub requested_by: &'a str,
}

/// What the provider call ended with.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = send_sms_logs)]
pub struct SmsOutcome<'a> {
    pub status: &'a str,
    pub attempts: i32,
    pub error_code: Option<&'a str>,
    pub provider_request_id: Option<&'a str>,
    pub err_logs: &'a str,
}

/// Inserts a log row. `None` when its idempotency key is already taken (the
/// statement waits for a concurrent inserter of the same key to finish).
pub async fn insert(
    conn: &mut AsyncPgConnection,
    row: &NewSmsLog<'_>,
) -> QueryResult<Option<SmsLogRow>> {
    diesel::insert_into(send_sms_logs::table)
        .values(row)
        .on_conflict_do_nothing()
        .returning(SmsLogRow::as_returning())
        .get_result(conn)
        .await
        .optional()
}

pub async fn by_id(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<Option<SmsLogRow>> {
    send_sms_logs::table
        .find(id)
        .filter(send_sms_logs::deleted_at.is_null())
        .select(SmsLogRow::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn by_idempotency_key(
    conn: &mut AsyncPgConnection,
    key: &str,
) -> QueryResult<Option<SmsLogRow>> {
    send_sms_logs::table
        .filter(send_sms_logs::idempotency_key.eq(key))
        .select(SmsLogRow::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn record_outcome(
    conn: &mut AsyncPgConnection,
    id: i64,
    outcome: &SmsOutcome<'_>,
) -> QueryResult<SmsLogRow> {
    diesel::update(send_sms_logs::table.find(id))
        .set(outcome)
        .returning(SmsLogRow::as_returning())
        .get_result(conn)
        .await
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sms_verifications)]
pub struct VerificationRow {
    pub id: i64,
    pub phone_no: String,
    pub code_hash: String,
    pub expires_at: DateTime<Utc>,
    pub attempts: i32,
    pub verified_at: Option<DateTime<Utc>>,
    pub requester_ip: Option<String>,
    pub created_at: DateTime<Utc>,
}

pub async fn insert_verification(
    conn: &mut AsyncPgConnection,
    phone_no: &str,
    code_hash: &str,
    expires_at: DateTime<Utc>,
    requester_ip: Option<&str>,
) -> QueryResult<VerificationRow> {
    diesel::insert_into(sms_verifications::table)
        .values((
            sms_verifications::phone_no.eq(phone_no),
            sms_verifications::code_hash.eq(code_hash),
            sms_verifications::expires_at.eq(expires_at),
            sms_verifications::requester_ip.eq(requester_ip),
        ))
        .returning(VerificationRow::as_returning())
        .get_result(conn)
        .await
}

/// The newest code sent to a number, locked until the transaction ends so
/// concurrent guesses are counted one after the other.
pub async fn latest_verification_for_update(
    conn: &mut AsyncPgConnection,
    phone_no: &str,
) -> QueryResult<Option<VerificationRow>> {
    sms_verifications::table
        .filter(sms_verifications::phone_no.eq(phone_no))
        .order((
            sms_verifications::created_at.desc(),
            sms_verifications::id.desc(),
        ))
        .select(VerificationRow::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()
}

pub async fn record_wrong_guess(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<i32> {
    diesel::update(sms_verifications::table.find(id))
        .set(sms_verifications::attempts.eq(sms_verifications::attempts + 1))
        .returning(sms_verifications::attempts)
        .get_result(conn)
        .await
}

pub async fn mark_verified(
    conn: &mut AsyncPgConnection,
    id: i64,
    at: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(sms_verifications::table.find(id))
        .set(sms_verifications::verified_at.eq(at))
        .execute(conn)
        .await
        .map(|_| ())
}
