//! Read models answer exactly what the resolvers answer, and answer what
//! they are meant to.
//!
//! Two cores share one seeded market and one set of keys: one answers list
//! views from their read models (the default), its twin from the resolvers
//! only (`READ_MODELS=off`). Every query a florist's or a wholesaler's client
//! sends (`services/core/operations/*.graphql`), and requests written to
//! corner the projection (aliases, fragments, directives, a response key
//! asked twice, pages, privacy), get byte-identical answers from both, for
//! every kind of caller. The coverage test asserts which requests the views
//! serve (`marketbill_read_model_answers_total`), so a field that falls off the
//! fast path fails a test instead of quietly slowing down.

use crate::support;

use serde_json::{Value, json};
use support::{Market, data, market};

/// The seeded market and the twin that answers from the resolvers only.
struct Twins {
    _counting: tokio::sync::MutexGuard<'static, ()>,
    m: Market,
    plain_url: String,
    today: String,
    sheet: Value,
}

/// The tests of this file count answers in the process-wide metrics (every
/// core of a test binary runs in its process), so they run one at a time.
static COUNTING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

async fn twins() -> Twins {
    let counting = COUNTING.lock().await;
    let m = market().await;
    let plain_url = m.core.twin(&[("READ_MODELS", "off")]).await;
    let today = chrono::Utc::now()
        .with_timezone(&domain::time::KST)
        .date_naive()
        .to_string();
    let sheet = seed(&m).await;
    Twins {
        _counting: counting,
        m,
        plain_url,
        today,
        sheet,
    }
}

/// Sheets with priced and unpriced lines, custom lines, a memo, a statement,
/// business info on both sides and a flower with a colour; answers the id of
/// the sheet with the statement.
async fn seed(m: &Market) -> Value {
    let c = &m.core;
    c.business_info(&m.retailer, m.retailer_id, "행복꽃집")
        .await;
    c.business_info(&m.owner, m.owner_id, "그린도매").await;
    c.sql("INSERT INTO flower_colors (name) VALUES ('빨강')")
        .await;
    c.sql(&format!(
        "UPDATE flowers SET flower_color_id = (SELECT id FROM flower_colors LIMIT 1) WHERE id = {}",
        m.flowers[0]
    ))
    .await;
    let first = m
        .ordered_sheet(&[(0, 2, "UPPER"), (1, 1, "LOWER"), (2, 5, "MIDDLE")])
        .await;
    let second = m.ordered_sheet(&[(2, 3, "MIDDLE")]).await;
    let line = &first["orderItems"][0]["id"];
    data(
        &c.gql(
            Some(&m.owner),
            "mutation($items: [OrderItemPriceInput!]!) { updateOrderItemsPrice(items: $items) { id } }",
            json!({ "items": [{ "id": line, "price": 9000 }] }),
        )
        .await,
    );
    data(
        &c.gql(
            Some(&m.owner),
            "mutation($input: UpsertCustomOrderItemsInput!) { upsertCustomOrderItems(input: $input) { id } }",
            json!({ "input": { "orderSheetId": first["id"], "items": [
                { "flowerName": "배송비", "quantity": 1, "price": 3000 },
                { "flowerName": "안개꽃", "flowerTypeName": "기타", "grade": "UPPER", "quantity": 2, "price": 1500 },
            ] } }),
        )
        .await,
    );
    // A statement as the receipt service records it (not running here).
    c.sql(&format!(
        "INSERT INTO order_sheet_receipts (order_sheet_id, file_name, file_path, file_format, metadata, storage_key) \
         VALUES ({}, 'statement.pdf', 'https://files.example/s.pdf', 'pdf', '{{}}', 'k/1')",
        second["id"]
    ))
    .await;
    second["id"].clone()
}

impl Twins {
    /// The raw answer bodies of the view-serving core and its plain twin.
    async fn both(&self, token: &str, query: &str, variables: &Value) -> (String, String) {
        let mut answers = Vec::new();
        for url in [&self.m.core.url, &self.plain_url] {
            let body = self
                .m
                .core
                .http
                .post(url)
                .bearer_auth(token)
                .json(&json!({ "query": query, "variables": variables }))
                .send()
                .await
                .expect("request")
                .text()
                .await
                .expect("body");
            answers.push(body);
        }
        let plain = answers.pop().unwrap_or_default();
        (answers.pop().unwrap_or_default(), plain)
    }

    /// Asserts both cores answer `query` with the same bytes for `token`;
    /// answers the body.
    async fn same(&self, label: &str, token: &str, query: &str, variables: &Value) -> Value {
        let (viewed, plain) = self.both(token, query, variables).await;
        assert_eq!(viewed, plain, "{label}: the view and the resolvers differ");
        serde_json::from_str(&viewed).expect("json")
    }

    /// How many answers `view` gave so far by `by` (`view` or `resolvers`),
    /// from the view-serving core's metrics (the twin's count as `resolvers`).
    async fn answers(&self, view: &str, by: &str) -> u64 {
        let url = self.m.core.url.replace("/graphql", "/metrics");
        let text = reqwest::get(url)
            .await
            .expect("metrics")
            .text()
            .await
            .expect("text");
        text.lines()
            .filter(|l| l.starts_with("marketbill_read_model_answers_total{"))
            .filter(|l| {
                l.contains(&format!("view=\"{view}\"")) && l.contains(&format!("by=\"{by}\""))
            })
            .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
            .sum()
    }

    fn variables(&self) -> Value {
        json!({
            "date": self.today, "from": self.today, "to": self.today, "keyword": "", "page": 0,
            "orderSheetId": self.sheet,
        })
    }
}

/// The query operations of the client documents: (document, operation name).
/// The florist's come first.
fn client_queries() -> Vec<(String, String)> {
    let directory = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("operations");
    let mut queries = Vec::new();
    for file in ["florist.graphql", "wholesaler.graphql"] {
        let document = std::fs::read_to_string(directory.join(file)).expect("operations");
        for line in document.lines() {
            if let Some(rest) = line.strip_prefix("query ") {
                let end = rest.find(['(', ' ', '{']).unwrap_or(rest.len());
                queries.push((document.clone(), rest[..end].to_owned()));
            }
        }
    }
    queries
}

/// Requests written to corner the projection: each is answered by both ways.
const CORNERS: &[(&str, &str)] = &[
    (
        "aliases, fragments, directives, __typename, a key asked twice",
        "query($date: LocalDate!, $yes: Boolean = true, $no: Boolean = false) {
          orderSheets(filter: { date: $date }, pagination: { size: 5, sort: DESCEND }) {
            __typename
            ...Bits
            id
            lines: orderItems(pagination: { size: 2 }) { id grade price flower { __typename name images flowerColor { name } } }
            retailer { name businessInfo { companyName bankAccount businessNo } }
            retailer { __typename id businessInfo { createdAt } }
            memo @skip(if: $yes)
            orderNo @include(if: $no)
            wholesaler @include(if: $yes) { name belongsTo deletedAt applyStatus bizConnectionId }
            ... on OrderSheet { totalFlowerTypeCount createdAt updatedAt deletedAt isPriceUpdated }
            recentReceipt { id fileName fileFormat metadata createdAt updatedAt deletedAt }
          }
        }
        fragment Bits on OrderSheet {
          orderNo
          customOrderItems(pagination: { page: 0, size: 1, sort: DESCEND }) {
            id flowerName flowerTypeName grade quantity price createdAt updatedAt deletedAt
          }
          lines: orderItems(pagination: { size: 2 }) { id quantity memo createdAt updatedAt deletedAt }
        }",
    ),
    (
        "every sheet, every line, oldest first, second page",
        "{ orderSheets(pagination: { page: 0, size: 10 }) {
            id totalFlowerQuantity totalFlowerPrice hasReceipt
            orderItems(pagination: { page: 1, size: 1 }) { id quantity flower { id flowerType { id name imgUrl } } }
            customOrderItems { id price }
          } }",
    ),
    (
        "the default page (newest 15) and nulls for pagination",
        "{ orderSheets { id orderItems(pagination: null) { id } customOrderItems(pagination: { size: null, sort: null }) { id } } }",
    ),
    (
        "a page past the end",
        "{ orderSheets(pagination: { page: 50, size: 10 }) { id } }",
    ),
    (
        "the same list asked twice under one key",
        "{ sheets: orderSheets { id } sheets: orderSheets { memo orderNo } }",
    ),
    (
        "__typename after another field (juniper answers it first)",
        "{ orderSheets { id __typename retailer { name __typename } } }",
    ),
    (
        "a field outside the view's shape",
        "{ orderSheets { id orderItems { id orderSheet { id } } } }",
    ),
    (
        "two pages of the same lines",
        "{ orderSheets { a: orderItems(pagination: { size: 1 }) { id } b: orderItems(pagination: { size: 2 }) { id } } }",
    ),
    (
        "the catalogue, images first, with auction days",
        "{ flowers(filter: { keyword: \"\" }, pagination: { page: 0, size: 2 }) {
            __typename resultCount
            items { id name images flowerType { id name imgUrl } flowerColor { id name } biddingFlowers { id biddingDate } }
          } }",
    ),
    (
        "a catalogue search, newest first, past the end",
        "{ a: flowers(filter: { keyword: \"나오\" }, pagination: { sort: DESCEND }) { resultCount items { name } }
           b: flowers(filter: { keyword: \"장미\" }, pagination: { page: 9, size: 50 }) { resultCount items { id } } }",
    ),
    (
        "a catalogue page through an interface fragment",
        "{ flowers(filter: { keyword: \"\" }) { ... on PaginationOutput { resultCount } items { id } } }",
    ),
];

#[actix_web::test]
async fn views_answer_byte_for_byte_what_the_resolvers_answer() {
    let t = twins().await;
    let m = &t.m;
    let callers = [
        ("owner", &m.owner),
        ("employee", &m.employee),
        ("retailer", &m.retailer),
        ("other wholesaler", &m.other_wholesaler),
        ("other retailer", &m.other_retailer),
        ("admin", &m.admin),
    ];
    let variables = t.variables();
    let mut sheets_seen = 0;
    for (who, token) in callers {
        for (document, name) in client_queries() {
            let body = json!({ "query": document, "operationName": name, "variables": variables });
            let (viewed, plain) = {
                let mut answers = Vec::new();
                for url in [&m.core.url, &t.plain_url] {
                    answers.push(
                        m.core
                            .http
                            .post(url)
                            .bearer_auth(token)
                            .json(&body)
                            .send()
                            .await
                            .expect("request")
                            .text()
                            .await
                            .expect("body"),
                    );
                }
                (answers[0].clone(), answers[1].clone())
            };
            assert_eq!(
                viewed, plain,
                "{who} {name}: the view and the resolvers differ"
            );
            let answer: Value = serde_json::from_str(&viewed).expect("json");
            sheets_seen += answer["data"]["orderSheets"].as_array().map_or(0, Vec::len);
        }
        for (label, query) in CORNERS {
            let answer = t
                .same(&format!("{who}: {label}"), token, query, &variables)
                .await;
            sheets_seen += answer["data"]["orderSheets"].as_array().map_or(0, Vec::len);
        }
    }
    // The answers compared were the market's, not empty lists.
    assert!(sheets_seen > 20, "only {sheets_seen} sheets were compared");

    // What a privacy rule hides, both hide: the owner sees its retailer's
    // company, the unconnected wholesaler sees no sheet at all.
    let corner = CORNERS[0].1;
    let owner = t.same("owner", &m.owner, corner, &variables).await;
    let sheets = owner["data"]["orderSheets"].as_array().expect("sheets");
    assert_eq!(sheets.len(), 2, "{owner}");
    assert_eq!(
        sheets[0]["retailer"]["businessInfo"]["companyName"],
        "행복꽃집"
    );
    assert_eq!(sheets[0]["__typename"], "OrderSheet");
    assert!(sheets[0].get("memo").is_none() && sheets[0].get("orderNo").is_some());
    let other = t
        .same("other", &m.other_wholesaler, corner, &variables)
        .await;
    assert_eq!(other["data"]["orderSheets"], json!([]), "{other}");
}

#[actix_web::test]
async fn views_serve_the_client_lists_and_leave_the_rest_to_the_resolvers() {
    let t = twins().await;
    let m = &t.m;
    let variables = t.variables();
    // (request, name, view, answers by the view, answers by the resolvers)
    let mut expected: Vec<(String, String, &str, u64, u64)> = Vec::new();
    for (document, name) in client_queries() {
        let (view, by_view) = match name.as_str() {
            "DayView" | "MyOrders" => ("order_sheets", 1),
            "FlowersOfTheDay" => ("catalogue_page", 1),
            _ => ("order_sheets", 0),
        };
        expected.push((document, name, view, by_view, 0));
    }
    let corners: &[(&str, u64, u64)] = &[
        ("order_sheets", 1, 0),
        ("order_sheets", 1, 0),
        ("order_sheets", 1, 0),
        ("order_sheets", 1, 0),
        // juniper's look-ahead sees the first `sheets` for both: the second is
        // answered by the resolvers.
        ("order_sheets", 1, 1),
        ("order_sheets", 0, 1),
        ("order_sheets", 0, 1),
        ("order_sheets", 0, 1),
        ("catalogue_page", 1, 0),
        ("catalogue_page", 2, 0),
        ("catalogue_page", 0, 1),
    ];
    assert_eq!(corners.len(), CORNERS.len());
    for ((label, query), (view, by_view, by_resolvers)) in CORNERS.iter().zip(corners) {
        expected.push((
            query.to_string(),
            label.to_string(),
            view,
            *by_view,
            *by_resolvers,
        ));
    }
    for (document, name, view, by_view, by_resolvers) in expected {
        let (views_before, plain_before) = (
            t.answers(view, "view").await,
            t.answers(view, "resolvers").await,
        );
        let is_operation = !document.starts_with('{') && !document.starts_with("query(");
        let body = if is_operation {
            json!({ "query": document, "operationName": name, "variables": variables })
        } else {
            json!({ "query": document, "variables": variables })
        };
        // The florist's documents as the florist, everything else as the owner.
        let florists = ["FlowersOfTheDay", "Cart", "MyOrders"];
        let token = if florists.contains(&name.as_str()) {
            &m.retailer
        } else {
            &m.owner
        };
        let answer: Value = m
            .core
            .http
            .post(&m.core.url)
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .expect("request")
            .json()
            .await
            .expect("json");
        assert!(answer.get("errors").is_none(), "{name}: {answer}");
        assert_eq!(
            (
                t.answers(view, "view").await - views_before,
                t.answers(view, "resolvers").await - plain_before
            ),
            (by_view, by_resolvers),
            "{name}: answered by (view, resolvers)"
        );
    }
}

#[actix_web::test]
async fn a_line_whose_flower_is_gone_is_answered_by_the_resolvers_error_and_all() {
    let t = twins().await;
    let m = &t.m;
    let variables = t.variables();
    m.core
        .sql(&format!(
            "UPDATE flowers SET deleted_at = now() WHERE id = {}",
            m.flowers[1]
        ))
        .await;
    let day_view = client_queries()
        .into_iter()
        .find(|(_, name)| name == "DayView")
        .expect("DayView");
    let before = t.answers("order_sheets", "resolvers").await;
    let body = json!({ "query": day_view.0, "operationName": "DayView", "variables": variables });
    let mut answers = Vec::new();
    for url in [&m.core.url, &t.plain_url] {
        answers.push(
            m.core
                .http
                .post(url)
                .bearer_auth(&m.owner)
                .json(&body)
                .send()
                .await
                .expect("request")
                .text()
                .await
                .expect("body"),
        );
    }
    assert_eq!(answers[0], answers[1]);
    let answer: Value = serde_json::from_str(&answers[0]).expect("json");
    assert_eq!(
        answer["errors"][0]["extensions"]["code"], "NO_FLOWER",
        "{answer}"
    );
    // Both cores went to the resolvers (the view said it was incomplete).
    assert_eq!(t.answers("order_sheets", "resolvers").await - before, 2);
    // The totals still count the gone flower's line, as before it was gone.
    let totals = t
        .same(
            "totals",
            &m.owner,
            "query($date: LocalDate!) { orderSheets(filter: { date: $date }) { totalFlowerQuantity totalFlowerTypeCount } }",
            &variables,
        )
        .await;
    assert_eq!(
        totals["data"]["orderSheets"],
        json!([{ "totalFlowerQuantity": 3, "totalFlowerTypeCount": 1 }, { "totalFlowerQuantity": 11, "totalFlowerTypeCount": 2 }])
    );
}
