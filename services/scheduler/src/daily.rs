//! The optional built-in schedule (`SCHEDULER_CRON=HH:MM`, KST): one sync of
//! the KST day's cut flowers every day at that time. Off by default: in
//! production cron or a Kubernetes CronJob calls `POST /v1/jobs/auction-sync`,
//! and the per-day lock makes the two safe together.

use crate::feed::Category;
use crate::sync::{SyncRequest, Syncer};
use chrono::{DateTime, NaiveTime, TimeDelta, Utc};
use domain::time::{business_day, from_kst_wall_clock};

pub fn spawn(syncer: Syncer, at: NaiveTime) {
    tracing::info!(%at, "daily auction sync scheduled (KST)");
    actix_web::rt::spawn(async move {
        loop {
            let now = Utc::now();
            let wait = (next_run(now, at) - now).to_std().unwrap_or_default();
            tokio::time::sleep(wait).await;
            let request = SyncRequest {
                date: business_day(Utc::now()),
                categories: vec![Category::CutFlowers],
            };
            if let Err(e) = syncer.run(&request).await {
                tracing::warn!(date = %request.date, error = %e, "scheduled auction sync failed");
            }
            // Never fire twice within the same minute.
            tokio::time::sleep(std::time::Duration::from_secs(61)).await;
        }
    });
}

/// The first instant after `now` whose KST wall clock reads `at`.
pub fn next_run(now: DateTime<Utc>, at: NaiveTime) -> DateTime<Utc> {
    let today = from_kst_wall_clock(business_day(now).and_time(at));
    if today > now {
        today
    } else {
        today + TimeDelta::days(1)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_next_run_is_the_next_kst_wall_clock_match() {
        let at = NaiveTime::from_hms_opt(6, 30, 0).unwrap();
        // 2026-11-24 20:00 UTC = 11-25 05:00 KST → 11-25 06:30 KST = 11-24 21:30 UTC.
        let now = Utc.with_ymd_and_hms(2026, 11, 24, 20, 0, 0).unwrap();
        assert_eq!(
            next_run(now, at),
            Utc.with_ymd_and_hms(2026, 11, 24, 21, 30, 0).unwrap()
        );
        // Just past it → the next day.
        let now = Utc.with_ymd_and_hms(2026, 11, 24, 21, 30, 0).unwrap();
        assert_eq!(
            next_run(now, at),
            Utc.with_ymd_and_hms(2026, 11, 25, 21, 30, 0).unwrap()
        );
    }
}
