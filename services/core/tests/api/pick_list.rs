//! `pickList` and `packingSlips` on a seeded day (`db::testing::pick_day`):
//! the figures against sums made by hand, the KST day's edges, what must not
//! count (another day, a deleted sheet or line, another wholesaler, the
//! shipping fee), and bad days.

use crate::support::{Market, data, error_code, market};
use db::testing::pick_day::{
    BUSY_DAY, BUSY_FLORISTS, BUSY_LINES, BUSY_SHEETS, BUSY_STEMS, DAY, FLORISTS, PICK_LIST, SHEETS,
    SLIPS, TOTAL_STEMS,
};
use serde_json::{Value, json};

const PICK: &str = "query($day: LocalDate!) { pickList(day: $day) { \
    day lineCount truncated totalStems sheetCount floristCount \
    lines { flowerTypeName flowerName grade flowerGrade isFreeText flowerId stems sheetCount floristCount } } }";

const SLIPS_QUERY: &str = "query($day: LocalDate!) { packingSlips(day: $day) { \
    day floristCount truncated \
    slips { floristId floristName companyName orderNos sheetCount lineCount truncated totalStems \
      lines { flowerTypeName flowerName grade isFreeText quantity memo } } } }";

async fn pick(m: &Market, token: &str, day: &str) -> Value {
    let body = m.core.gql(Some(token), PICK, json!({ "day": day })).await;
    data(&body)["pickList"].clone()
}

#[actix_web::test]
async fn the_pick_list_adds_up_the_days_live_lines_in_walking_order() {
    let m = market().await;
    m.core.db.pick_day(m.owner_id, m.other_wholesaler_id).await;

    let list = pick(&m, &m.owner, DAY).await;
    assert_eq!(list["day"], "2026-03-02T00:00:00");
    assert_eq!(list["totalStems"], TOTAL_STEMS);
    assert_eq!(list["sheetCount"], SHEETS);
    assert_eq!(list["floristCount"], FLORISTS);
    assert_eq!(list["lineCount"], PICK_LIST.len());
    assert_eq!(list["truncated"], false);
    let lines = list["lines"].as_array().expect("lines");
    let got: Vec<(String, String, String, bool, i64, i64, i64)> = lines
        .iter()
        .map(|l| {
            (
                l["flowerTypeName"].as_str().expect("type").to_owned(),
                l["flowerName"].as_str().expect("name").to_owned(),
                l["grade"].as_str().unwrap_or("").to_owned(),
                l["isFreeText"].as_bool().expect("flag"),
                l["stems"].as_i64().expect("stems"),
                l["sheetCount"].as_i64().expect("sheets"),
                l["floristCount"].as_i64().expect("florists"),
            )
        })
        .collect();
    let expected: Vec<(String, String, String, bool, i64, i64, i64)> = PICK_LIST
        .iter()
        .map(|(t, f, g, free, s, sh, fl)| {
            (
                (*t).to_owned(),
                (*f).to_owned(),
                (*g).to_owned(),
                *free,
                *s,
                *sh,
                *fl,
            )
        })
        .collect();
    assert_eq!(got, expected);
    // The hand sums agree with themselves, and the lines with the total.
    let sum: i64 = got.iter().map(|l| l.4).sum();
    assert_eq!(sum, TOTAL_STEMS);
    for line in lines {
        let free = line["isFreeText"].as_bool().expect("flag");
        assert_eq!(line["flowerId"].is_null(), free, "{line}");
        assert_eq!(line["flowerGrade"].is_null(), free, "{line}");
    }
    assert_eq!(lines[0]["flowerGrade"], "UPPER");

    // An employee reads its employer's day; another wholesaler its own, in
    // which only its one sheet counts.
    assert_eq!(pick(&m, &m.employee, DAY).await, list);
    let other = pick(&m, &m.other_wholesaler, DAY).await;
    assert_eq!(other["totalStems"], 300);
    assert_eq!(other["sheetCount"], 1);

    // The sheet at 23:59:59 KST the day before belongs to that day only.
    let before = pick(&m, &m.owner, "2026-03-01").await;
    assert_eq!(before["totalStems"], 100);
    assert_eq!(before["lines"].as_array().expect("lines").len(), 1);
    // A date-time picks its date, as the day view's filter does.
    assert_eq!(pick(&m, &m.owner, "2026-03-02T18:30:00").await, list);
    let empty = pick(&m, &m.owner, "2026-03-03").await;
    assert_eq!(empty["lines"], json!([]));
    assert_eq!(empty["totalStems"], 0);
}

#[actix_web::test]
async fn packing_slips_are_one_per_florist_with_its_order_numbers_and_lines() {
    let m = market().await;
    let seeded = m.core.db.pick_day(m.owner_id, m.other_wholesaler_id).await;
    let body = m
        .core
        .gql(Some(&m.employee), SLIPS_QUERY, json!({ "day": DAY }))
        .await;
    let answer = &data(&body)["packingSlips"];
    assert_eq!(answer["floristCount"], 3);
    assert_eq!(answer["truncated"], false);
    let slips = answer["slips"].as_array().expect("slips");
    assert_eq!(slips.len(), SLIPS.len());
    let mut all = 0;
    for (slip, (name, company, orders, lines, stems)) in slips.iter().zip(SLIPS) {
        assert_eq!(slip["floristName"], *name);
        assert_eq!(slip["companyName"].as_str(), *company, "{slip}");
        assert_eq!(slip["orderNos"], json!(orders));
        assert_eq!(slip["sheetCount"], orders.len());
        assert_eq!(slip["lineCount"], *lines);
        assert_eq!(slip["totalStems"], *stems);
        let listed: i64 = slip["lines"]
            .as_array()
            .expect("lines")
            .iter()
            .map(|l| l["quantity"].as_i64().expect("quantity"))
            .sum();
        assert_eq!(listed, *stems, "{slip}");
        all += stems;
    }
    assert_eq!(all, TOTAL_STEMS);
    assert_eq!(slips[0]["floristId"], seeded.florists[0]);
    // 해바라기꽃집's 블론디 상: the line with a memo and the one without stay
    // apart; its free-text 리본 is flagged, its shipping fee absent.
    let sunflower = slips[2]["lines"].as_array().expect("lines");
    let blondie: Vec<(i64, Value)> = sunflower
        .iter()
        .filter(|l| l["flowerName"] == "블론디" && l["grade"] == "상")
        .map(|l| (l["quantity"].as_i64().expect("q"), l["memo"].clone()))
        .collect();
    assert_eq!(blondie, vec![(10, json!("가시 제거")), (7, Value::Null)]);
    assert!(
        sunflower
            .iter()
            .any(|l| l["flowerName"] == "리본" && l["isFreeText"] == true)
    );
    assert!(!body.to_string().contains("배송비"), "{body}");
}

#[actix_web::test]
async fn a_bad_day_is_refused() {
    let m = market().await;
    for day in ["2026-02-30", "tomorrow", ""] {
        let body = m
            .core
            .gql(Some(&m.owner), PICK, json!({ "day": day }))
            .await;
        assert!(body.get("errors").is_some(), "{day}: {body}");
        assert!(body["data"].is_null(), "{day}: {body}");
    }
    for day in ["1999-12-31", "2101-01-01"] {
        let body = m
            .core
            .gql(Some(&m.owner), PICK, json!({ "day": day }))
            .await;
        assert_eq!(error_code(&body), "INVALID_DATA", "{day}: {body}");
        let body = m
            .core
            .gql(Some(&m.owner), SLIPS_QUERY, json!({ "day": day }))
            .await;
        assert_eq!(error_code(&body), "INVALID_DATA", "{day}: {body}");
    }
}

#[actix_web::test]
async fn a_day_of_two_thousand_sheets_is_capped_and_says_so() {
    let m = market().await;
    m.core.db.busy_day(m.owner_id).await;
    let started = std::time::Instant::now();
    let list = pick(&m, &m.owner, BUSY_DAY).await;
    let pick_took = started.elapsed();
    assert_eq!(list["lines"].as_array().expect("lines").len(), 500);
    assert_eq!(list["truncated"], true);
    assert_eq!(list["lineCount"], BUSY_LINES);
    // The totals are the whole day's, not the lines shown.
    assert_eq!(list["totalStems"], BUSY_STEMS);
    assert_eq!(list["sheetCount"], BUSY_SHEETS);
    assert_eq!(list["floristCount"], BUSY_FLORISTS);

    let started = std::time::Instant::now();
    let body = m
        .core
        .gql(Some(&m.owner), SLIPS_QUERY, json!({ "day": BUSY_DAY }))
        .await;
    let slips_took = started.elapsed();
    let answer = &data(&body)["packingSlips"];
    let slips = answer["slips"].as_array().expect("slips");
    assert_eq!(slips.len(), 100);
    assert_eq!(answer["truncated"], true);
    assert_eq!(answer["floristCount"], BUSY_FLORISTS);
    // 2,000 sheets over 150 florists: 13 or 14 each, at most 20 numbers shown.
    assert!(
        slips
            .iter()
            .all(|s| s["orderNos"].as_array().expect("nos").len()
                == s["sheetCount"].as_u64().expect("n") as usize)
    );
    assert_eq!(slips[0]["floristName"], "대량꽃집001");
    eprintln!("busy day (2,000 sheets): pickList {pick_took:?}, packingSlips {slips_took:?}");
}
