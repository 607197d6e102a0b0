//! Rate limits counted in PostgreSQL, so every replica of a service shares
//! them (`rate_limit_windows`). A limit allows `max` hits per subject in each
//! fixed window; a hit is one upsert answering the window's count, so two
//! replicas racing for the last slot cannot both take it. A fixed window lets
//! a client spend two windows' worth across a boundary at most, which is the
//! price of one statement per hit instead of a lock and a count.

use crate::schema::rate_limit_windows;
use chrono::{DateTime, TimeDelta, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

/// One limit: at most `max` hits per subject in each `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// Names the limit in the table, e.g. `core.sign_up.ip`.
    pub scope: &'static str,
    pub max: u32,
    pub window: TimeDelta,
}

/// The subject counted for limits over everyone at once.
pub const EVERYONE: &str = "*";

/// What a hit was answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    /// Over the limit; the window ends in `retry_after_secs` (at least 1).
    Refused {
        retry_after_secs: u64,
    },
}

impl Limit {
    /// The start of the fixed window `now` falls in.
    pub fn window_start(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        let width = self.window.num_milliseconds().max(1);
        let ms = now.timestamp_millis();
        let start = ms - ms.rem_euclid(width);
        DateTime::from_timestamp_millis(start).unwrap_or(now)
    }

    /// Counts one hit of `subject` at `now` and says whether it fits.
    pub async fn hit(
        &self,
        conn: &mut AsyncPgConnection,
        subject: &str,
        now: DateTime<Utc>,
    ) -> QueryResult<Verdict> {
        let start = self.window_start(now);
        let hits: i32 = diesel::insert_into(rate_limit_windows::table)
            .values((
                rate_limit_windows::scope.eq(self.scope),
                rate_limit_windows::subject.eq(bounded(subject)),
                rate_limit_windows::window_start.eq(start),
                rate_limit_windows::hits.eq(1),
            ))
            .on_conflict((
                rate_limit_windows::scope,
                rate_limit_windows::subject,
                rate_limit_windows::window_start,
            ))
            .do_update()
            .set(rate_limit_windows::hits.eq(rate_limit_windows::hits + 1))
            .returning(rate_limit_windows::hits)
            .get_result(conn)
            .await?;
        if u32::try_from(hits).unwrap_or(u32::MAX) <= self.max {
            return Ok(Verdict::Allowed);
        }
        let ends = start + self.window;
        let ms = (ends - now).num_milliseconds().max(0);
        let secs = u64::try_from(ms.saturating_add(999) / 1000).unwrap_or(1);
        Ok(Verdict::Refused {
            retry_after_secs: secs.max(1),
        })
    }
}

/// Subjects are client IPs, phone numbers or `*`; anything longer than the
/// column is cut rather than refused (a long forwarded header must not turn a
/// limit into an error).
fn bounded(subject: &str) -> &str {
    match subject.char_indices().nth(128) {
        Some((end, _)) => &subject[..end],
        None => subject,
    }
}

/// Removes the windows that ended before `before`; services call it now and
/// then so the table holds about a day of counts.
pub async fn prune(conn: &mut AsyncPgConnection, before: DateTime<Utc>) -> QueryResult<usize> {
    diesel::delete(rate_limit_windows::table.filter(rate_limit_windows::window_start.lt(before)))
        .execute(conn)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_are_aligned_to_their_width() {
        let limit = Limit {
            scope: "t",
            max: 1,
            window: TimeDelta::minutes(10),
        };
        let at = |s: &str| {
            DateTime::parse_from_rfc3339(s)
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or_default()
        };
        assert_eq!(
            limit.window_start(at("2026-12-05T03:17:59Z")),
            at("2026-12-05T03:10:00Z")
        );
        assert_eq!(
            limit.window_start(at("2026-12-05T03:20:00Z")),
            at("2026-12-05T03:20:00Z")
        );
    }

    #[test]
    fn long_subjects_are_cut_at_a_character_boundary() {
        let long = "가".repeat(200);
        assert_eq!(bounded(&long).chars().count(), 128);
        assert_eq!(bounded("10.0.0.1"), "10.0.0.1");
    }
}
