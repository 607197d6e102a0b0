//! The market the benchmark runs against, generated in PostgreSQL with
//! `generate_series` (one transaction, a few seconds): 30 wholesalers, 600
//! retailers (each a confirmed customer of one wholesaler), 40 flower types,
//! 2,000 flowers with auction days, and 30 KST days of trade, 600 priced order
//! sheets × 15 lines a day, each with a shipping-fee line, every other sheet
//! with a statement. The last of those days is the one the day view reads.

use chrono::NaiveDate;
use diesel_async::SimpleAsyncConnection;

pub const WHOLESALERS: i64 = 30;
pub const RETAILERS: i64 = 600;
pub const FLOWERS: i64 = 2_000;
pub const DAYS: i64 = 30;
pub const SHEETS_PER_DAY: i64 = 600;
pub const LINES_PER_SHEET: i64 = 15;

/// Wholesaler ids are 1..=WHOLESALERS.
pub fn wholesaler_ids() -> impl Iterator<Item = i64> {
    1..=WHOLESALERS
}

pub async fn market(pool: &db::DbPool, day: NaiveDate) -> Result<(), String> {
    let mut conn = pool.get().await.map_err(|e| e.to_string())?;
    conn.batch_execute(&script(day))
        .await
        .map_err(|e| format!("seeding failed: {e}"))?;
    // A market that has been running has planner statistics; without them
    // autovacuum would gather them halfway through the measurement.
    conn.batch_execute("ANALYZE")
        .await
        .map_err(|e| format!("analyzing the seeded market failed: {e}"))
}

fn script(day: NaiveDate) -> String {
    // Every value below is generated from these integers and the date, so the
    // script is plain SQL text with no user input in it.
    format!(
        r#"
BEGIN;
INSERT INTO users (id, name, created_at, updated_at)
  SELECT g, format('도매상 %s', g), now(), now() FROM generate_series(1, {w}) g;
INSERT INTO users (id, name, created_at, updated_at)
  SELECT {w} + g, format('꽃집 %s', g), now(), now() FROM generate_series(1, {r}) g;
INSERT INTO user_credentials (user_id, role, phone_no, password, created_at, updated_at)
  SELECT id, CASE WHEN id <= {w} THEN 'WHOLESALER_EMPR' ELSE 'RETAILER' END,
         format('010%s', lpad(id::text, 8, '0')), 'seeded: no sign-in', now(), now()
  FROM users;
INSERT INTO business_infos (user_id, company_name, company_phone_no, employer_name, address, business_no,
                            business_main_category, business_sub_category, seal_stamp_img_url, bank_account,
                            created_at, updated_at)
  SELECT id, name || ' 상사', '02-3462-0000', format('대표%s', id), '서울 서초구 강남대로 27 고속터미널 꽃시장',
         '1248100998', '도소매', '화훼', 'https://img.example/stamp.png', '농협 301-0000-0000-00', now(), now()
  FROM users;
INSERT INTO biz_connections (retailer_id, wholesaler_id, apply_status, created_at, updated_at)
  SELECT {w} + g, 1 + (g - 1) % {w}, 'CONFIRMED', now(), now() FROM generate_series(1, {r}) g;
INSERT INTO flower_types (id, name, img_url, created_at, updated_at)
  SELECT g, format('품목%s', g), CASE WHEN g % 2 = 0 THEN format('https://img.example/t%s.jpg', g) END, now(), now()
  FROM generate_series(1, 40) g;
INSERT INTO flowers (id, name, images, flower_type_id, created_at, updated_at)
  SELECT g, format('품종%s', g), CASE WHEN g % 3 = 0 THEN ARRAY[format('https://img.example/f%s.jpg', g)] END,
         1 + g % 40, now(), now()
  FROM generate_series(1, {f}) g;
INSERT INTO bidding_flowers (flower_id, bidding_date, created_at, updated_at)
  SELECT f, ('{day}'::date - d)::timestamp AT TIME ZONE 'Asia/Seoul', now(), now()
  FROM generate_series(1, {f}) f, generate_series(0, {days} - 1) d WHERE (f + d) % 3 = 0;
INSERT INTO order_sheets (id, order_no, retailer_id, wholesaler_id, price_updated_at, memo, created_at, updated_at)
  SELECT d * {s} + n + 1,
         to_char('{day}'::date - d, 'YYMMDD') || 'M' || lpad((n + 1)::text, 5, '0'),
         {w} + 1 + n % {r}, 1 + n % {w}, t.at + interval '3 hours',
         CASE WHEN n % 5 = 0 THEN '오전 배송 부탁드려요' END, t.at, t.at
  FROM generate_series(0, {days} - 1) d, generate_series(0, {s} - 1) n,
       LATERAL (SELECT (('{day}'::date - d)::timestamp + interval '4 hours' + n * interval '40 seconds')
                       AT TIME ZONE 'Asia/Seoul' AS at) t;
INSERT INTO order_items (order_sheet_id, retailer_id, wholesaler_id, flower_id, quantity, grade, price,
                         created_at, updated_at)
  SELECT s.id, s.retailer_id, s.wholesaler_id, 1 + (s.id * 37 + k * 131) % {f}, 1 + (s.id + k) % 10,
         (ARRAY['상', '중', '하'])[1 + k % 3], 1000 * (1 + (s.id + k) % 20), s.created_at, s.created_at
  FROM order_sheets s, generate_series(0, {l} - 1) k;
INSERT INTO custom_order_items (order_sheet_id, retailer_id, wholesaler_id, flower_name, quantity, price,
                                created_at, updated_at)
  SELECT id, retailer_id, wholesaler_id, '배송비', 1, 5000, price_updated_at, price_updated_at FROM order_sheets;
INSERT INTO order_sheet_receipts (order_sheet_id, file_name, file_path, file_format, metadata, storage_key,
                                  created_at, updated_at)
  SELECT id, order_no || '.pdf', format('https://files.example/receipts/%s.pdf', id), '.pdf', '{{}}',
         format('receipts/%s/%s.pdf', id, id), price_updated_at, price_updated_at
  FROM order_sheets WHERE id % 2 = 0;
INSERT INTO daily_order_items (wholesaler_id, flower_id, grade, price, order_date, created_at, updated_at)
  SELECT DISTINCT ON (wholesaler_id, flower_id, grade, (created_at AT TIME ZONE 'Asia/Seoul')::date)
         wholesaler_id, flower_id, grade, price, (created_at AT TIME ZONE 'Asia/Seoul')::date, now(), now()
  FROM order_items
  ORDER BY wholesaler_id, flower_id, grade, (created_at AT TIME ZONE 'Asia/Seoul')::date;
SELECT setval(pg_get_serial_sequence('users', 'id'), (SELECT max(id) FROM users));
SELECT setval(pg_get_serial_sequence('flower_types', 'id'), (SELECT max(id) FROM flower_types));
SELECT setval(pg_get_serial_sequence('flowers', 'id'), (SELECT max(id) FROM flowers));
SELECT setval(pg_get_serial_sequence('order_sheets', 'id'), (SELECT max(id) FROM order_sheets));
COMMIT;
ANALYZE;
"#,
        w = WHOLESALERS,
        r = RETAILERS,
        f = FLOWERS,
        days = DAYS,
        s = SHEETS_PER_DAY,
        l = LINES_PER_SHEET,
    )
}
