//! The receipt service over real HTTP against a fresh PostgreSQL database:
//! what a statement says, who may issue and read it, idempotent retries,
//! immutability, pagination, seal stamps, bad input and storage failures.

use crate::support;
use crate::support::{SERVICE_TOKEN, pdf_image_count, pdf_text, start, start_stamp_host};
use domain::Role;
use serde_json::Value;

fn metadata(receipt: &Value) -> Value {
    serde_json::from_str(receipt["metadata"].as_str().expect("metadata string")).expect("json")
}

fn code(body: &Value) -> &str {
    body["error"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("expected an error: {body}"))
}

#[actix_web::test]
async fn a_statement_carries_parties_lines_and_a_correct_vat_split() {
    let stamps = start_stamp_host();
    let app = start(&[]).await;
    let p = app.parties(&format!("{}/seal.png", stamps.base)).await;
    let sheet = app.sheet(&p, "261125M00001").await;
    let owner = app.token(p.wholesaler, Role::WholesalerEmpr);

    let (status, receipt) = app.issue(sheet, Some(&owner), None).await;
    assert_eq!(status, 201, "{receipt}");
    let id = receipt["id"].as_i64().expect("id");
    assert_eq!(receipt["orderSheetId"], sheet);
    assert_eq!(receipt["fileFormat"], ".pdf");
    assert_eq!(
        receipt["fileName"],
        "receipt_(주)양재꽃도매/본점_261125M00001"
    );
    assert_eq!(
        receipt["filePath"],
        format!("https://receipts.example.test/v1/receipts/{id}/file")
    );
    let meta = metadata(&receipt);
    assert_eq!(meta["total"], 26_000);
    assert_eq!(meta["supplyTotal"], 25_000);
    assert_eq!(meta["vatTotal"], 1_000);
    assert_eq!(meta["exemptTotal"], 15_000);
    assert_eq!(meta["taxableTotal"], 11_000);
    assert_eq!(meta["unpricedLines"], 1);
    assert_eq!(meta["lines"], 4);
    assert_eq!(meta["pages"], 1);
    assert_eq!(meta["stamp"], "embedded");

    // The retailer reads it; the PDF is small, subset, and its Hangul extracts.
    let retailer = app.token(p.retailer, Role::Retailer);
    let response = app
        .get(&format!("/v1/receipts/{id}/file"), Some(&retailer))
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    let pdf = response.bytes().await.expect("pdf").to_vec();
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(pdf.len() < 150 * 1024, "{} bytes", pdf.len());
    assert_eq!(pdf_image_count(&pdf), 1, "the seal stamp");
    let text = pdf_text(&pdf);
    for expected in [
        "거래명세서",
        "No. 261125M00001",
        "행복한꽃집 귀하",
        "123-45-67890",
        "987-65-43210",
        "김도매",
        "(장미)블론디-상",
        "(국화)테데오옐로우-중",
        "(부자재)리본-상",
        "배송비",
        "미정",
        "₩ 25,000",
        "₩ 1,000",
        "₩ 26,000",
        "위 금액을 영수(청구)함",
        "농협 301-0000-0000-00",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    assert!(text.replace(' ', "").contains("1/1쪽"), "page x/y");
    // The shipping fee is printed once, taxable: 5,000 = 4,545 + 455.
    assert_eq!(text.matches("배송비").count(), 1);
    let shipping = text.lines().find(|l| l.contains("배송비")).expect("row");
    for cell in ["5,000", "4,545", "455", "과세"] {
        assert!(shipping.contains(cell), "{shipping}");
    }
    let unpriced = text
        .lines()
        .find(|l| l.contains("테데오옐로우"))
        .expect("row");
    assert!(
        unpriced.contains("미정") && unpriced.contains("면세"),
        "{unpriced}"
    );

    // The row points at the stored object, whose key holds the receipt id.
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM order_sheet_receipts \
             WHERE id = {id} AND issued_by = {} AND byte_size = {} \
               AND storage_key LIKE 'receipts/{sheet}/{id}-%.pdf'",
            p.wholesaler,
            pdf.len()
        ))
        .await,
        1
    );
    let files = support::files_under(&app.dir.join("receipts"));
    assert_eq!(files.len(), 1);
    assert_eq!(std::fs::read(&files[0]).expect("object"), pdf);
    // Beside it, the seal stamp's stored copy.
    let stamps = support::files_under(&app.dir.join("stamps"));
    assert_eq!(stamps.len(), 1);

    let response = app
        .get(&format!("/v1/receipts/{id}"), Some(&retailer))
        .await;
    assert_eq!(response.status(), 200);
    let read: Value = response.json().await.expect("json");
    assert_eq!(read, receipt);
}

#[actix_web::test]
async fn employees_and_core_may_issue_and_nobody_else_sees_anything() {
    let app = start(&[]).await;
    let p = app.parties("").await;
    let sheet = app.sheet(&p, "261125M00002").await;

    let employee = app.token(p.employee, Role::WholesalerEmpe);
    let (status, by_employee) = app.issue(sheet, Some(&employee), None).await;
    assert_eq!(status, 201, "{by_employee}");

    // Core, on behalf of the owner: the body names the issuer.
    let response = app
        .http
        .post(format!("{}/v1/order-sheets/{sheet}/receipts", app.base))
        .bearer_auth(SERVICE_TOKEN)
        .json(&serde_json::json!({ "issuedBy": p.wholesaler }))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 201);
    let by_core: Value = response.json().await.expect("json");
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM order_sheet_receipts WHERE id = {} AND issued_by = {}",
            by_core["id"], p.wholesaler
        ))
        .await,
        1
    );

    let retailer = app.token(p.retailer, Role::Retailer);
    let (status, body) = app.issue(sheet, Some(&retailer), None).await;
    assert_eq!((status, code(&body)), (403, "PERMISSION_DENIED"));
    let other_wholesaler = app.token(p.other_wholesaler, Role::WholesalerEmpr);
    let (status, body) = app.issue(sheet, Some(&other_wholesaler), None).await;
    assert_eq!(
        (status, code(&body)),
        (404, "NO_ORDER_SHEET"),
        "no hint that it exists"
    );
    let (status, body) = app.issue(sheet, None, None).await;
    assert_eq!((status, code(&body)), (401, "UNAUTHENTICATED"));

    let id = by_employee["id"].as_i64().expect("id");
    let other_retailer = app.token(p.other_retailer, Role::Retailer);
    for (token, expected) in [
        (Some(other_retailer.as_str()), 404),
        (Some(other_wholesaler.as_str()), 404),
        (None, 401),
        (Some("not-a-token"), 401),
        (Some(retailer.as_str()), 200),
        (Some(employee.as_str()), 200),
        (Some(SERVICE_TOKEN), 200),
    ] {
        for path in [
            format!("/v1/receipts/{id}"),
            format!("/v1/receipts/{id}/file"),
        ] {
            let response = app.get(&path, token).await;
            assert_eq!(response.status().as_u16(), expected, "{path} {token:?}");
        }
    }
    let admin = app.token(p.admin, Role::Admin);
    assert_eq!(
        app.get(&format!("/v1/receipts/{id}"), Some(&admin))
            .await
            .status(),
        200
    );
    // Issuing stays the supplier's act, even for an admin.
    let (status, _) = app.issue(sheet, Some(&admin), None).await;
    assert_eq!(status, 403);
    assert_eq!(
        app.count("SELECT count(*) AS n FROM order_sheet_receipts")
            .await,
        2
    );
}

#[actix_web::test]
async fn a_retry_returns_the_same_receipt_and_a_reissue_never_overwrites() {
    let app = start(&[]).await;
    let p = app.parties("").await;
    let sheet = app.sheet(&p, "261125M00003").await;
    let owner = app.token(p.wholesaler, Role::WholesalerEmpr);

    let (first_status, first) = app.issue(sheet, Some(&owner), Some("issue-abc-1")).await;
    let (retry_status, retry) = app.issue(sheet, Some(&owner), Some("issue-abc-1")).await;
    assert_eq!((first_status, retry_status), (201, 200));
    assert_eq!(first, retry);
    assert_eq!(app.stored_files().len(), 1, "a retry stores nothing new");
    let first_pdf = app.pdf(first["id"].as_i64().expect("id")).await;

    // A price changes; the statement is issued again.
    app.sql("UPDATE order_items SET price = 2000 WHERE price = 1500")
        .await;
    let (status, second) = app.issue(sheet, Some(&owner), Some("issue-abc-2")).await;
    assert_eq!(status, 201);
    assert_ne!(second["id"], first["id"]);
    assert_eq!(metadata(&second)["total"], 31_000);
    assert_eq!(app.stored_files().len(), 2);
    // The first statement is untouched, byte for byte.
    assert_eq!(app.pdf(first["id"].as_i64().expect("id")).await, first_pdf);
    assert!(pdf_text(&app.pdf(second["id"].as_i64().expect("id")).await).contains("₩ 31,000"));

    let (status, body) = app
        .issue(sheet, Some(&owner), Some("bad key with spaces"))
        .await;
    assert_eq!((status, code(&body)), (400, "INVALID_DATA"));
}

#[actix_web::test]
async fn bad_input_gets_a_stable_code_and_writes_nothing() {
    let app = start(&[]).await;
    let p = app.parties("").await;
    let sheet = app.sheet(&p, "261125M00004").await;
    let owner = app.token(p.wholesaler, Role::WholesalerEmpr);

    let (status, body) = app.issue(987_654, Some(&owner), None).await;
    assert_eq!((status, code(&body)), (404, "NO_ORDER_SHEET"));
    let (status, body) = app.issue(987_654, Some(SERVICE_TOKEN), None).await;
    assert_eq!((status, code(&body)), (404, "NO_ORDER_SHEET"));

    let response = app
        .http
        .post(format!("{}/v1/order-sheets/{sheet}/receipts", app.base))
        .bearer_auth(&owner)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 400);
    let response = app.get("/v1/receipts/abc", Some(&owner)).await;
    assert_eq!(response.status(), 400);
    // A service acting for a user that does not exist (the row would refer
    // to it): the caller's mistake, not a 500 from the foreign key.
    let response = app
        .http
        .post(format!("{}/v1/order-sheets/{sheet}/receipts", app.base))
        .bearer_auth(SERVICE_TOKEN)
        .json(&serde_json::json!({ "issuedBy": 987_654 }))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.expect("json");
    assert_eq!(code(&body), "INVALID_DATA");

    // Every line unpriced.
    app.sql("UPDATE order_items SET price = NULL").await;
    app.sql("UPDATE custom_order_items SET price = NULL").await;
    let (status, body) = app.issue(sheet, Some(&owner), None).await;
    assert_eq!((status, code(&body)), (400, "NO_PRICE_ORDER_ITEM"));

    app.sql("UPDATE order_items SET price = 1000").await;
    app.sql("UPDATE business_infos SET deleted_at = now()")
        .await;
    let (status, body) = app.issue(sheet, Some(&owner), None).await;
    assert_eq!((status, code(&body)), (404, "NO_BUSINESS_INFO"));

    app.sql("UPDATE order_sheets SET deleted_at = now()").await;
    let (status, body) = app.issue(sheet, Some(&owner), None).await;
    assert_eq!((status, code(&body)), (404, "NO_ORDER_SHEET"));

    assert_eq!(
        app.count("SELECT count(*) AS n FROM order_sheet_receipts")
            .await,
        0
    );
    assert!(app.stored_files().is_empty());
}

#[actix_web::test]
async fn two_hundred_lines_paginate_with_the_header_on_every_page() {
    let app = start(&[]).await;
    let p = app.parties("").await;
    let sheet = app.sheet(&p, "261125M00005").await;
    // 198 more flowers: 200 order lines, plus the two free-text lines.
    app.sql(
        "INSERT INTO flowers (name, flower_type_id) \
         SELECT '품종' || g, (SELECT id FROM flower_types WHERE name = '장미') FROM generate_series(1, 198) g",
    )
    .await;
    app.sql(&format!(
        "INSERT INTO order_items (order_sheet_id, retailer_id, wholesaler_id, flower_id, quantity, grade, price) \
         SELECT {sheet}, {}, {}, f.id, 1, '하', 100 FROM flowers f WHERE f.name LIKE '품종%'",
        p.retailer, p.wholesaler
    ))
    .await;
    let owner = app.token(p.wholesaler, Role::WholesalerEmpr);
    let (status, receipt) = app.issue(sheet, Some(&owner), None).await;
    assert_eq!(status, 201, "{receipt}");
    let meta = metadata(&receipt);
    assert_eq!(meta["lines"], 202);
    assert_eq!(meta["total"], 26_000 + 198 * 100);
    let pages = meta["pages"].as_u64().expect("pages");
    assert!(pages >= 5, "{pages} pages");

    let text = pdf_text(&app.pdf(receipt["id"].as_i64().expect("id")).await);
    let page_texts: Vec<&str> = text
        .split('\u{c}')
        .filter(|t| !t.trim().is_empty())
        .collect();
    assert_eq!(page_texts.len() as u64, pages);
    for (i, page) in page_texts.iter().enumerate() {
        assert!(page.contains("거래명세서"), "page {}", i + 1);
        assert!(page.contains("행복한꽃집 귀하"), "page {}", i + 1);
        assert!(page.contains(&format!("₩ {}", "45,800")), "page {}", i + 1);
        let compact = page.replace(' ', "");
        assert!(
            compact.contains(&format!("{}/{pages}쪽", i + 1)),
            "page {}",
            i + 1
        );
    }
    for n in [1, 100, 198] {
        assert!(text.contains(&format!("(장미)품종{n}-하")), "line {n}");
    }
    assert!(page_texts[pages as usize - 1].contains("배송비"));
}

#[actix_web::test]
async fn a_missing_or_broken_stamp_does_not_block_the_statement() {
    let stamps = start_stamp_host();
    let app = start(&[]).await;
    let p = app.parties("").await;
    let sheet = app.sheet(&p, "261125M00006").await;
    let owner = app.token(p.wholesaler, Role::WholesalerEmpr);
    for (url, expected) in [
        (String::new(), "absent"),
        (format!("{}/broken.png", stamps.base), "broken"),
        (format!("{}/nowhere.png", stamps.base), "unavailable"),
        ("http://127.0.0.1:9/seal.png".to_owned(), "unavailable"),
        (format!("{}/seal.png", stamps.base), "embedded"),
    ] {
        app.sql(&format!(
            "UPDATE business_infos SET seal_stamp_img_url = '{url}' WHERE user_id = {}",
            p.wholesaler
        ))
        .await;
        let (status, receipt) = app.issue(sheet, Some(&owner), None).await;
        assert_eq!(status, 201, "{url}: {receipt}");
        assert_eq!(metadata(&receipt)["stamp"], expected, "{url}");
        let pdf = app.pdf(receipt["id"].as_i64().expect("id")).await;
        let images = usize::from(expected == "embedded");
        assert_eq!(pdf_image_count(&pdf), images, "{url}");
        assert!(pdf_text(&pdf).contains("김도매"));
    }
}

#[actix_web::test]
async fn private_stamp_hosts_are_refused_unless_allowed() {
    let stamps = start_stamp_host();
    // An empty value unsets the test harness's 127.0.0.1/32.
    let app = start(&[("RECEIPT_STAMP_ALLOWED_NETWORKS", "")]).await;
    let p = app.parties(&format!("{}/seal.png", stamps.base)).await;
    let sheet = app.sheet(&p, "261125M00007").await;
    let owner = app.token(p.wholesaler, Role::WholesalerEmpr);
    let (status, receipt) = app.issue(sheet, Some(&owner), None).await;
    assert_eq!(status, 201);
    let meta = metadata(&receipt);
    assert_eq!(meta["stamp"], "refused");
    assert_eq!(meta["stampDetail"], "address not allowed");
    assert!(stamps.received().is_empty(), "{:?}", stamps.received());
}

#[actix_web::test]
async fn a_storage_failure_is_retryable_and_leaves_no_row() {
    // The "directory" is a file: every write fails.
    let blocker = support::temp_dir("blocked").join("not-a-dir");
    std::fs::write(&blocker, b"x").expect("file");
    let blocker_s = blocker.display().to_string();
    let app = start(&[("RECEIPT_LOCAL_DIR", blocker_s.as_str())]).await;
    let p = app.parties("").await;
    let sheet = app.sheet(&p, "261125M00008").await;
    let owner = app.token(p.wholesaler, Role::WholesalerEmpr);
    let response = app
        .http
        .post(format!("{}/v1/order-sheets/{sheet}/receipts", app.base))
        .bearer_auth(&owner)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 503);
    assert!(response.headers().contains_key("retry-after"));
    let body: Value = response.json().await.expect("json");
    assert_eq!(code(&body), "STORAGE_UNAVAILABLE");
    assert_eq!(
        app.count("SELECT count(*) AS n FROM order_sheet_receipts")
            .await,
        0
    );
}

#[actix_web::test]
async fn a_failed_insert_removes_the_uploaded_object() {
    let app = start(&[]).await;
    let p = app.parties("").await;
    let sheet = app.sheet(&p, "261125M00009").await;
    app.sql(
        "CREATE FUNCTION refuse_receipts() RETURNS trigger AS $$ \
         BEGIN RAISE EXCEPTION 'refused by test'; END; $$ LANGUAGE plpgsql",
    )
    .await;
    app.sql(
        "CREATE TRIGGER refuse BEFORE INSERT ON order_sheet_receipts \
         FOR EACH ROW EXECUTE FUNCTION refuse_receipts()",
    )
    .await;
    let owner = app.token(p.wholesaler, Role::WholesalerEmpr);
    let (status, body) = app.issue(sheet, Some(&owner), None).await;
    assert_eq!((status, code(&body)), (500, "INTERNAL"));
    assert!(
        app.stored_files().is_empty(),
        "orphan: {:?}",
        app.stored_files()
    );
}

#[actix_web::test]
async fn the_original_render_contract_answers_for_services_only() {
    let app = start(&[]).await;
    let body = serde_json::json!({
        "orderNo": "221215M00001",
        "retailer": { "name": "행복한꽃집" },
        "wholesaler": {
            "businessNo": "123-45-67890", "companyName": "예시원예", "employerName": "김도매",
            "sealStampImgUrl": "", "address": "서울 서초구", "companyPhoneNo": "02-000-0000",
            "businessMainCategory": "도소매", "businessSubCategory": "화훼",
            "bankAccount": "농협 000-0000"
        },
        "orderItems": [
            { "flower": { "name": "블론디", "flowerType": { "name": "장미" } }, "quantity": 3, "grade": "상", "price": 2000 },
            { "flower": { "name": "배송비", "flowerType": { "name": "" } }, "quantity": 1, "grade": "", "price": null }
        ]
    });
    let post = |token: &'static str, body: Value| {
        app.http
            .post(format!("{}/v1/receipts/render", app.base))
            .bearer_auth(token)
            .json(&body)
            .send()
    };
    let response = post(SERVICE_TOKEN, body.clone()).await.expect("request");
    assert_eq!(response.status(), 201);
    let out: Value = response.json().await.expect("json");
    assert_eq!(out["file_name"], "receipt_예시원예_221215M00001");
    assert_eq!(out["file_format"], ".pdf");
    let path = out["file_path"].as_str().expect("path");
    let object = path
        .strip_prefix("https://receipts.example.test")
        .expect("public base");
    let pdf = app
        .get(object, Some(SERVICE_TOKEN))
        .await
        .bytes()
        .await
        .expect("pdf");
    let text = pdf_text(&pdf);
    assert!(
        text.contains("(장미)블론디-상") && text.contains("₩ 6,000"),
        "{text}"
    );

    let mut extra = body.clone();
    extra["unexpected"] = Value::from(1);
    assert_eq!(
        post(SERVICE_TOKEN, extra).await.expect("request").status(),
        400
    );
    // NUL in any text is a clear 400, not an internal error.
    for pointer in [
        "/orderNo",
        "/retailer/name",
        "/wholesaler/companyName",
        "/orderItems/0/grade",
    ] {
        let mut nul = body.clone();
        *nul.pointer_mut(pointer).expect("field") = Value::from("a\u{0}b");
        let response = post(SERVICE_TOKEN, nul).await.expect("request");
        assert_eq!(response.status(), 400, "{pointer}");
        let error: Value = response.json().await.expect("json");
        assert_eq!(code(&error), "INVALID_DATA", "{pointer}");
    }
    let user = app.token(1, Role::WholesalerEmpr);
    let response = app
        .http
        .post(format!("{}/v1/receipts/render", app.base))
        .bearer_auth(&user)
        .json(&body)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 403);
    assert_eq!(app.get(object, Some(&user)).await.status(), 403);
}
