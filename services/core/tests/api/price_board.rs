//! The auction price board over GraphQL: `auctionPriceBoard` (filters,
//! pagination, grade mapping, the week's change, bounds), `auctionPriceHistory`
//! and `Flower.latestAuction`, on rows stored and refreshed as a scheduler
//! sync stores them. Who may read it is in `access_matrix.rs`.

use crate::support::{Core, data, error_code, market, start};
use chrono::{Days, NaiveDate};
use serde_json::{Value, json};

/// Yesterday in KST: the last sale day (the board's default is the most
/// recent day up to today).
fn last_day() -> NaiveDate {
    domain::business_day(chrono::Utc::now())
        .checked_sub_days(Days::new(1))
        .expect("a date")
}

fn week_before() -> NaiveDate {
    last_day().checked_sub_days(Days::new(7)).expect("a date")
}

/// Five rows on the last day, and the week before for 레드나오미 특1.
async fn seed(c: &Core) {
    let (d, w) = (last_day(), week_before());
    c.auction_rows(&[
        ("장미", "레드나오미", "특1", w, 1000),
        ("장미", "레드나오미", "특1", d, 1300),
        ("장미", "레드나오미", "상1", d, 800),
        ("장미", "비탈", "특2", d, 900),
        ("국화", "백마", "보1", d, 500),
        ("국화", "백마", "무등급", d, 400),
    ])
    .await;
}

const BOARD: &str = "query($f: AuctionPriceBoardFilterInput, $p: PaginationInput) { \
    auctionPriceBoard(filter: $f, pagination: $p) { resultCount saleDate items { \
      saleDate flowerTypeName flowerName auctionGrade orderGrade quantity minPrice avgPrice \
      maxPrice totalPrice prevWeekAvgPrice weekChange weekChangeRate bandLow bandHigh \
      historyDays trend } } }";

async fn board(c: &Core, filter: Value, pagination: Value) -> Value {
    c.gql(None, BOARD, json!({ "f": filter, "p": pagination }))
        .await
}

/// (variety, aT grade) of each item.
fn keys(body: &Value) -> Vec<String> {
    data(body)["auctionPriceBoard"]["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| {
            format!(
                "{}/{}",
                i["flowerName"].as_str().unwrap_or(""),
                i["auctionGrade"].as_str().unwrap_or("")
            )
        })
        .collect()
}

fn count(body: &Value) -> i64 {
    data(body)["auctionPriceBoard"]["resultCount"]
        .as_i64()
        .expect("resultCount")
}

#[actix_web::test]
async fn the_board_filters_pages_and_maps_grades() {
    let c = start().await;
    seed(&c).await;

    // No date: the most recent sale day, in name order (국화 before 장미),
    // grades best first and the unmapped one last.
    let all = board(&c, Value::Null, Value::Null).await;
    assert_eq!(count(&all), 5);
    assert_eq!(
        data(&all)["auctionPriceBoard"]["saleDate"],
        format!("{}T00:00:00", last_day())
    );
    assert_eq!(
        keys(&all),
        [
            "백마/보1",
            "백마/무등급",
            "레드나오미/특1",
            "레드나오미/상1",
            "비탈/특2"
        ]
    );
    let items = &data(&all)["auctionPriceBoard"]["items"];
    assert_eq!(items[0]["orderGrade"], "LOWER");
    assert_eq!(items[1]["orderGrade"], Value::Null, "unmapped: {all}");
    assert_eq!(items[1]["trend"], "NEW");
    let red = &items[2];
    assert_eq!(red["orderGrade"], "UPPER");
    assert_eq!(
        (
            &red["avgPrice"],
            &red["minPrice"],
            &red["maxPrice"],
            &red["quantity"]
        ),
        (&json!(1300), &json!(650), &json!(1625), &json!(10))
    );
    assert_eq!(red["totalPrice"], 13000);
    assert_eq!(red["prevWeekAvgPrice"], 1000);
    assert_eq!(red["weekChange"], 300);
    assert_eq!(red["weekChangeRate"], 30.0);
    // One day of history: the band is [1000, 1000], and 1300 is above it.
    assert_eq!(
        (&red["bandLow"], &red["bandHigh"]),
        (&json!(1000), &json!(1000))
    );
    assert_eq!(red["historyDays"], 1);
    assert_eq!(red["trend"], "RISING");

    // Filters, alone and together.
    let day = last_day().to_string();
    let by_type = board(
        &c,
        json!({ "date": day, "flowerTypeName": "국화" }),
        Value::Null,
    )
    .await;
    assert_eq!(keys(&by_type), ["백마/보1", "백마/무등급"]);
    let by_keyword = board(&c, json!({ "keyword": "나오" }), Value::Null).await;
    assert_eq!(keys(&by_keyword), ["레드나오미/특1", "레드나오미/상1"]);
    let upper = board(&c, json!({ "orderGrade": "UPPER" }), Value::Null).await;
    assert_eq!(keys(&upper), ["레드나오미/특1", "비탈/특2"]);
    let middle = board(
        &c,
        json!({ "orderGrade": "MIDDLE", "flowerTypeName": "장미" }),
        Value::Null,
    )
    .await;
    assert_eq!(keys(&middle), ["레드나오미/상1"]);
    let raw = board(&c, json!({ "auctionGrade": "무등급" }), Value::Null).await;
    assert_eq!(keys(&raw), ["백마/무등급"]);

    // Pages: the count is the whole day's; DESCEND reverses the order.
    let second = board(&c, Value::Null, json!({ "page": 1, "size": 2 })).await;
    assert_eq!(count(&second), 5);
    assert_eq!(keys(&second), ["레드나오미/특1", "레드나오미/상1"]);
    let reversed = board(&c, Value::Null, json!({ "size": 2, "sort": "DESCEND" })).await;
    assert_eq!(keys(&reversed), ["비탈/특2", "레드나오미/상1"]);

    // A day without an auction: empty, and the day asked.
    let next = last_day().checked_add_days(Days::new(1)).expect("a date");
    let empty = board(&c, json!({ "date": next.to_string() }), Value::Null).await;
    assert_eq!(count(&empty), 0);
    assert_eq!(
        data(&empty)["auctionPriceBoard"]["saleDate"],
        format!("{next}T00:00:00")
    );

    // Bounds: a page over 200 rows, a blank-padded name over 255 characters.
    let big = board(&c, Value::Null, json!({ "size": 201 })).await;
    assert_eq!(error_code(&big), "INVALID_DATA");
    assert!(
        big["errors"][0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("200"),
        "{big}"
    );
    let long = board(&c, json!({ "keyword": "가".repeat(256) }), Value::Null).await;
    assert_eq!(error_code(&long), "INVALID_DATA");
}

const HISTORY: &str = "query($f: AuctionPriceHistoryFilterInput!) { \
    auctionPriceHistory(filter: $f) { saleDate auctionGrade avgPrice trend } }";

#[actix_web::test]
async fn a_variety_history_is_bounded_by_its_date_range() {
    let c = start().await;
    seed(&c).await;
    let range = |from: NaiveDate, to: NaiveDate| json!({ "fromDate": from.to_string(), "toDate": to.to_string() });
    let ask = |grade: Value, from: NaiveDate, to: NaiveDate| {
        json!({ "f": { "flowerTypeName": "장미", "flowerName": "레드나오미",
                        "auctionGrade": grade, "dateRange": range(from, to) } })
    };

    let body = c
        .gql(None, HISTORY, ask(json!("특1"), week_before(), last_day()))
        .await;
    let rows = data(&body)["auctionPriceHistory"]
        .as_array()
        .expect("list")
        .clone();
    let seen: Vec<(String, i64)> = rows
        .iter()
        .map(|r| {
            (
                r["saleDate"].as_str().unwrap_or("").to_owned(),
                r["avgPrice"].as_i64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (format!("{}T00:00:00", week_before()), 1000),
            (format!("{}T00:00:00", last_day()), 1300)
        ]
    );
    // Every grade when none is given.
    let body = c
        .gql(None, HISTORY, ask(Value::Null, last_day(), last_day()))
        .await;
    assert_eq!(
        data(&body)["auctionPriceHistory"].as_array().map(Vec::len),
        Some(2)
    );

    // 92 days at most, both ends counted; a reversed range is refused too.
    let from = last_day().checked_sub_days(Days::new(91)).expect("a date");
    let body = c
        .gql(None, HISTORY, ask(Value::Null, from, last_day()))
        .await;
    assert_eq!(
        data(&body)["auctionPriceHistory"].as_array().map(Vec::len),
        Some(3)
    );
    let too_long = from.checked_sub_days(Days::new(1)).expect("a date");
    let body = c
        .gql(None, HISTORY, ask(Value::Null, too_long, last_day()))
        .await;
    assert_eq!(error_code(&body), "INVALID_DATA", "{body}");
    let body = c
        .gql(None, HISTORY, ask(Value::Null, last_day(), week_before()))
        .await;
    assert_eq!(error_code(&body), "INVALID_DATA", "{body}");
}

#[actix_web::test]
async fn flowers_show_their_latest_auction_next_to_the_catalogue() {
    let m = market().await;
    seed(&m.core).await;
    let body = m
        .core
        .gql(
            Some(&m.retailer),
            "{ flowers(filter: { keyword: \"장미\" }, pagination: { size: 50 }) { items { name \
               latestAuction { saleDate auctionGrade orderGrade avgPrice prevWeekAvgPrice } } } }",
            json!({}),
        )
        .await;
    let items = data(&body)["flowers"]["items"]
        .as_array()
        .expect("items")
        .clone();
    let latest = |name: &str| -> Vec<String> {
        items
            .iter()
            .find(|f| f["name"] == name)
            .unwrap_or_else(|| panic!("{name} in {body}"))["latestAuction"]
            .as_array()
            .expect("list")
            .iter()
            .map(|a| {
                assert_eq!(a["saleDate"], format!("{}T00:00:00", last_day()));
                format!(
                    "{}:{}:{}",
                    a["auctionGrade"].as_str().unwrap_or(""),
                    a["orderGrade"].as_str().unwrap_or("-"),
                    a["avgPrice"]
                )
            })
            .collect()
    };
    // The most recent sale day only, best grade first; matched by type + name.
    assert_eq!(latest("레드나오미"), ["특1:UPPER:1300", "상1:MIDDLE:800"]);
    assert_eq!(latest("비탈"), ["특2:UPPER:900"]);
    assert!(latest("카르멘").is_empty(), "never auctioned");

    // A page of 500 flowers with their market prices stays within the budget
    // (the grades are charged at their cap, not as an unbounded list).
    let body = m
        .core
        .gql(
            None,
            "{ flowers(pagination: { size: 500 }) { items { name latestAuction { auctionGrade avgPrice trend } } } }",
            json!({}),
        )
        .await;
    data(&body);
}
