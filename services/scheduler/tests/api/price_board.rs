//! The auction price board follows the syncs: each run refreshes the day it
//! stored in its own transaction, and a re-sync that changes an earlier day's
//! prices rebuilds the later days that compare with it.

#![allow(clippy::unwrap_used)]

use crate::support::fake_at::{FakeAt, Reply, item, page_of};
use crate::support::start;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

const WEEK_BEFORE: &str = "2026-11-16";
const DAY: &str = "2026-11-23";

/// (avg price, week-before avg price, trend) of 장미/블론디 특1 on `day`.
async fn board_row(app: &crate::support::Scheduler, day: &str) -> (i64, Option<i64>, String) {
    let avg = app
        .db
        .count(&format!(
            "SELECT avg_price FROM auction_price_board WHERE sale_date = '{day}' \
             AND flower_name = '블론디' AND grade = '특1'"
        ))
        .await;
    let prev = app
        .db
        .count(&format!(
            "SELECT coalesce(prev_week_avg_price, -1) FROM auction_price_board \
             WHERE sale_date = '{day}' AND flower_name = '블론디' AND grade = '특1'"
        ))
        .await;
    let trend = app
        .db
        .count(&format!(
            "SELECT CASE trend WHEN 'NEW' THEN 0 WHEN 'NORMAL' THEN 1 WHEN 'RISING' THEN 2 ELSE 3 END \
             FROM auction_price_board WHERE sale_date = '{day}' AND flower_name = '블론디' AND grade = '특1'"
        ))
        .await;
    let trend = ["NEW", "NORMAL", "RISING", "FALLING"][usize::try_from(trend).unwrap()];
    (avg, (prev >= 0).then_some(prev), trend.to_owned())
}

#[actix_web::test]
async fn each_sync_refreshes_the_board_and_a_resync_changes_it() {
    // What aT answers per day; the test changes it between runs.
    let days: Arc<Mutex<HashMap<String, Vec<Value>>>> = Arc::default();
    let set = |day: &str, avg: u32| {
        days.lock().unwrap().insert(
            day.to_owned(),
            vec![
                item(day, "장미", "블론디", "특1", 10, avg),
                item(day, "국화", "백마", "상1", 5, 700),
            ],
        );
    };
    set(WEEK_BEFORE, 1000);
    set(DAY, 1200);
    let served = Arc::clone(&days);
    let fake = FakeAt::start(move |call| {
        let day = call.query.get("baseDate").cloned().unwrap_or_default();
        let items = served
            .lock()
            .unwrap()
            .get(&day)
            .cloned()
            .unwrap_or_default();
        Reply::Json(page_of(&items, call))
    })
    .await;
    let app = start(&fake.url, &[]).await;

    for day in [WEEK_BEFORE, DAY] {
        let (status, report) = app.sync(json!({ "date": day })).await;
        assert_eq!(status, 200, "{report}");
    }
    assert_eq!(
        app.db
            .count("SELECT count(*) FROM auction_price_board")
            .await,
        4
    );
    assert_eq!(
        board_row(&app, WEEK_BEFORE).await,
        (1000, None, "NEW".into())
    );
    assert_eq!(
        board_row(&app, DAY).await,
        (1200, Some(1000), "RISING".into())
    );

    // aT corrects the day: the re-sync's transaction rewrites its board.
    set(DAY, 900);
    let (status, _) = app.sync(json!({ "date": DAY })).await;
    assert_eq!(status, 200);
    assert_eq!(
        board_row(&app, DAY).await,
        (900, Some(1000), "FALLING".into())
    );

    // aT corrects the week before: the later day compares with the new price.
    set(WEEK_BEFORE, 900);
    let (status, _) = app.sync(json!({ "date": WEEK_BEFORE })).await;
    assert_eq!(status, 200);
    assert_eq!(
        board_row(&app, WEEK_BEFORE).await,
        (900, None, "NEW".into())
    );
    assert_eq!(
        board_row(&app, DAY).await,
        (900, Some(900), "NORMAL".into())
    );
}
