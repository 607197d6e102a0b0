//! Proofs that a phone number was verified (`phone_proofs`). The messaging
//! service records one when a verification code is confirmed and hands the
//! token to the client; core consumes it once, for sign-up or a password
//! reset. Callers pass the token's SHA-256, never the token itself.

use crate::schema::phone_proofs;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

/// Records a proof for `phone_no` valid until `expires_at`.
pub async fn record(
    conn: &mut AsyncPgConnection,
    token_hash: &[u8],
    phone_no: &str,
    expires_at: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::insert_into(phone_proofs::table)
        .values((
            phone_proofs::token_hash.eq(token_hash),
            phone_proofs::phone_no.eq(phone_no),
            phone_proofs::expires_at.eq(expires_at),
        ))
        .execute(conn)
        .await
        .map(drop)
}

/// Whether `consume` would accept the proof now, without using it up: lets
/// a caller refuse a bad proof before it does expensive work (hashing a
/// password), and consume it later in the transaction that depends on it.
pub async fn is_usable(
    conn: &mut AsyncPgConnection,
    token_hash: &[u8],
    phone_no: &str,
    now: DateTime<Utc>,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        phone_proofs::table
            .filter(phone_proofs::token_hash.eq(token_hash))
            .filter(phone_proofs::phone_no.eq(phone_no))
            .filter(phone_proofs::consumed_at.is_null())
            .filter(phone_proofs::expires_at.gt(now)),
    ))
    .get_result(conn)
    .await
}

/// Uses up the proof with this hash if it is for `phone_no`, unexpired at
/// `now` and unused; answers whether it was. One statement, so two requests
/// presenting the same proof cannot both succeed.
pub async fn consume(
    conn: &mut AsyncPgConnection,
    token_hash: &[u8],
    phone_no: &str,
    now: DateTime<Utc>,
) -> QueryResult<bool> {
    let used = diesel::update(
        phone_proofs::table
            .filter(phone_proofs::token_hash.eq(token_hash))
            .filter(phone_proofs::phone_no.eq(phone_no))
            .filter(phone_proofs::consumed_at.is_null())
            .filter(phone_proofs::expires_at.gt(now)),
    )
    .set(phone_proofs::consumed_at.eq(now))
    .execute(conn)
    .await?;
    Ok(used == 1)
}
