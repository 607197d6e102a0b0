//! The auction price board against hand-computed figures: a small history of
//! one variety stored through the scheduler's own ingest, the board refreshed
//! as a sync refreshes it, and every statistic checked by value (the sums of
//! a key sent in two categories, the week before, the 8-week P25–P75 band,
//! the trend), then a re-sync that changes prices and changes the board.

#![allow(clippy::unwrap_used)]

use chrono::{Days, NaiveDate};
use db::price_board::{BoardFilter, BoardRow, day_page, history, refresh};
use db::scheduler::catalogue::{FeedRow, ingest};
use db::testing::TestDb;
use diesel_async::AsyncPgConnection;

/// Monday 2026-11-30: the day the board is checked on.
fn d() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
}

fn weeks_before(weeks: u64) -> NaiveDate {
    d().checked_sub_days(Days::new(7 * weeks)).unwrap()
}

/// A 장미/블론디 row; min, max and total follow from the average and volume.
fn row(day: NaiveDate, grade: &str, quantity: i64, avg: i64) -> FeedRow {
    FeedRow {
        sale_date: day,
        flower_type: "장미".into(),
        flower_name: "블론디".into(),
        grade: grade.into(),
        quantity,
        max_price: avg + avg / 4,
        min_price: avg / 2,
        avg_price: avg,
        total_price: avg * quantity,
    }
}

/// Stores one day's rows of a category and refreshes the board as a sync
/// does (the day, and when it changed, the 8 weeks after it).
async fn sync(conn: &mut AsyncPgConnection, gubn: i16, rows: &[FeedRow]) {
    let counts = ingest(conn, gubn, rows).await.unwrap();
    let day = rows[0].sale_date;
    let through = if counts.raw_inserted + counts.raw_updated > 0 {
        day.checked_add_days(Days::new(db::price_board::HISTORY_WINDOW_DAYS))
            .unwrap()
    } else {
        day
    };
    refresh(conn, day, through).await.unwrap();
}

/// The history, oldest first (as the scheduler would fetch it, a day at a
/// time): 특1 weekly over the 8 weeks before D (800 … 1300) and one week
/// further back (5000, outside D's window); 특2 at D-7 (1000) and D-14 with no
/// trade (0, not history); 상1 at D-14 (2000) and D-7 (1000).
async fn seed_history(conn: &mut AsyncPgConnection) {
    let t1 = [
        (9, 5000),
        (8, 1300),
        (7, 1000),
        (6, 900),
        (5, 1100),
        (4, 1000),
        (3, 800),
        (2, 1200),
        (1, 1000),
    ];
    for (weeks, avg) in t1 {
        let day = weeks_before(weeks);
        let mut rows = vec![row(day, "특1", 10, avg)];
        match weeks {
            2 => {
                rows.push(row(day, "특2", 0, 0));
                rows.push(row(day, "상1", 10, 2000));
            }
            1 => {
                rows.push(row(day, "특2", 10, 1000));
                rows.push(row(day, "상1", 10, 1000));
            }
            _ => {}
        }
        sync(conn, 1, &rows).await;
    }
}

/// Day D: 특1 in two categories (30 속 at 1200 and 10 속 at 1600), 특2 at the
/// edge of its one-point band, 상1 below its band, 보1 and an unknown grade new.
async fn seed_day(conn: &mut AsyncPgConnection, t1_avg: i64) {
    sync(
        conn,
        1,
        &[
            row(d(), "특1", 30, t1_avg),
            row(d(), "특2", 5, 1000),
            row(d(), "상1", 5, 1100),
            row(d(), "보1", 5, 700),
            row(d(), "무등급", 5, 500),
        ],
    )
    .await;
    sync(conn, 2, &[row(d(), "특1", 10, 1600)]).await;
}

async fn board(conn: &mut AsyncPgConnection, filter: &BoardFilter) -> (i64, Vec<BoardRow>) {
    day_page(conn, d(), filter, false, 0, 50).await.unwrap()
}

fn by_grade<'a>(rows: &'a [BoardRow], grade: &str) -> &'a BoardRow {
    rows.iter().find(|r| r.grade == grade).unwrap()
}

#[tokio::test]
async fn board_statistics_match_hand_computed_values_and_follow_a_resync() {
    let db = TestDb::new().await;
    let mut conn = db.pool().get().await.unwrap();
    seed_history(&mut conn).await;
    seed_day(&mut conn, 1200).await;

    let (total, rows) = board(&mut conn, &BoardFilter::default()).await;
    assert_eq!(total, 5);
    // Mapped grades by rank (특1, 특2, 상1, 보1), the unmapped one last.
    let grades: Vec<&str> = rows.iter().map(|r| r.grade.as_str()).collect();
    assert_eq!(grades, ["특1", "특2", "상1", "보1", "무등급"]);
    let order: Vec<Option<&str>> = rows.iter().map(|r| r.order_grade.as_deref()).collect();
    assert_eq!(
        order,
        [Some("상"), Some("상"), Some("중"), Some("하"), None]
    );

    // 특1: the two categories summed; average weighted by volume:
    // (30 × 1200 + 10 × 1600) / 40 = 1300. History (D-56 … D-7): 800, 900,
    // 1000, 1000, 1000, 1100, 1200, 1300 → P25 = 900 + 0.75 × 100 = 975,
    // P75 = 1100 + 0.25 × 100 = 1125; 1300 > 1125 → RISING.
    let t1 = by_grade(&rows, "특1");
    assert_eq!(t1.quantity, 40);
    assert_eq!(t1.min_price, 600); // min(1200/2, 1600/2)
    assert_eq!(t1.max_price, 2000); // max(1500, 2000)
    assert_eq!(t1.total_price, 30 * 1200 + 10 * 1600);
    assert_eq!(t1.avg_price, 1300);
    assert_eq!(t1.prev_week_avg_price, Some(1000));
    assert_eq!((t1.band_low, t1.band_high), (Some(975), Some(1125)));
    assert_eq!(t1.history_days, 8, "D-63 is outside the 8 weeks");
    assert_eq!(t1.trend, "RISING");

    // 특2: one day of history (the no-trade day is not history): band
    // [1000, 1000], and 1000 is inside it, bounds included.
    let t2 = by_grade(&rows, "특2");
    assert_eq!(
        (t2.band_low, t2.band_high, t2.history_days),
        (Some(1000), Some(1000), 1)
    );
    assert_eq!(t2.trend, "NORMAL");

    // 상1: up 100 on the week, yet below its band (1000, 2000 → [1250, 1750]).
    let s1 = by_grade(&rows, "상1");
    assert_eq!(s1.prev_week_avg_price, Some(1000));
    assert_eq!((s1.band_low, s1.band_high), (Some(1250), Some(1750)));
    assert_eq!(s1.trend, "FALLING");

    for new in ["보1", "무등급"] {
        let r = by_grade(&rows, new);
        assert_eq!(r.trend, "NEW", "{new}");
        assert_eq!(
            (r.prev_week_avg_price, r.band_low, r.band_high),
            (None, None, None)
        );
        assert_eq!(r.history_days, 0);
    }

    // Filters: by order grade (through the map), by aT grade, by keyword.
    let (n, only) = board(
        &mut conn,
        &BoardFilter {
            order_grade: Some("상".into()),
            ..BoardFilter::default()
        },
    )
    .await;
    assert_eq!((n, only.len()), (2, 2));
    let (n, _) = board(
        &mut conn,
        &BoardFilter {
            auction_grade: Some("보1".into()),
            keyword: Some("론".into()),
            flower_type: Some("장미".into()),
            ..BoardFilter::default()
        },
    )
    .await;
    assert_eq!(n, 1);
    let (n, _) = board(
        &mut conn,
        &BoardFilter {
            keyword: Some("%".into()),
            ..BoardFilter::default()
        },
    )
    .await;
    assert_eq!(n, 0, "a keyword is matched literally");

    // A re-sync of D at a lower price: (30 × 900 + 10 × 1600) / 40 = 1075,
    // inside [975, 1125] → NORMAL.
    seed_day(&mut conn, 900).await;
    let (_, rows) = board(&mut conn, &BoardFilter::default()).await;
    let t1 = by_grade(&rows, "특1");
    assert_eq!((t1.avg_price, t1.min_price), (1075, 450));
    assert_eq!(t1.trend, "NORMAL");

    // A re-sync of D-7 at 1400 rebuilds D too: the week before is 1400, the
    // history 800 … 1300, 1400 → P75 = 1200 + 0.25 × 100 = 1225.
    sync(
        &mut conn,
        1,
        &[
            row(weeks_before(1), "특1", 10, 1400),
            row(weeks_before(1), "특2", 10, 1000),
            row(weeks_before(1), "상1", 10, 1000),
        ],
    )
    .await;
    let (_, rows) = board(&mut conn, &BoardFilter::default()).await;
    let t1 = by_grade(&rows, "특1");
    assert_eq!(t1.prev_week_avg_price, Some(1400));
    assert_eq!((t1.band_low, t1.band_high), (Some(975), Some(1225)));
    assert_eq!(t1.trend, "NORMAL");

    // The variety's history: oldest first, one grade, bounded by the range.
    let days = history(
        &mut conn,
        "장미",
        "블론디",
        Some("특1"),
        (weeks_before(2), d()),
        500,
    )
    .await
    .unwrap();
    let avgs: Vec<(NaiveDate, i64)> = days.iter().map(|r| (r.sale_date, r.avg_price)).collect();
    assert_eq!(
        avgs,
        [
            (weeks_before(2), 1200),
            (weeks_before(1), 1400),
            (d(), 1075)
        ]
    );
    // A row cap keeps the latest rows.
    let capped = history(&mut conn, "장미", "블론디", None, (weeks_before(9), d()), 2)
        .await
        .unwrap();
    let kept: Vec<(NaiveDate, &str)> = capped
        .iter()
        .map(|r| (r.sale_date, r.grade.as_str()))
        .collect();
    assert_eq!(kept, [(d(), "보1"), (d(), "무등급")]);
}

#[tokio::test]
async fn the_migration_backfills_rows_stored_before_it() {
    let db = TestDb::new().await;
    // What the migration's backfill runs, over rows written without a refresh.
    db.sql(
        "INSERT INTO public_bidding_flowers (flower_type, flower_name, grade, quantity, \
           max_price, min_price, avg_price, total_price, sale_date, flower_gubn) VALUES \
         ('국화', '백마', '상1', 10, 1500, 500, 1000, 10000, '2026-11-16', 1), \
         ('국화', '백마', '상1', 10, 1800, 600, 1500, 15000, '2026-11-23', 1)",
    )
    .await;
    db.sql("SELECT refresh_auction_price_board(min(sale_date), max(sale_date)) FROM public_bidding_flowers")
        .await;
    assert_eq!(
        db.count(
            "SELECT prev_week_avg_price FROM auction_price_board WHERE sale_date = '2026-11-23'"
        )
        .await,
        1000
    );
    assert_eq!(
        db.count("SELECT count(*) FROM auction_price_board").await,
        2
    );
}
