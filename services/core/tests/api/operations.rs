//! The operations a florist's and a wholesaler's client send
//! (`services/core/operations/*.graphql`, which `make check-contract` validates
//! against the schema) are accepted by the running server: every one of them
//! passes validation and executes, in the order of the documents.

use crate::support::{data, market};
use serde_json::{Value, json};

/// The names of a document's operations, in order.
fn operation_names(document: &str) -> Vec<String> {
    document
        .lines()
        .filter_map(|line| {
            let rest = line
                .strip_prefix("query ")
                .or_else(|| line.strip_prefix("mutation "))?;
            let end = rest.find(['(', ' ', '{']).unwrap_or(rest.len());
            Some(rest[..end].to_owned())
        })
        .collect()
}

#[actix_web::test]
async fn client_operations_validate_and_run_against_the_server() {
    let m = market().await;
    let c = &m.core;
    let sheet = m.ordered_sheet(&[(0, 2, "UPPER"), (1, 1, "LOWER")]).await;
    let today = chrono::Utc::now()
        .with_timezone(&domain::time::KST)
        .date_naive()
        .to_string();
    let line = &sheet["orderItems"][0]["id"];
    let variables = json!({
        "input": { "phoneNo": "01022220001", "password": "wrong-password" },
        "date": today, "from": today, "to": today, "keyword": "", "page": 0,
        "wholesalerId": m.owner_id, "flowerId": m.flowers[2], "quantity": 3, "grade": "MIDDLE",
        "memo": "문앞", "orderSheetId": sheet["id"],
        "items": [{ "id": line, "price": 9000 }],
        "extras": { "orderSheetId": sheet["id"], "items": [{ "flowerName": "배송비", "quantity": 1, "price": 3000 }] },
    });
    let directory = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("operations");
    for (file, token) in [
        ("florist.graphql", &m.retailer),
        ("wholesaler.graphql", &m.owner),
    ] {
        let document = std::fs::read_to_string(directory.join(file)).expect("operations");
        let names = operation_names(&document);
        assert!(names.len() >= 7, "{file}: {names:?}");
        for name in names {
            let body: Value = c
                .http
                .post(&c.url)
                .bearer_auth(token)
                .json(&json!({ "query": document, "operationName": name, "variables": variables }))
                .send()
                .await
                .expect("request")
                .json()
                .await
                .expect("json");
            // A document the server rejects before running it has no `data`;
            // one it ran may still answer an error (a wrong password, no
            // receipt service here), always with a stable code.
            assert!(
                body.get("data").is_some(),
                "{file} {name} was not run: {body}"
            );
            for error in body["errors"].as_array().into_iter().flatten() {
                assert!(
                    error["extensions"]["code"].is_string(),
                    "{file} {name}: {error}"
                );
            }
        }
    }
    // The documents did what a client expects: the florist's second order is in
    // the wholesaler's day, priced by the line price the wholesaler set.
    let day = c
        .gql(
            Some(&m.owner),
            "query($d: LocalDate!) { orderSheets(filter: { date: $d }) { orderItems { id price } } }",
            json!({ "d": today }),
        )
        .await;
    let sheets = data(&day)["orderSheets"]
        .as_array()
        .expect("sheets")
        .clone();
    assert_eq!(sheets.len(), 2, "{day}");
    let priced = sheets
        .iter()
        .flat_map(|s| s["orderItems"].as_array().cloned().unwrap_or_default())
        .find(|l| &l["id"] == line)
        .expect("the priced line");
    assert_eq!(priced["price"], json!(9000));
}
