//! `migrate import-original` (db::import) against a generated original
//! database: what lands where, what the report says, and what is refused.

use db::import::{ImportError, Options, Report, import_original};
use db::testing::TestDb;
use db::testing::original::{self, Planted, Size};
use tokio_postgres::{Client, NoTls};

async fn client(url: &str) -> Client {
    let (client, connection) = tokio_postgres::connect(url, NoTls).await.expect("connect");
    tokio::spawn(connection);
    client
}

async fn count(client: &Client, sql: &str) -> i64 {
    client.query_one(sql, &[]).await.expect(sql).get(0)
}

async fn text(client: &Client, sql: &str) -> String {
    client.query_one(sql, &[]).await.expect(sql).get(0)
}

fn options(source: &TestDb, target: &TestDb, dry_run: bool) -> Options {
    Options {
        source_url: source.url().to_owned(),
        target_url: target.url().to_owned(),
        dry_run,
        show_progress: false,
    }
}

async fn original_market() -> (TestDb, Planted) {
    let source = TestDb::empty().await;
    let planted = original::build(source.url(), Size::SMALL)
        .await
        .expect("original fixture");
    (source, planted)
}

/// Every table our schema holds after an import, with the rows it must have.
const TABLE_COUNTS: &[&str] = &[
    "users",
    "user_credentials",
    "business_infos",
    "biz_connections",
    "wholesaler_connections",
    "flower_types",
    "flower_colors",
    "flowers",
    "bidding_flowers",
    "shopping_sessions",
    "cart_items",
    "order_sheets",
    "order_items",
    "custom_order_items",
    "daily_order_items",
    "order_sheet_receipts",
    "batch_cart_to_order_logs",
    "auction_results",
    "public_bidding_flowers",
    "flower_batch_upload_logs",
    "flower_batch_process_logs",
    "send_sms_logs",
];

#[tokio::test]
async fn imports_every_table_with_its_rows_ids_and_instants() {
    let (source, planted) = original_market().await;
    let target = TestDb::new().await;
    let report = import_original(&options(&source, &target, false))
        .await
        .expect("import");
    let (src, dst) = (client(source.url()).await, client(target.url()).await);

    // Counts: everything read is imported except the two orphan auction rows.
    for table in TABLE_COUNTS {
        let read = count(&src, &format!("SELECT count(*) FROM {table}")).await;
        let written = count(&dst, &format!("SELECT count(*) FROM {table}")).await;
        let skipped = if *table == "auction_results" { 2 } else { 0 };
        assert_eq!(written, read - skipped, "{table}");
        assert_eq!(report.imported(table), written as u64, "report of {table}");
    }
    assert!(planted.order_lines > 150, "a few hundred rows: {planted:?}");
    assert_eq!(count(&dst, "SELECT count(*) FROM auth_tokens").await, 0);

    // Ids, order numbers, grades and hashes are the original's.
    for sql in [
        "SELECT string_agg(id || ':' || order_no, ',' ORDER BY id) FROM order_sheets WHERE id <> 5",
        // Less the line planted with a negative price (its rule has its own test).
        "SELECT string_agg(id || grade || quantity || coalesce(price::text, '-'), ',' ORDER BY id)
         FROM order_items WHERE id <> (SELECT min(id) FROM order_items WHERE order_sheet_id = 6 AND deleted_at IS NULL)",
        "SELECT string_agg(user_id || password, ',' ORDER BY id) FROM user_credentials",
        "SELECT string_agg(id::text, ',' ORDER BY id) FROM order_items WHERE deleted_at IS NOT NULL",
    ] {
        assert_eq!(text(&src, sql).await, text(&dst, sql).await, "{sql}");
    }
    // Hibernate's KST wall clock becomes the same wall clock in Asia/Seoul;
    // GORM's instants stay the same instants.
    assert_eq!(
        text(&src, "SELECT string_agg(created_at::text, ',' ORDER BY id) FROM order_sheets").await,
        text(&dst, "SELECT string_agg((created_at AT TIME ZONE 'Asia/Seoul')::text, ',' ORDER BY id) FROM order_sheets").await,
    );
    let instants = "SELECT string_agg(extract(epoch FROM created_at)::text, ',' ORDER BY id) FROM send_sms_logs";
    assert_eq!(text(&src, instants).await, text(&dst, instants).await);
    // The daily price list's KST day is its original DATE(created_at).
    let days =
        "SELECT string_agg(id || '@' || created_at::date, ',' ORDER BY id) FROM daily_order_items";
    assert_eq!(
        text(&src, days).await,
        text(
            &dst,
            "SELECT string_agg(id || '@' || order_date, ',' ORDER BY id) FROM daily_order_items"
        )
        .await
    );
    // Receipts keep linking to the original's storage.
    let links = "SELECT string_agg(file_path, ',' ORDER BY id) FROM order_sheet_receipts";
    assert_eq!(text(&src, links).await, text(&dst, links).await);

    // Sequences continue after the highest imported id.
    let next: i64 = dst
        .query_one(
            "INSERT INTO users (name) VALUES ('새 꽃집') RETURNING id",
            &[],
        )
        .await
        .expect("insert")
        .get(0);
    assert_eq!(next, 900_002);
    let next_sheet = count(
        &dst,
        "SELECT nextval(pg_get_serial_sequence('order_sheets', 'id'))",
    )
    .await;
    assert_eq!(next_sheet, Size::SMALL.sheets + 1);
}

#[tokio::test]
async fn the_report_names_every_planted_anomaly_and_applies_its_rule() {
    let (source, planted) = original_market().await;
    let target = TestDb::new().await;
    let report = import_original(&options(&source, &target, false))
        .await
        .expect("import");
    assert_planted(&report, &planted);
    let printed = report.to_string();
    for (table, rule, _) in &planted.anomalies {
        assert!(
            printed
                .lines()
                .any(|l| l.contains(table) && l.contains(rule)),
            "{table} / {rule} missing from:\n{printed}"
        );
    }
    assert!(printed.contains("auth_tokens"), "{printed}");
    assert!(printed.contains("users.business_no"), "{printed}");
    // The report counts; it never prints a phone number.
    assert!(!printed.contains("0101"), "{printed}");

    let dst = client(target.url()).await;
    // Duplicate phone: only the newest account's credential stays live.
    let live = format!(
        "SELECT count(*) FROM user_credentials WHERE phone_no = '{}' AND deleted_at IS NULL",
        original::phone(Size::SMALL.wholesalers * 2 + Size::SMALL.retailers)
    );
    assert_eq!(count(&dst, &live).await, 1);
    assert_eq!(
        count(&dst, "SELECT count(*) FROM user_credentials WHERE user_id = 900001 AND deleted_at IS NOT NULL").await,
        1
    );
    // One live 배송비 line on sheet 3: the newer one (7,000).
    assert_eq!(
        count(&dst, "SELECT price::bigint FROM custom_order_items WHERE order_sheet_id = 3 AND flower_name = '배송비' AND deleted_at IS NULL").await,
        7000
    );
    // Negative price reads as not priced; the renumbered sheet keeps its number as a prefix.
    assert_eq!(
        count(&dst, "SELECT count(*) FROM order_items WHERE price < 0").await,
        0
    );
    assert_eq!(
        text(&dst, "SELECT order_no FROM order_sheets WHERE id = 5").await,
        format!(
            "{}-5",
            text(&dst, "SELECT order_no FROM order_sheets WHERE id = 4").await
        )
    );
    assert_eq!(
        count(
            &dst,
            "SELECT count(*) FROM auction_results WHERE wholesaler_id = 424242"
        )
        .await,
        0
    );
}

fn assert_planted(report: &Report, planted: &Planted) {
    for (table, rule, rows) in &planted.anomalies {
        assert_eq!(
            report.rows(table, rule),
            *rows,
            "{table} / {rule}:\n{report}"
        );
    }
}

#[tokio::test]
async fn a_dry_run_prints_the_same_report_and_writes_nothing() {
    let (source, planted) = original_market().await;
    let target = TestDb::new().await;
    let report = import_original(&options(&source, &target, true))
        .await
        .expect("dry run");
    assert!(report.dry_run);
    assert_planted(&report, &planted);
    assert!(report.imported("order_items") > 0);
    assert!(report.to_string().contains("dry run"));
    let dst = client(target.url()).await;
    for table in TABLE_COUNTS {
        assert_eq!(
            count(&dst, &format!("SELECT count(*) FROM {table}")).await,
            0,
            "{table}"
        );
    }
    // Nothing was written, so a real run may follow.
    let real = import_original(&options(&source, &target, false))
        .await
        .expect("import after the dry run");
    assert_eq!(real.total_imported(), report.total_imported());
}

#[tokio::test]
async fn an_import_into_a_database_with_data_is_refused() {
    let (source, _) = original_market().await;
    let target = TestDb::new().await;
    import_original(&options(&source, &target, false))
        .await
        .expect("first import");
    let err = import_original(&options(&source, &target, false))
        .await
        .expect_err("second import");
    assert!(matches!(err, ImportError::TargetNotEmpty(_)), "{err}");
    let message = err.to_string();
    assert!(
        message.contains("users: ") && message.contains("not empty"),
        "{message}"
    );
}

#[tokio::test]
async fn a_failure_half_way_leaves_the_target_unchanged() {
    let (source, _) = original_market().await;
    // A value no rule covers and our schema refuses (file_format is
    // varchar(10)): the import fails after users, catalogue and orders are in.
    client(source.url())
        .await
        .batch_execute(
            "UPDATE order_sheet_receipts SET file_format = 'application/pdf' WHERE id = 1",
        )
        .await
        .expect("plant");
    let target = TestDb::new().await;
    let err = import_original(&options(&source, &target, false))
        .await
        .expect_err("import must fail");
    let message = err.to_string();
    assert!(message.contains("order_sheet_receipts"), "{message}");
    let dst = client(target.url()).await;
    for table in TABLE_COUNTS {
        assert_eq!(
            count(&dst, &format!("SELECT count(*) FROM {table}")).await,
            0,
            "{table}"
        );
    }
    // The sequences did not move either (setval is transactional).
    assert_eq!(
        count(
            &dst,
            "SELECT nextval(pg_get_serial_sequence('users', 'id'))"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn bad_sources_get_a_clear_error() {
    let target = TestDb::new().await;
    let with_source = |url: &str| Options {
        source_url: url.to_owned(),
        target_url: target.url().to_owned(),
        dry_run: false,
        show_progress: false,
    };
    let err = import_original(&with_source("not a url://"))
        .await
        .expect_err("bad url");
    assert!(matches!(err, ImportError::BadUrl { .. }), "{err}");

    let err = import_original(&with_source(
        "postgres://someone:secret@127.0.0.1:9/original",
    ))
    .await
    .expect_err("unreachable");
    assert!(matches!(err, ImportError::Unreachable { .. }), "{err}");
    assert!(!err.to_string().contains("secret"), "password shown: {err}");

    let empty = TestDb::empty().await;
    let err = import_original(&with_source(empty.url()))
        .await
        .expect_err("empty");
    assert!(
        matches!(&err, ImportError::NotOriginal(m) if m.contains("table users")),
        "{err}"
    );

    let rebuilt = TestDb::new().await;
    let err = import_original(&with_source(rebuilt.url()))
        .await
        .expect_err("rebuilt");
    assert!(
        matches!(&err, ImportError::NotOriginal(m) if m.contains("rebuilt")),
        "{err}"
    );
}
