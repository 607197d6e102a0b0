//! An original MarketBill database for import tests and `make bench-import`:
//! the original's schema (tests/fixtures/original_schema.sql) filled by a
//! deterministic generator, with one planted case of each anomaly class the
//! import has a rule for.
//!
//! Rows are generated in SQL (generate_series) rather than row by row from
//! Rust, so the bench's 100,000 order lines take seconds to build.

use crate::import::{
    DUPLICATE_APPLICATION, DUPLICATE_CART_LINE, DUPLICATE_ORDER_NO, DUPLICATE_PHONE,
    NEGATIVE_PRICE, ORPHAN, SECOND_SHIPPING_FEE,
};
use tokio_postgres::NoTls;

pub const ORIGINAL_SCHEMA: &str = include_str!("../../tests/fixtures/original_schema.sql");

/// The password of every generated account (bcrypt-hashed in the fixture).
pub const PASSWORD: &str = "original-1234";

#[derive(Clone, Copy, Debug)]
pub struct Size {
    pub wholesalers: i64,
    pub retailers: i64,
    pub flowers: i64,
    pub sheets: i64,
    pub lines_per_sheet: i64,
}

impl Size {
    /// A few hundred rows: the import tests.
    pub const SMALL: Size = Size {
        wholesalers: 3,
        retailers: 12,
        flowers: 24,
        sheets: 40,
        lines_per_sheet: 5,
    };

    /// `lines` order lines (15 a sheet), the bench's market.
    pub fn bench(lines: i64) -> Size {
        Size {
            wholesalers: 30,
            retailers: 600,
            flowers: 2000,
            sheets: (lines + 14) / 15,
            lines_per_sheet: 15,
        }
    }
}

/// What the generator made, for the checks after an import.
#[derive(Debug, Clone)]
pub struct Planted {
    /// (table, rule, rows) the import's report must name.
    pub anomalies: Vec<(&'static str, &'static str, u64)>,
    /// A retailer with live orders: (user id, phone number).
    pub retailer: (i64, String),
    /// A wholesaler owner with live orders: (user id, phone number).
    pub wholesaler: (i64, String),
    /// The order lines generated (live and deleted, planted included).
    pub order_lines: i64,
}

pub type BuildError = Box<dyn std::error::Error + Send + Sync>;

/// Phone number of generated user `id` (sign-in key).
pub fn phone(id: i64) -> String {
    format!("0101{id:07}")
}

/// Creates the original schema in the (empty) database at `url` and fills it.
pub async fn build(url: &str, size: Size) -> Result<Planted, BuildError> {
    let (client, connection) = tokio_postgres::connect(url, NoTls).await?;
    tokio::spawn(connection);
    client.batch_execute(ORIGINAL_SCHEMA).await?;
    let Size {
        wholesalers: w,
        retailers: r,
        flowers: f,
        sheets: s,
        lines_per_sheet: l,
    } = size;
    // Ids: wholesaler owners 1..=w, their employees w+1..=2w, retailers after.
    let first_retailer = 2 * w + 1;
    let last_retailer = 2 * w + r;
    client
        .batch_execute(&format!(
            "
-- Times are KST wall clock, as Hibernate wrote them.
INSERT INTO users (id, belongs_to, name, business_no, created_at, updated_at)
SELECT i, CASE WHEN i <= {w2} THEN '양재' END,
       CASE WHEN i <= {w} THEN '도매' || i WHEN i <= {w2} THEN '도매' || (i - {w}) ELSE '꽃집' || i END,
       NULL, timestamp '2023-01-02 09:00' + i * interval '1 minute', timestamp '2023-01-02 09:00' + i * interval '1 minute'
FROM generate_series(1, {last_retailer}) i;
INSERT INTO user_credentials (user_id, role, phone_no, password, created_at, updated_at)
SELECT id, CASE WHEN id <= {w} THEN 'WHOLESALER_EMPR' WHEN id <= {w2} THEN 'WHOLESALER_EMPE' ELSE 'RETAILER' END,
       '0101' || lpad(id::text, 7, '0'), 'hash', created_at, created_at FROM users;
INSERT INTO auth_tokens (refresh_token, user_id, created_at, updated_at)
SELECT 'eyJ.original.' || id, id, created_at, created_at FROM users;
INSERT INTO wholesaler_connections (employer_id, employee_id, created_at, updated_at)
SELECT i, i + {w}, timestamp '2023-01-03 10:00', timestamp '2023-01-03 10:00' FROM generate_series(1, {w}) i;
INSERT INTO business_infos (user_id, company_name, company_phone_no, employer_name, address, business_no,
    business_main_category, business_sub_category, seal_stamp_img_url, bank_account, created_at, updated_at)
SELECT i, '양재도매' || i, '02-579-' || lpad(i::text, 4, '0'), '대표' || i, '서울 서초구 강남대로 27', '123-45-' || lpad(i::text, 5, '0'),
       '도소매', '화훼', 'https://cdn.example/stamps/' || i || '.png', '농협 301-0000-' || i || ' 대표' || i,
       timestamp '2023-01-03 11:00', timestamp '2023-01-03 11:00'
FROM generate_series(1, {w}) i;
-- Every retailer is a confirmed partner of wholesaler (retailer % w) + 1.
INSERT INTO biz_connections (retailer_id, wholesaler_id, apply_status, created_at, updated_at)
SELECT i, (i % {w}) + 1, 'CONFIRMED', timestamp '2023-01-04 09:00' + i * interval '1 second',
       timestamp '2023-01-04 09:00' + i * interval '1 second'
FROM generate_series({first_retailer}, {last_retailer}) i;

INSERT INTO flower_types (name, img_url, created_at, updated_at)
SELECT '품목' || i, NULL, timestamptz '2023-01-01 00:00+00', timestamptz '2023-01-01 00:00+00' FROM generate_series(1, 5) i;
INSERT INTO flower_colors (name, created_at, updated_at)
VALUES ('빨강', '2023-01-01', '2023-01-01'), ('노랑', '2023-01-01', '2023-01-01'), ('흰색', '2023-01-01', '2023-01-01');
INSERT INTO flowers (name, images, flower_type_id, flower_color_id, created_at, updated_at)
SELECT '품종' || i, ARRAY['https://cdn.example/flowers/' || i || '.jpg'], (i % 5) + 1,
       CASE WHEN i % 4 = 0 THEN NULL ELSE (i % 3) + 1 END,
       timestamptz '2023-01-01 00:00+00', timestamptz '2023-01-01 00:00+00'
FROM generate_series(1, {f}) i;
INSERT INTO bidding_flowers (flower_id, bidding_date, created_at, updated_at)
SELECT fl, d, d, d FROM generate_series(1, least({f}, 200)) fl,
       (VALUES (timestamp '2023-10-02 05:10'), (timestamp '2023-10-04 05:10')) v(d);

-- Order sheets over ten KST days; every 13th is soft-deleted.
INSERT INTO order_sheets (id, order_no, retailer_id, wholesaler_id, price_updated_at, memo, created_at, updated_at, deleted_at)
SELECT k, to_char(t, 'YYMMDD') || 'M' || lpad((k % 100000)::text, 5, '0'), rt, (rt % {w}) + 1,
       CASE WHEN k % 2 = 0 THEN t + interval '2 hours' END, CASE WHEN k % 5 = 0 THEN '오전 배송' END,
       t, t, CASE WHEN k % 13 = 0 THEN t + interval '1 hour' END
FROM generate_series(1, {s}) k,
     LATERAL (SELECT timestamp '2023-10-02 08:00' + (k % 10) * interval '1 day' + (k % 600) * interval '1 minute' AS t,
                     {first_retailer} + (k % {r}) AS rt) x;
SELECT setval(pg_get_serial_sequence('order_sheets', 'id'), {s});
INSERT INTO order_items (order_sheet_id, retailer_id, wholesaler_id, flower_id, quantity, grade, price, memo, created_at, updated_at, deleted_at)
SELECT o.id, o.retailer_id, o.wholesaler_id, ((o.id * 7 + j) % {f}) + 1, 1 + (o.id + j) % 9,
       (ARRAY['상', '중', '하'])[1 + (o.id + j) % 3],
       CASE WHEN (o.id + j) % 6 = 0 THEN NULL ELSE 1000 * (1 + (o.id * j) % 20) END,
       CASE WHEN j = 1 THEN '많이 주세요' END, o.created_at, o.updated_at,
       CASE WHEN o.deleted_at IS NOT NULL THEN o.deleted_at WHEN (o.id + j) % 17 = 0 THEN o.created_at + interval '30 minutes' END
FROM order_sheets o, generate_series(1, {l}) j;
INSERT INTO custom_order_items (order_sheet_id, retailer_id, wholesaler_id, flower_name, flower_type_name, quantity, grade, price, created_at, updated_at)
SELECT id, retailer_id, wholesaler_id, '배송비', NULL, 1, NULL, 5000, created_at + interval '1 hour', created_at + interval '1 hour'
FROM order_sheets WHERE id % 3 = 0;
INSERT INTO custom_order_items (order_sheet_id, retailer_id, wholesaler_id, flower_name, flower_type_name, quantity, grade, price, created_at, updated_at)
SELECT id, retailer_id, wholesaler_id, '포장지', '부자재', 2, '상', 1500, created_at + interval '1 hour', created_at + interval '1 hour'
FROM order_sheets WHERE id % 4 = 0;
INSERT INTO daily_order_items (wholesaler_id, flower_id, grade, price, created_at, updated_at)
SELECT DISTINCT ON (wholesaler_id, flower_id, grade, created_at::date)
       wholesaler_id, flower_id, grade, price, created_at, created_at
FROM order_items WHERE deleted_at IS NULL
ORDER BY wholesaler_id, flower_id, grade, created_at::date, id;
INSERT INTO order_sheet_receipts (order_sheet_id, file_name, file_path, file_format, metadata, created_at, updated_at)
SELECT id, 'receipt_' || order_no, 'https://cdn.example/receipts/' || order_no || '.pdf', '.pdf', '{{}}',
       created_at + interval '3 hours', created_at + interval '3 hours'
FROM order_sheets WHERE id % 4 = 1;

-- Each retailer has an open cart with two lines; an ordered line stays as history.
INSERT INTO shopping_sessions (id, retailer_id, wholesaler_id, memo, created_at, updated_at)
SELECT i, i, (i % {w}) + 1, NULL, timestamp '2023-10-12 07:00', timestamp '2023-10-12 07:00'
FROM generate_series({first_retailer}, {last_retailer}) i;
SELECT setval(pg_get_serial_sequence('shopping_sessions', 'id'), {last_retailer});
INSERT INTO cart_items (session_id, retailer_id, wholesaler_id, flower_id, quantity, grade, ordered_at, memo, created_at, updated_at)
SELECT s.id, s.retailer_id, s.wholesaler_id, ((s.id + j) % {f}) + 1, j + 1, (ARRAY['상', '중', '하'])[j],
       NULL, NULL, s.created_at + j * interval '1 minute', s.created_at + j * interval '1 minute'
FROM shopping_sessions s, generate_series(1, 2) j;
INSERT INTO carts (memo, retailer_id, wholesaler_id, created_at, updated_at)
VALUES ('legacy', {first_retailer}, 1, '2022-12-01', '2022-12-01');

INSERT INTO auction_results (flower_name, flower_type_name, flower_grade, box_count, flower_count, price, total_price,
    serial_code, shipper, wholesaler_id, auction_date, retail_price, is_sold_out, created_at, updated_at)
SELECT '품종' || i, '품목' || (i % 5 + 1), '특' || (i % 2 + 1), 1 + i % 3, 10 * (1 + i % 3), 3000 + i, (3000 + i) * 10,
       'S' || lpad(i::text, 6, '0'), CASE WHEN i % 2 = 0 THEN '출하' || i END, (i % {w}) + 1, 20231002 + (i % 3) * 2,
       CASE WHEN i % 3 = 0 THEN 5000 END, i % 7 = 0, timestamp '2023-10-02 12:00', timestamp '2023-10-02 12:00'
FROM generate_series(1, 40) i;

INSERT INTO public_bidding_flowers (created_at, updated_at, flower_type, flower_name, grade, quantity, max_price, min_price, avg_price, total_price, bid_date)
SELECT timestamptz '2023-10-02 14:00+09', timestamptz '2023-10-02 14:00+09', '품목' || (i % 5 + 1), '품종' || i, '특1',
       100 + i, 9000, 1000, 4000, 4000 * (100 + i), timestamptz '2023-10-02 00:00+00'
FROM generate_series(1, 30) i;
INSERT INTO flower_batch_upload_logs (created_at, updated_at, success, failure, total, err_logs)
VALUES (timestamptz '2023-10-02 14:00+09', timestamptz '2023-10-02 14:00+09', 30, 0, 30, ''),
       (timestamptz '2023-10-03 14:00+09', timestamptz '2023-10-03 14:00+09', -1, -1, -1, 'resultCd 4');
INSERT INTO flower_batch_process_logs (created_at, updated_at, new_flower_count, new_flower_type_count, affected_flower_count, status, err_logs)
VALUES (timestamptz '2023-10-02 14:01+09', timestamptz '2023-10-02 14:01+09', 30, 5, 30, 'SUCCESS', '');
INSERT INTO batch_cart_to_order_logs (cart_item_count, order_sheet_count, order_item_count, err_logs, created_at, updated_at)
VALUES (10, 2, 10, '', '2023-10-02 22:00', '2023-10-02 22:00'), (-1, -1, -1, 'NPE', '2023-10-03 22:00', '2023-10-03 22:00');
INSERT INTO send_sms_logs (created_at, updated_at, \"to\", message, status, err_logs)
SELECT timestamptz '2023-10-02 09:00+09' + i * interval '1 minute', timestamptz '2023-10-02 09:00+09' + i * interval '1 minute',
       '0101' || lpad(({first_retailer} + i % {r})::text, 7, '0'), '[마켓빌] 거래처 신청이 승인되었습니다.',
       CASE WHEN i % 10 = 0 THEN 'FAILURE' ELSE 'SUCCESS' END, CASE WHEN i % 10 = 0 THEN 'panic' ELSE '' END
FROM generate_series(1, 20) i;
",
            w2 = 2 * w,
        ))
        .await?;

    // One planted case per anomaly class, on rows the checks do not read.
    let (planted_retailer, dup_cart_retailer, dup_pair_retailer) =
        (last_retailer, last_retailer - 1, last_retailer - 2);
    client
        .batch_execute(&format!(
            "
-- An older account registered with the same (live) phone number.
INSERT INTO users (id, name, created_at, updated_at) VALUES (900001, '옛꽃집', '2022-06-01', '2022-06-01');
INSERT INTO user_credentials (user_id, role, phone_no, password, created_at, updated_at)
VALUES (900001, 'RETAILER', '0101' || lpad('{planted_retailer}', 7, '0'), 'hash', '2022-06-01', '2022-06-01');
-- The same open cart line twice.
INSERT INTO cart_items (session_id, retailer_id, wholesaler_id, flower_id, quantity, grade, created_at, updated_at)
SELECT session_id, retailer_id, wholesaler_id, flower_id, 9, grade, created_at - interval '1 hour', created_at - interval '1 hour'
FROM cart_items WHERE retailer_id = {dup_cart_retailer} ORDER BY id LIMIT 1;
-- An older application still APPLYING next to the confirmed one.
INSERT INTO biz_connections (retailer_id, wholesaler_id, apply_status, created_at, updated_at)
VALUES ({dup_pair_retailer}, ({dup_pair_retailer} % {w}) + 1, 'APPLYING', '2022-12-31', '2022-12-31');
-- A second 배송비 line on sheet 3.
INSERT INTO custom_order_items (order_sheet_id, retailer_id, wholesaler_id, flower_name, quantity, price, created_at, updated_at)
SELECT id, retailer_id, wholesaler_id, '배송비', 1, 7000, created_at + interval '2 hours', created_at + interval '2 hours'
FROM order_sheets WHERE id = 3;
-- Negative prices: one order line, one daily price.
UPDATE order_items SET price = -500 WHERE id = (SELECT min(id) FROM order_items WHERE order_sheet_id = 6 AND deleted_at IS NULL);
UPDATE daily_order_items SET price = -100 WHERE id = (SELECT max(id) FROM daily_order_items);
-- Orphans: auction results of an account that never existed (plain column).
INSERT INTO auction_results (flower_name, flower_type_name, flower_grade, box_count, flower_count, price, total_price,
    serial_code, wholesaler_id, auction_date, created_at, updated_at)
SELECT '유령', '품목1', '특1', 1, 10, 100, 1000, 'GHOST' || i, 424242, 20231002, '2023-10-02', '2023-10-02'
FROM generate_series(1, 2) i;
-- Two sheets with one order number (the original never enforced it).
UPDATE order_sheets SET order_no = (SELECT order_no FROM order_sheets WHERE id = 4) WHERE id = 5;
"
        ))
        .await?;
    // Cost 4, not the original's 10: the same format at a fraction of the time.
    let hash = bcrypt::hash(PASSWORD, 4)?;
    client
        .execute("UPDATE user_credentials SET password = $1", &[&hash])
        .await?;
    let order_lines: i64 = client
        .query_one("SELECT count(*) FROM order_items", &[])
        .await?
        .get(0);
    let retailer = first_retailer + 1;
    let wholesaler = (retailer % w) + 1;
    Ok(Planted {
        anomalies: vec![
            ("user_credentials", DUPLICATE_PHONE, 1),
            ("cart_items", DUPLICATE_CART_LINE, 1),
            ("biz_connections", DUPLICATE_APPLICATION, 1),
            ("custom_order_items", SECOND_SHIPPING_FEE, 1),
            ("order_items", NEGATIVE_PRICE, 1),
            ("daily_order_items", NEGATIVE_PRICE, 1),
            ("auction_results", ORPHAN, 2),
            ("order_sheets", DUPLICATE_ORDER_NO, 1),
        ],
        retailer: (retailer, phone(retailer)),
        wholesaler: (wholesaler, phone(wholesaler)),
        order_lines,
    })
}
