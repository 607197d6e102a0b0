//! The night market on top of the seeded one (`seed::market`): wholesaler 1
//! takes on its night shift (9 approved employees beside the owner) and every
//! one of the 600 florists, each of which has placed today a sheet of
//! [`LINES`] unpriced lines that closes in [`CUTOFF_IN_MINUTES`] minutes:
//! the last half hour before the cut-off, when florists still edit.
//!
//! Ids are fixed (far above the seeded market's), so the benchmark knows every
//! sheet and line without querying them back.

use diesel_async::SimpleAsyncConnection;

/// The wholesaler whose night this is.
pub const WHOLESALER: i64 = 1;
pub const EMPLOYEES: i64 = 9;
pub const FLORISTS: i64 = crate::seed::RETAILERS;
pub const LINES: i64 = 10;
pub const CUTOFF_IN_MINUTES: i64 = 30;

const EMPLOYEE_BASE: i64 = 100_000;
const SHEET_BASE: i64 = 1_000_000;
const LINE_BASE: i64 = 100_000_000;

/// The night shift's accounts: the owner, then its employees.
pub fn night_shift() -> impl Iterator<Item = (i64, domain::Role)> {
    std::iter::once((WHOLESALER, domain::Role::WholesalerEmpr))
        .chain((1..=EMPLOYEES).map(|e| (EMPLOYEE_BASE + e, domain::Role::WholesalerEmpe)))
}

/// Florist `n` (0-based): its account and its night sheet.
pub fn florist(n: i64) -> i64 {
    crate::seed::WHOLESALERS + 1 + n
}

pub fn sheet_of(n: i64) -> i64 {
    SHEET_BASE + n
}

/// Line `k` of florist `n`'s sheet.
pub fn line_of(n: i64, k: i64) -> i64 {
    LINE_BASE + n * LINES + k
}

pub async fn night(pool: &db::DbPool, day: chrono::NaiveDate) -> Result<(), String> {
    let mut conn = pool.get().await.map_err(|e| e.to_string())?;
    conn.batch_execute(&script(day))
        .await
        .map_err(|e| format!("seeding the night failed: {e}"))
}

fn script(day: chrono::NaiveDate) -> String {
    // Generated from these integers and the date only: no user input.
    format!(
        r#"
BEGIN;
INSERT INTO users (id, name, created_at, updated_at)
  SELECT {eb} + g, format('야간 직원 %s', g), now(), now() FROM generate_series(1, {e}) g;
INSERT INTO user_credentials (user_id, role, phone_no, password, created_at, updated_at)
  SELECT {eb} + g, 'WHOLESALER_EMPE', format('011%s', lpad(g::text, 8, '0')), 'seeded: no sign-in', now(), now()
  FROM generate_series(1, {e}) g;
INSERT INTO wholesaler_connections (employer_id, employee_id, status, created_at, updated_at)
  SELECT {w}, {eb} + g, 'APPROVED', now(), now() FROM generate_series(1, {e}) g;
INSERT INTO biz_connections (retailer_id, wholesaler_id, apply_status, created_at, updated_at)
  SELECT {ws} + g, {w}, 'CONFIRMED', now(), now() FROM generate_series(1, {f}) g
  WHERE NOT EXISTS (SELECT 1 FROM biz_connections b WHERE b.retailer_id = {ws} + g AND b.wholesaler_id = {w});
-- Placed now, so they are today's sheets in the day view; the cut-off is set
-- on the sheet, as if placed just before the wholesaler's evening cut-off.
INSERT INTO order_sheets (id, order_no, retailer_id, wholesaler_id, memo, created_at, updated_at, cutoff_at)
  SELECT {sb} + n, to_char('{day}'::date, 'YYMMDD') || 'N' || lpad((n + 1)::text, 5, '0'),
         {ws} + 1 + n, {w}, CASE WHEN n % 4 = 0 THEN '새벽 배송' END, now(), now(),
         now() + interval '{cutoff} minutes'
  FROM generate_series(0, {f} - 1) n;
INSERT INTO order_items (id, order_sheet_id, retailer_id, wholesaler_id, flower_id, quantity, grade,
                         created_at, updated_at)
  SELECT {lb} + n * {l} + k, {sb} + n, {ws} + 1 + n, {w}, 1 + (n * 53 + k * 197) % {flowers},
         1 + (n + k) % 10, (ARRAY['상', '중', '하'])[1 + k % 3], now(), now()
  FROM generate_series(0, {f} - 1) n, generate_series(0, {l} - 1) k;
SELECT setval(pg_get_serial_sequence('users', 'id'), (SELECT max(id) FROM users));
SELECT setval(pg_get_serial_sequence('order_sheets', 'id'), (SELECT max(id) FROM order_sheets));
SELECT setval(pg_get_serial_sequence('order_items', 'id'), (SELECT max(id) FROM order_items));
COMMIT;
ANALYZE;
"#,
        w = WHOLESALER,
        e = EMPLOYEES,
        eb = EMPLOYEE_BASE,
        ws = crate::seed::WHOLESALERS,
        f = FLORISTS,
        sb = SHEET_BASE,
        lb = LINE_BASE,
        l = LINES,
        flowers = crate::seed::FLOWERS,
        cutoff = CUTOFF_IN_MINUTES,
    )
}
