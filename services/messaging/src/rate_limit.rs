//! Sliding one-hour windows counted in the database, so every replica of the
//! service sees the same counts. Callers hold an advisory lock on the key
//! while they count and insert, so concurrent requests cannot both take the
//! last slot.

use crate::error::Error;
use chrono::{DateTime, TimeDelta, Utc};
use db::messaging::WindowCount;

pub const WINDOW: TimeDelta = TimeDelta::hours(1);

/// The start of the window that ends now.
pub fn window_start(now: DateTime<Utc>) -> DateTime<Utc> {
    now - WINDOW
}

/// Refuses when `limit` rows already fall in the window; `Retry-After` is
/// when the oldest of them leaves it.
pub fn check(
    counted: WindowCount,
    limit: u32,
    now: DateTime<Utc>,
    message: &'static str,
) -> Result<(), Error> {
    if counted.count < i64::from(limit) {
        return Ok(());
    }
    let frees_at = counted
        .oldest
        .map_or(now + WINDOW, |oldest| oldest + WINDOW);
    let seconds = (frees_at - now)
        .num_milliseconds()
        .max(0)
        .saturating_add(999)
        / 1000;
    Err(Error::RateLimited {
        retry_after: u64::try_from(seconds).unwrap_or(1).max(1),
        message,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn under_the_limit_passes_and_at_the_limit_names_when_to_retry() {
        let now = Utc::now();
        let some = |count, oldest| WindowCount { count, oldest };
        assert!(check(some(4, Some(now)), 5, now, "m").is_ok());
        let err = check(some(5, Some(now - TimeDelta::minutes(50))), 5, now, "m").unwrap_err();
        let Error::RateLimited { retry_after, .. } = err else {
            panic!("expected a rate limit");
        };
        assert_eq!(retry_after, 600);
        // A limit of zero refuses everything for a full window.
        let Error::RateLimited { retry_after, .. } = check(some(0, None), 0, now, "m").unwrap_err()
        else {
            panic!("expected a rate limit");
        };
        assert_eq!(retry_after, 3600);
        // Never 0: a client must wait at least a second.
        let Error::RateLimited { retry_after, .. } =
            check(some(1, Some(now - WINDOW)), 1, now, "m").unwrap_err()
        else {
            panic!("expected a rate limit");
        };
        assert_eq!(retry_after, 1);
    }
}
