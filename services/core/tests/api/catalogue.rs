//! Flowers and auction results over HTTP, and the promise that a request's
//! number of SQL statements does not grow with the length of its lists.

use crate::support;
use crate::support::{Core, data, error_code, market};
use serde_json::json;

const FLOWERS: &str = "query($f: FlowerFilterInput, $p: PaginationInput) { flowers(filter: $f, pagination: $p) { \
    resultCount items { id name images flowerType { name flowers { id } } biddingFlowers { biddingDate } flowerColor { name } } } }";

fn names(body: &serde_json::Value) -> Vec<String> {
    data(body)["flowers"]["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|f| f["name"].as_str().expect("name").to_owned())
        .collect()
}

#[actix_web::test]
async fn flowers_by_bidding_day_and_literal_keyword() {
    let core = support::start().await;
    core.flowers("장미", &["레드나오미", "50%_할인"], "2026-11-20")
        .await;
    core.flowers("국화", &["백선", "신마"], "2026-11-24").await;
    core.sql("INSERT INTO flowers (name, flower_type_id) SELECT '이미지없음', id FROM flower_types WHERE name = '국화'")
        .await;

    let range = |from: &str, to: &str| json!({ "f": { "dateRange": { "fromDate": from, "toDate": to } }, "p": { "size": 50 } });
    let nov20 = core
        .gql(None, FLOWERS, range("2026-11-20", "2026-11-20"))
        .await;
    assert_eq!(names(&nov20), vec!["레드나오미", "50%_할인"]);
    let both = core
        .gql(None, FLOWERS, range("2026-11-19", "2026-11-24"))
        .await;
    assert_eq!(data(&both)["flowers"]["resultCount"], 4);

    // Keyword over flower and type names; % and _ are matched literally.
    let by_type = core
        .gql(
            None,
            FLOWERS,
            json!({ "f": { "keyword": "국화" }, "p": {} }),
        )
        .await;
    assert_eq!(names(&by_type), vec!["백선", "신마", "이미지없음"]);
    let literal = core
        .gql(None, FLOWERS, json!({ "f": { "keyword": "%_" }, "p": {} }))
        .await;
    assert_eq!(names(&literal), vec!["50%_할인"]);
    let wildcard = core
        .gql(None, FLOWERS, json!({ "f": { "keyword": "_" }, "p": {} }))
        .await;
    assert_eq!(names(&wildcard), vec!["50%_할인"]);

    // Empty keyword: everything, flowers with images first; pages past 0 work
    // and the count stays the total.
    let page1 = core
        .gql(
            None,
            FLOWERS,
            json!({ "f": { "keyword": "" }, "p": { "page": 1, "size": 2 } }),
        )
        .await;
    assert_eq!(data(&page1)["flowers"]["resultCount"], 5);
    assert_eq!(names(&page1).len(), 2);
    let last = core
        .gql(
            None,
            FLOWERS,
            json!({ "f": { "keyword": "" }, "p": { "page": 2, "size": 2 } }),
        )
        .await;
    assert_eq!(names(&last), vec!["이미지없음"]);
    let beyond = core
        .gql(
            None,
            FLOWERS,
            json!({ "f": { "keyword": "" }, "p": { "page": 9, "size": 2 } }),
        )
        .await;
    assert_eq!(data(&beyond)["flowers"]["resultCount"], 5);

    let bad = core.gql(None, FLOWERS, json!({ "p": { "size": 0 } })).await;
    assert_eq!(error_code(&bad), "INVALID_DATA");
    let rose = core
        .gql(None, FLOWERS, json!({ "f": { "keyword": "나오미" } }))
        .await;
    let item = &data(&rose)["flowers"]["items"][0];
    assert_eq!(item["flowerType"]["name"], "장미");
    assert_eq!(item["images"][0], "https://img.example/레드나오미.jpg");
    assert_eq!(
        item["biddingFlowers"][0]["biddingDate"],
        "2026-11-20T00:00:00"
    );
}

async fn auction_lines(
    core: &Core,
    wholesaler: i64,
    day: i32,
    lines: &[(&str, &str, &str, Option<i32>)],
) {
    for (i, (name, kind, grade, retail)) in lines.iter().enumerate() {
        let retail = retail.map_or("NULL".to_owned(), |p| p.to_string());
        core.sql(&format!(
            "INSERT INTO auction_results (flower_name, flower_type_name, flower_grade, box_count, flower_count, \
               price, total_price, serial_code, shipper, wholesaler_id, auction_date, retail_price) \
             VALUES ('{name}', '{kind}', '{grade}', 1, 10, 1000, 10000, 'S{day}-{i}', '농장', {wholesaler}, {day}, {retail})"
        ))
        .await;
    }
}

#[actix_web::test]
async fn auction_results_belong_to_their_wholesaler() {
    let m = market().await;
    let c = &m.core;
    let today = domain::time::yyyymmdd(domain::time::business_day(chrono::Utc::now()));
    auction_lines(
        c,
        m.owner_id,
        today,
        &[
            ("레드나오미", "장미", "특1", Some(12000)),
            ("레드나오미", "장미", "상", Some(9000)),
            ("비탈", "장미", "특", None),
        ],
    )
    .await;
    auction_lines(
        c,
        m.other_wholesaler_id,
        today,
        &[("백선", "국화", "상", Some(5000))],
    )
    .await;

    let list = "query($w: Int!, $p: PaginationInput) { auctionResult(filter: { wholesalerId: $w }, pagination: $p) { resultCount items { id flowerName images retailPrice shipper } } }";
    let own = c
        .gql(Some(&m.employee), list, json!({ "w": m.owner_id }))
        .await;
    assert_eq!(data(&own)["auctionResult"]["resultCount"], 3);
    let naomi = &data(&own)["auctionResult"]["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["retailPrice"] == 12000)
        .expect("line")
        .clone();
    // Images come from the catalogue flower whose names match.
    assert_eq!(naomi["images"][0], "https://img.example/레드나오미.jpg");
    let page1 = c
        .gql(
            Some(&m.owner),
            list,
            json!({ "w": m.owner_id, "p": { "page": 1, "size": 2 } }),
        )
        .await;
    assert_eq!(data(&page1)["auctionResult"]["resultCount"], 1);
    for stranger in [&m.other_wholesaler, &m.retailer] {
        let refused = c
            .gql(Some(stranger), list, json!({ "w": m.owner_id }))
            .await;
        assert_eq!(error_code(&refused), "PERMISSION_DENIED");
    }
    assert_eq!(
        error_code(&c.gql(None, list, json!({ "w": m.owner_id })).await),
        "TOKEN_NEEDED"
    );

    let update = "mutation($id: Int!, $p: Int, $s: Boolean) { updateAuctionResult(filter: { id: $id, retailPrice: $p, isSoldOut: $s }) { item { retailPrice isSoldOut } } }";
    let id = naomi["id"].as_i64().expect("id");
    let foreign = c
        .gql(
            Some(&m.other_wholesaler),
            update,
            json!({ "id": id, "p": 1 }),
        )
        .await;
    assert_eq!(error_code(&foreign), "NO_AUCTION_RESULT");
    let negative = c
        .gql(Some(&m.owner), update, json!({ "id": id, "p": -5 }))
        .await;
    assert_eq!(error_code(&negative), "INVALID_DATA");
    let sold = c
        .gql(Some(&m.owner), update, json!({ "id": id, "s": true }))
        .await;
    assert_eq!(
        data(&sold)["updateAuctionResult"]["item"]["isSoldOut"],
        true
    );
    assert!(
        data(&sold)["updateAuctionResult"]["item"]["retailPrice"].is_number(),
        "price kept"
    );

    // Retailers see priced, available lines grouped per flower and day.
    let sale = "query($w: Int!, $p: PaginationInput) { auctionResultForSale(filter: { wholesalerId: $w }, pagination: $p) { resultCount wholesalerId items { id flowerName retailPrice flowerGradeInfos { id flowerGrade } } } }";
    let groups = c
        .gql(Some(&m.retailer), sale, json!({ "w": m.owner_id, "p": {} }))
        .await;
    let items = data(&groups)["auctionResultForSale"]["items"]
        .as_array()
        .expect("items")
        .clone();
    assert_eq!(items.len(), 1);
    assert_eq!(
        items[0]["retailPrice"], 9000,
        "the sold-out line no longer counts"
    );
    assert_eq!(
        items[0]["flowerGradeInfos"].as_array().map(Vec::len),
        Some(1)
    );
    let past = c
        .gql(
            Some(&m.retailer),
            sale,
            json!({ "w": m.owner_id, "p": { "page": 1 } }),
        )
        .await;
    assert_eq!(data(&past)["auctionResultForSale"]["resultCount"], 0);
}

/// Statements the server ran while answering one request.
async fn statements_for(core: &Core, token: &str, query: &str) -> u64 {
    let before = db::pool::statements_executed();
    let body = core.gql(Some(token), query, json!({})).await;
    data(&body);
    db::pool::statements_executed() - before
}

#[actix_web::test]
async fn nested_lists_cost_a_fixed_number_of_statements() {
    let m = market().await;
    let c = &m.core;
    let day_view = "{ orderSheets(pagination: { size: 100 }) { id orderNo totalFlowerQuantity totalFlowerPrice hasReceipt \
        recentReceipt { id } retailer { name businessInfo { companyName } } \
        orderItems(pagination: { size: 50 }) { id price grade flower { name flowerType { name } } } \
        customOrderItems { id } orderSheetReceipts { id } } }";
    m.ordered_sheet(&[(0, 1, "UPPER"), (1, 1, "UPPER")]).await;
    // The first view also reads the live catalogue into memory (see the next
    // test); measured as a running server answers, with it held.
    statements_for(c, &m.owner, day_view).await;
    let small = statements_for(c, &m.owner, day_view).await;
    for _ in 0..6 {
        m.ordered_sheet(&[(0, 1, "UPPER"), (1, 2, "MIDDLE"), (2, 3, "LOWER")])
            .await;
    }
    let large = statements_for(c, &m.owner, day_view).await;
    assert_eq!(small, large, "7 sheets must cost what 1 sheet costs");

    let catalogue = "{ flowers(filter: { keyword: \"\" }, pagination: { size: 50 }) { items { name flowerType { name } biddingFlowers { id } } } }";
    let few = statements_for(c, &m.owner, catalogue).await;
    c.flowers(
        "국화",
        &["백선", "신마", "거베라", "소국", "대국", "스프레이"],
        "2026-11-24",
    )
    .await;
    let many = statements_for(c, &m.owner, catalogue).await;
    assert_eq!(few, many, "9 flowers must cost what 3 flowers cost");

    let users = "{ users(pagination: { size: 50 }) { name businessInfo { id } appliedConnections { id } receivedConnections { id } connectedEmployer { id } } }";
    let before = statements_for(c, &m.admin, users).await;
    for i in 0..10 {
        c.account(&format!("꽃집{i}"), &format!("0103333{i:04}"), "RETAILER")
            .await;
    }
    let after = statements_for(c, &m.admin, users).await;
    assert_eq!(before, after, "16 users must cost what 6 users cost");
}

/// Lines take their flowers from the catalogue core holds in memory; a
/// flower or type changed, added or removed in the database (by anyone: here
/// plain SQL, as the scheduler's import) shows in the very next answer.
#[actix_web::test]
async fn held_lines_show_catalogue_changes_at_once() {
    let m = market().await;
    let c = &m.core;
    m.ordered_sheet(&[(0, 2, "UPPER"), (1, 1, "LOWER")]).await;
    let day_view = "{ orderSheets { orderItems { flower { id name flowerType { name } } } } }";
    let flowers = |body: &serde_json::Value| -> Vec<(i64, String, String)> {
        let mut flowers: Vec<_> = data(body)["orderSheets"]
            .as_array()
            .expect("sheets")
            .iter()
            .flat_map(|s| s["orderItems"].as_array().expect("lines").clone())
            .map(|line| {
                let flower = &line["flower"];
                (
                    flower["id"].as_i64().expect("id"),
                    flower["name"].as_str().expect("name").to_owned(),
                    flower["flowerType"]["name"]
                        .as_str()
                        .expect("type")
                        .to_owned(),
                )
            })
            .collect();
        flowers.sort();
        flowers
    };
    let (rose, vital) = (m.flowers[0], m.flowers[1]);
    let named = |pairs: &[(i64, &str, &str)]| -> Vec<(i64, String, String)> {
        pairs
            .iter()
            .map(|(id, name, kind)| (*id, name.to_string(), kind.to_string()))
            .collect()
    };
    let before = c.gql(Some(&m.owner), day_view, json!({})).await;
    assert_eq!(
        flowers(&before),
        named(&[(rose, "레드나오미", "장미"), (vital, "비탈", "장미")])
    );

    c.sql(&format!(
        "UPDATE flowers SET name = '레드나오미 특' WHERE id = {rose}"
    ))
    .await;
    c.sql("UPDATE flower_types SET name = '수입장미' WHERE name = '장미'")
        .await;
    let renamed = c.gql(Some(&m.owner), day_view, json!({})).await;
    assert_eq!(
        flowers(&renamed),
        named(&[
            (rose, "레드나오미 특", "수입장미"),
            (vital, "비탈", "수입장미")
        ])
    );

    // A flower added after the catalogue was read, ordered and viewed.
    let added = c.flowers("국화", &["백선"], "2026-11-24").await[0];
    data(&c.add_to_cart(&m.retailer, added, 1, "UPPER").await);
    data(&c.choose_wholesaler(&m.retailer, m.owner_id, None).await);
    data(&c.order(&m.retailer).await);
    let with_added = c.gql(Some(&m.owner), day_view, json!({})).await;
    assert!(
        flowers(&with_added).contains(&(added, "백선".to_owned(), "국화".to_owned())),
        "{with_added}"
    );

    // A removed flower is answered as the lines read one by one answer it:
    // `flower` is non-null, so its NO_FLOWER takes the whole answer down.
    c.sql(&format!(
        "UPDATE flowers SET deleted_at = now() WHERE id = {vital}"
    ))
    .await;
    let codes = |body: &serde_json::Value| -> Vec<String> {
        assert!(body["data"].is_null(), "{body}");
        body["errors"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| e["extensions"]["code"].as_str().unwrap_or("").to_owned())
            .collect()
    };
    let held = c
        .gql(
            Some(&m.owner),
            "{ orderSheets { orderItems { id flower { id name } } } }",
            json!({}),
        )
        .await;
    let one_by_one = c
        .gql(
            Some(&m.owner),
            "{ orderItems { id flower { id name } } }",
            json!({}),
        )
        .await;
    assert_eq!(codes(&held), ["NO_FLOWER"]);
    assert_eq!(codes(&held), codes(&one_by_one));
}

/// A sheet's lines arrive with their flowers and types and are answered by
/// juniper's synchronous executor; the answer must be exactly the one the
/// ordinary resolvers give, also when the query is written with fragments,
/// an inline fragment and directives. Asking one field a line does not hold
/// (its sheet, a flower's auction days or color, a type's flowers) sends that
/// object back to the ordinary resolvers, which is what this compares against.
#[actix_web::test]
async fn prefetched_lines_answer_as_the_ordinary_resolvers() {
    let m = market().await;
    let c = &m.core;
    c.sql(&format!(
        "UPDATE flowers SET images = ARRAY['https://img.example/a.png', NULL] WHERE id = {}",
        m.flowers[0]
    ))
    .await;
    m.ordered_sheet(&[(0, 2, "UPPER"), (1, 1, "LOWER")]).await;
    m.ordered_sheet(&[(2, 5, "MIDDLE")]).await;

    let query = |line_extra: &str, flower_extra: &str, type_extra: &str| {
        format!(
            "{{ orderSheets {{ orderItems {{ id quantity grade price memo createdAt updatedAt deletedAt \
               n: quantity __typename {line_extra} \
               flower {{ __typename id name images {flower_extra} kind: flowerType {{ id name imgUrl {type_extra} }} }} }} }} }}"
        )
    };
    // The same answer asked with a fragment, an inline fragment and directives.
    let with_fragments = "query($yes: Boolean!) { orderSheets { orderItems { ...line n: quantity __typename \
           flower { __typename id name gone: name @skip(if: $yes) images @include(if: $yes) \
             kind: flowerType { ... on FlowerType { id name } imgUrl } } } } } \
         fragment line on OrderItem { id quantity grade price memo createdAt updatedAt deletedAt }";
    let lines_of = |body: &serde_json::Value| -> Vec<serde_json::Value> {
        data(body)["orderSheets"]
            .as_array()
            .expect("sheets")
            .iter()
            .flat_map(|s| s["orderItems"].as_array().expect("lines").clone())
            .collect()
    };
    let held_lines = lines_of(&c.gql(Some(&m.owner), &query("", "", ""), json!({})).await);
    // One field not held at one level at a time: a field wrongly declared
    // held would have its `async fn` resolver called synchronously, which panics.
    for (line_extra, flower_extra, type_extra) in [
        ("orderSheet { id }", "", ""),
        ("", "biddingFlowers { id }", ""),
        ("", "flowerColor { id }", ""),
        ("", "", "flowers { id }"),
        ("fragments", "", ""),
    ] {
        let ordinary_query = if line_extra == "fragments" {
            with_fragments.to_owned()
        } else {
            query(line_extra, flower_extra, type_extra)
        };
        let variables = if line_extra == "fragments" {
            json!({ "yes": true })
        } else {
            json!({})
        };
        let ordinary = c.gql(Some(&m.owner), &ordinary_query, variables).await;
        let mut lines = lines_of(&ordinary);
        for line in &mut lines {
            line.as_object_mut().expect("line").remove("orderSheet");
            let flower = line["flower"].as_object_mut().expect("flower");
            flower.remove("biddingFlowers");
            flower.remove("flowerColor");
            flower["kind"]
                .as_object_mut()
                .expect("type")
                .remove("flowers");
        }
        assert_eq!(held_lines, lines, "{line_extra}{flower_extra}{type_extra}");
    }
    assert_eq!(held_lines.len(), 3);

    // Fragments on the line's own type and a field asked twice (whose answers
    // merge) are answered from what is held as well; the same query with one
    // field not held is the ordinary answer to compare with.
    let merged = |extra: &str| {
        format!(
            "{{ orderSheets {{ orderItems {{ ...line flower {{ id }}                flower {{ name kind: flowerType {{ id }} }} flower {{ kind: flowerType {{ name }} }}                ... on OrderItem {{ price n: quantity }} __typename {extra} }} }} }}              fragment line on OrderItem {{ id quantity grade }}"
        )
    };
    let held_merged = lines_of(&c.gql(Some(&m.owner), &merged(""), json!({})).await);
    let mut ordinary_merged = lines_of(
        &c.gql(Some(&m.owner), &merged("orderSheet { id }"), json!({}))
            .await,
    );
    for line in &mut ordinary_merged {
        line.as_object_mut().expect("line").remove("orderSheet");
    }
    assert_eq!(held_merged, ordinary_merged);
    let flower = &held_merged[0]["flower"];
    assert_eq!(
        (
            flower["kind"]["id"].is_i64(),
            flower["kind"]["name"].is_string()
        ),
        (true, true),
        "the flower asked three times has every field: {flower}"
    );
    assert_eq!(held_merged[0]["n"], held_merged[0]["quantity"]);

    let first = &held_lines
        .iter()
        .find(|l| l["flower"]["id"] == json!(m.flowers[0]))
        .expect("the flower with an image")["flower"];
    assert_eq!(first["images"], json!(["https://img.example/a.png"]));
    assert_eq!(first["__typename"], "Flower");

    // Lines read without their flowers (the root `orderItems`) load them by key.
    let by_key = c
        .gql(
            Some(&m.owner),
            "{ orderItems { id flower { id name images flowerType { id name imgUrl } } } }",
            json!({}),
        )
        .await;
    let lines_by_key = data(&by_key)["orderItems"].as_array().expect("lines");
    assert_eq!(lines_by_key.len(), held_lines.len());
    for line in lines_by_key {
        let held_line = held_lines
            .iter()
            .find(|l| l["id"] == line["id"])
            .expect("same line");
        let (flower, held_flower) = (&line["flower"], &held_line["flower"]);
        assert_eq!(flower["name"], held_flower["name"]);
        assert_eq!(flower["images"], held_flower["images"]);
        assert_eq!(flower["flowerType"], held_flower["kind"]);
    }
}

/// A list of sheets reads its children ahead and answers without a future per
/// field; the same sheets answered the ordinary way (one field not read ahead
/// at one level at a time, or one sheet at a time) must look the same.
#[actix_web::test]
async fn sheets_read_ahead_answer_as_the_ordinary_resolvers() {
    let m = market().await;
    let c = &m.core;
    let first = m
        .ordered_sheet(&[(0, 2, "UPPER"), (1, 1, "LOWER"), (2, 4, "MIDDLE")])
        .await;
    let second = m.ordered_sheet(&[(2, 5, "MIDDLE")]).await;
    let (first, second) = (
        first["id"].as_i64().expect("id"),
        second["id"].as_i64().expect("id"),
    );
    let upsert =
        "mutation($i: UpsertCustomOrderItemsInput!) { upsertCustomOrderItems(input: $i) { id } }";
    let custom = json!({ "i": { "orderSheetId": first, "items": [
        { "flowerName": "포장", "flowerTypeName": "부자재", "quantity": 3, "price": 1000 },
        { "flowerName": "배송비", "quantity": 1, "price": 5000 } ] } });
    data(&c.gql(Some(&m.owner), upsert, custom).await);
    c.sql(&format!(
        "INSERT INTO business_infos (user_id, company_name, company_phone_no, employer_name, address, \
           business_no, business_main_category, business_sub_category, seal_stamp_img_url, bank_account) \
         VALUES ({}, '행복꽃집', '0212345678', '김행복', '서울', '1234567891', '소매', '꽃', '', '')",
        m.retailer_id
    ))
    .await;
    for name in ["old", "new"] {
        c.sql(&format!(
            "INSERT INTO order_sheet_receipts (order_sheet_id, file_name, file_path, file_format, storage_key) \
             VALUES ({second}, '{name}', 'http://x/{name}.pdf', '.pdf', '{name}')"
        ))
        .await;
    }

    let sheet_fields = "id orderNo memo isPriceUpdated totalFlowerQuantity totalFlowerTypeCount \
        totalFlowerPrice hasReceipt recentReceipt { id fileName filePath } \
        retailer { id name businessInfo { companyName businessNo } } wholesaler { id name } \
        orderItems(pagination: $lines) { id quantity grade flower { id name flowerType { name } } } \
        firstLine: orderItems(pagination: { size: 1 }) { id } \
        customOrderItems { id flowerName flowerTypeName quantity price }";
    let list = |extra: &str| {
        format!(
            "query($lines: PaginationInput) {{ orderSheets(pagination: {{ size: 10 }}) {{ {sheet_fields} {extra} }} }}"
        )
    };
    let variables = json!({ "lines": { "size": 2, "sort": "DESCEND" } });
    let held =
        data(&c.gql(Some(&m.owner), &list(""), variables.clone()).await)["orderSheets"].clone();
    let sheets = held.as_array().expect("sheets");
    assert_eq!(sheets.len(), 2);
    let by_id = |id: i64| sheets.iter().find(|s| s["id"] == json!(id)).expect("sheet");
    assert_eq!(
        by_id(first)["orderItems"].as_array().expect("lines").len(),
        2
    );
    assert_eq!(
        by_id(first)["totalFlowerQuantity"],
        json!(2 + 1 + 4 + 3 + 1)
    );
    assert_eq!(
        by_id(first)["customOrderItems"]
            .as_array()
            .expect("custom")
            .len(),
        2
    );
    assert_eq!(by_id(second)["hasReceipt"], json!(true));
    assert_eq!(by_id(second)["recentReceipt"]["fileName"], json!("new"));
    assert!(
        by_id(first)["retailer"]["businessInfo"]["companyName"].is_string(),
        "{held}"
    );

    // One field that is never read ahead, at the sheet or at the party level:
    // those sheets are answered by the ordinary asynchronous resolvers.
    for extra in [
        "orderSheetReceipts { id }",
        "retailer { userCredential { id } }",
        "orderItems(pagination: $lines) { orderSheet { id } }",
    ] {
        let ordinary = c.gql(Some(&m.owner), &list(extra), variables.clone()).await;
        let mut ordinary = data(&ordinary)["orderSheets"].clone();
        for sheet in ordinary.as_array_mut().expect("sheets") {
            let sheet = sheet.as_object_mut().expect("sheet");
            sheet.remove("orderSheetReceipts");
            sheet["retailer"]
                .as_object_mut()
                .expect("retailer")
                .remove("userCredential");
            for line in sheet["orderItems"].as_array_mut().expect("lines") {
                line.as_object_mut().expect("line").remove("orderSheet");
            }
        }
        assert_eq!(held, ordinary, "with {extra}");
    }

    // Each sheet on its own (no list reads ahead for it) looks the same.
    for sheet in sheets {
        let single = format!(
            "query($lines: PaginationInput, $id: Int!) {{ orderSheet(orderSheetId: $id) {{ {sheet_fields} }} }}"
        );
        let mut variables = variables.clone();
        variables["id"] = sheet["id"].clone();
        let alone = c.gql(Some(&m.owner), &single, variables).await;
        assert_eq!(&data(&alone)["orderSheet"], sheet);
    }
}

#[actix_web::test]
async fn a_query_that_asks_for_too_much_is_refused_before_it_runs() {
    let m = market().await;
    let c = &m.core;

    // A wholesaler's largest screen (100 sheets × 100 lines, nested) fits.
    let day_view = "{ orderSheets(pagination: { size: 100 }) { id orderNo memo totalFlowerPrice hasReceipt \
        recentReceipt { id fileName } retailer { id name businessInfo { companyName } } \
        orderItems(pagination: { size: 100 }) { id quantity grade price flower { id name flowerType { name } } } \
        customOrderItems { id flowerName quantity price } } }";
    data(&c.gql(Some(&m.owner), day_view, json!({})).await);

    // Pages of pages multiply: 1,000 sheets × 1,000 lines is refused.
    let nested = "{ orderSheets(pagination: { size: 1000 }) { id orderItems(pagination: { size: 1000 }) { id } } }";
    let refused = c.gql(Some(&m.owner), nested, json!({})).await;
    assert_eq!(error_code(&refused), "INVALID_DATA", "{refused}");
    assert!(refused["data"].is_null(), "nothing ran: {refused}");
    assert!(
        refused["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("too much at once")),
        "{refused}"
    );

    // Aliases add up over the request: of an anonymous caller's 300 pages of
    // 1,000 flowers, those past the budget are refused (and, the field being
    // non-null, the answer carries no data).
    let pages: Vec<String> = (0..300)
        .map(|i| format!("p{i}: flowers(filter: {{ keyword: \"\" }}, pagination: {{ size: $size }}) {{ items {{ id name }} }}"))
        .collect();
    let aliased = format!("query($size: Int) {{ {} }}", pages.join(" "));
    let body = c.gql(None, &aliased, json!({ "size": 1000 })).await;
    let errors = body["errors"].as_array().cloned().unwrap_or_default();
    assert!(
        (1..300).contains(&errors.len()),
        "some pages fit the budget, the rest are refused: {} refused",
        errors.len()
    );
    assert!(
        errors
            .iter()
            .all(|e| e["extensions"]["code"] == "INVALID_DATA"),
        "{body}"
    );
    // Smaller pages fit.
    let body = c.gql(None, &aliased, json!({ "size": 5 })).await;
    let answered = data(&body);
    assert_eq!(
        answered["p299"], answered["p0"],
        "every page answered alike"
    );
    assert!(
        answered["p0"]["items"]
            .as_array()
            .is_some_and(|items| !items.is_empty())
    );
}
