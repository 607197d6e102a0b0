//! Ids and counts on the wire: the original's contract types them `Int`
//! (32 bits); the database's are `bigint`.

/// A database id as the contract's `Int` (saturating: ids stay far below).
pub fn gql_id(id: i64) -> i32 {
    i32::try_from(id).unwrap_or(i32::MAX)
}

/// An id from the wire as the database's.
pub fn id64(id: i32) -> i64 {
    i64::from(id)
}

/// A count or sum as the contract's `Int`, saturating rather than wrapping.
pub fn gql_count(value: i64) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}
