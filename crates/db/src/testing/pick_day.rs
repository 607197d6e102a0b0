//! A wholesaler's day seeded for the pick list and packing slips tests of
//! core and the receipt service: three florists, four live sheets of the
//! KST day (one at its first instant, one at its last minute), and what must
//! not count: a sheet of the day before, a deleted sheet, a deleted line,
//! another wholesaler's sheet, the shipping fee, a free-text line without a
//! quantity. The expected figures are summed by hand in [`PICK_LIST`] and
//! [`SLIPS`].

use super::TestDb;
use domain::Role;

/// The seeded day (KST).
pub const DAY: &str = "2026-03-02";

/// (flower type, flower, grade ("" for none), free text, stems, sheets,
/// florists), in walking order.
pub const PICK_LIST: &[(&str, &str, &str, bool, i64, i64, i64)] = &[
    ("국화", "테데오옐로우", "상", false, 20, 1, 1),
    ("국화", "테데오옐로우", "중", false, 6, 1, 1),
    ("기타", "안개꽃", "", true, 5, 1, 1),
    ("부자재", "리본", "상", true, 5, 2, 2),
    ("장미", "레드나오미", "상", false, 12, 1, 1),
    ("장미", "레드나오미", "하", false, 3, 1, 1),
    ("장미", "블론디", "상", false, 21, 3, 2),
    ("장미", "블론디", "중", false, 5, 1, 1),
];
pub const TOTAL_STEMS: i64 = 77;
pub const SHEETS: i64 = 4;
pub const FLORISTS: i64 = 3;

/// (florist, company name, order numbers, lines, total stems), by florist
/// name. 해바라기꽃집's 블론디 상 is two lines: one with a memo, one without.
pub const SLIPS: &[ExpectedSlip] = &[
    ("가든플라워", Some("(주)가든"), &["260302M90004"], 2, 15),
    ("나리꽃방", None, &["260302M90003"], 3, 15),
    (
        "해바라기꽃집",
        Some("해바라기꽃집"),
        &["260302M90001", "260302M90002"],
        6,
        47,
    ),
];

/// (florist, company name, order numbers, lines, total stems).
pub type ExpectedSlip = (
    &'static str,
    Option<&'static str>,
    &'static [&'static str],
    i64,
    i64,
);

/// What the seed made.
pub struct PickDay {
    /// 가든플라워, 나리꽃방, 해바라기꽃집.
    pub florists: [i64; 3],
}

impl TestDb {
    /// Seeds the day for `wholesaler`, with one sheet of `other_wholesaler`
    /// that must not count. Catalogue rows it needs are added if missing.
    ///
    /// # Panics
    /// When a statement fails.
    pub async fn pick_day(&self, wholesaler: i64, other_wholesaler: i64) -> PickDay {
        let garden = self
            .account("가든플라워", Role::Retailer, "01077770001")
            .await;
        let nari = self
            .account("나리꽃방", Role::Retailer, "01077770002")
            .await;
        let sunflower = self
            .account("해바라기꽃집", Role::Retailer, "01077770003")
            .await;
        for (user, company) in [(garden, "(주)가든"), (sunflower, "해바라기꽃집")] {
            self.sql(&format!(
                "INSERT INTO business_infos (user_id, company_name, company_phone_no, employer_name, \
                 address, business_no, business_main_category, business_sub_category, \
                 seal_stamp_img_url, bank_account) \
                 VALUES ({user}, '{company}', '', '', '', '111-22-33333', '', '', '', '')"
            ))
            .await;
        }
        for (kind, flower) in [
            ("장미", "블론디"),
            ("장미", "레드나오미"),
            ("국화", "테데오옐로우"),
        ] {
            self.sql(&format!(
                "INSERT INTO flower_types (name) SELECT '{kind}' \
                 WHERE NOT EXISTS (SELECT 1 FROM flower_types WHERE name = '{kind}')"
            ))
            .await;
            self.sql(&format!(
                "INSERT INTO flowers (name, flower_type_id) \
                 SELECT '{flower}', t.id FROM flower_types t WHERE t.name = '{kind}' \
                 AND NOT EXISTS (SELECT 1 FROM flowers f WHERE f.name = '{flower}' AND f.flower_type_id = t.id) \
                 ORDER BY t.id LIMIT 1"
            ))
            .await;
        }
        let w = wholesaler;
        // (order no, florist, wholesaler, KST time, deleted)
        let sheets = [
            ("260302M90001", sunflower, w, "2026-03-02 09:00", false),
            ("260302M90002", sunflower, w, "2026-03-02 15:00", false),
            ("260302M90003", nari, w, "2026-03-02 00:00", false),
            ("260302M90004", garden, w, "2026-03-02 23:59:59", false),
            ("260301M90005", sunflower, w, "2026-03-01 23:59:59", false),
            ("260302M90006", nari, w, "2026-03-02 10:00", true),
            (
                "260302M90007",
                garden,
                other_wholesaler,
                "2026-03-02 10:00",
                false,
            ),
        ];
        for (no, florist, seller, at, deleted) in sheets {
            let deleted_at = if deleted { "now()" } else { "NULL" };
            self.sql(&format!(
                "INSERT INTO order_sheets (order_no, retailer_id, wholesaler_id, created_at, deleted_at) \
                 VALUES ('{no}', {florist}, {seller}, '{at}+09', {deleted_at})"
            ))
            .await;
        }
        // (order no, type, flower, grade, quantity, memo, deleted)
        let lines = [
            (
                "260302M90001",
                "장미",
                "블론디",
                "상",
                10,
                Some("가시 제거"),
                false,
            ),
            ("260302M90001", "장미", "블론디", "중", 5, None, false),
            (
                "260302M90001",
                "국화",
                "테데오옐로우",
                "상",
                20,
                None,
                false,
            ),
            ("260302M90002", "장미", "블론디", "상", 7, None, false),
            ("260302M90002", "장미", "레드나오미", "하", 3, None, false),
            ("260302M90002", "국화", "테데오옐로우", "하", 50, None, true),
            ("260302M90003", "장미", "블론디", "상", 4, None, false),
            ("260302M90003", "국화", "테데오옐로우", "중", 6, None, false),
            ("260302M90004", "장미", "레드나오미", "상", 12, None, false),
            ("260301M90005", "장미", "블론디", "상", 100, None, false),
            ("260302M90006", "장미", "블론디", "상", 200, None, true),
            ("260302M90007", "장미", "블론디", "상", 300, None, false),
        ];
        for (no, kind, flower, grade, quantity, memo, deleted) in lines {
            let memo = memo.map_or_else(|| "NULL".to_owned(), |m| format!("'{m}'"));
            let deleted_at = if deleted { "now()" } else { "NULL" };
            self.sql(&format!(
                "INSERT INTO order_items (order_sheet_id, retailer_id, wholesaler_id, flower_id, quantity, grade, memo, deleted_at) \
                 SELECT s.id, s.retailer_id, s.wholesaler_id, \
                   (SELECT f.id FROM flowers f JOIN flower_types t ON t.id = f.flower_type_id \
                    WHERE f.name = '{flower}' AND t.name = '{kind}' ORDER BY f.id LIMIT 1), \
                   {quantity}, '{grade}', {memo}, {deleted_at} \
                 FROM order_sheets s WHERE s.order_no = '{no}'"
            ))
            .await;
        }
        // (order no, type, name, grade, quantity)
        let custom = [
            ("260302M90001", "'부자재'", "'리본'", "'상'", "2"),
            ("260302M90001", "NULL", "'배송비'", "NULL", "1"),
            ("260302M90003", "'기타'", "' 안개꽃 '", "NULL", "5"),
            ("260302M90003", "'기타'", "'포장지'", "NULL", "NULL"),
            ("260302M90004", "'부자재'", "'리본'", "'상'", "3"),
            ("260302M90004", "NULL", "'배송비'", "NULL", "NULL"),
        ];
        for (no, kind, name, grade, quantity) in custom {
            self.sql(&format!(
                "INSERT INTO custom_order_items (order_sheet_id, retailer_id, wholesaler_id, flower_name, flower_type_name, quantity, grade, price) \
                 SELECT s.id, s.retailer_id, s.wholesaler_id, {name}, {kind}, {quantity}, {grade}, 5000 \
                 FROM order_sheets s WHERE s.order_no = '{no}'"
            ))
            .await;
        }
        PickDay {
            florists: [garden, nari, sunflower],
        }
    }
}

/// The busy day: 2,000 sheets of 150 florists, each one free-text line of
/// 2 stems, 700 different names; more than any answer holds.
pub const BUSY_DAY: &str = "2026-03-05";
pub const BUSY_SHEETS: i64 = 2_000;
pub const BUSY_FLORISTS: i64 = 150;
pub const BUSY_LINES: i64 = 700;
pub const BUSY_STEMS: i64 = 4_000;

impl TestDb {
    /// Seeds [`BUSY_DAY`] for `wholesaler`.
    ///
    /// # Panics
    /// When a statement fails.
    pub async fn busy_day(&self, wholesaler: i64) {
        self.sql(&format!(
            "INSERT INTO users (name) SELECT '대량꽃집' || lpad(g::text, 3, '0') \
             FROM generate_series(1, {BUSY_FLORISTS}) g"
        ))
        .await;
        self.sql(&format!(
            "INSERT INTO order_sheets (order_no, retailer_id, wholesaler_id, created_at) \
             SELECT '260305M' || lpad(g::text, 5, '0'), u.id, {wholesaler}, '{BUSY_DAY} 12:00+09' \
             FROM generate_series(1, {BUSY_SHEETS}) g \
             JOIN users u ON u.name = '대량꽃집' || lpad((1 + g % {BUSY_FLORISTS})::text, 3, '0')"
        ))
        .await;
        self.sql(&format!(
            "INSERT INTO custom_order_items (order_sheet_id, retailer_id, wholesaler_id, flower_name, flower_type_name, quantity, grade) \
             SELECT s.id, s.retailer_id, s.wholesaler_id, \
                    '자유품목' || lpad((substr(s.order_no, 8)::int % {BUSY_LINES})::text, 3, '0'), '기타', 2, '상' \
             FROM order_sheets s WHERE s.order_no LIKE '260305M%' AND s.wholesaler_id = {wholesaler}"
        ))
        .await;
        // As autovacuum would after a day's orders: without statistics on
        // tables just filled, PostgreSQL plans the day's join as if the day
        // were empty (a nested loop rescanning 2,000 lines per sheet, 1 s
        // instead of 8 ms).
        self.sql("ANALYZE users, order_sheets, order_items, custom_order_items")
            .await;
    }
}
