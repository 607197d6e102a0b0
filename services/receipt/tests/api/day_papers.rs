//! The day's papers over real HTTP on a seeded day (`db::testing::pick_day`):
//! the pick list and packing slips on A4 and on the 80 mm roll, read back
//! with pdftotext and pdfinfo; who may print them; bad days and layouts.

use crate::support::{App, Parties, SERVICE_TOKEN, pdf_text, start, temp_dir};
use db::testing::pick_day::{BUSY_DAY, BUSY_LINES, DAY, PICK_LIST, SLIPS};
use domain::Role;
use std::process::Command;

async fn seeded() -> (App, Parties) {
    let app = start(&[]).await;
    let p = app.parties("").await;
    app.db.pick_day(p.wholesaler, p.other_wholesaler).await;
    (app, p)
}

/// The PDF at `path`, checked to be a fresh (never cached) PDF.
async fn pdf(app: &App, path: &str, token: &str) -> Vec<u8> {
    let response = app.get(path, Some(token)).await;
    assert_eq!(response.status(), 200, "{path}");
    let header = |name: &str| response.headers()[name].to_str().expect("ascii").to_owned();
    assert_eq!(header("content-type"), "application/pdf");
    assert_eq!(header("cache-control"), "no-store");
    response.bytes().await.expect("body").to_vec()
}

/// `pdfinfo`'s `Page size` (width, height in points) and page count.
fn pdf_info(pdf: &[u8]) -> ((f32, f32), usize) {
    let dir = temp_dir("pdfinfo");
    let file = dir.join("paper.pdf");
    std::fs::write(&file, pdf).expect("write pdf");
    let output = Command::new("pdfinfo")
        .arg(&file)
        .output()
        .unwrap_or_else(|e| panic!("pdfinfo missing ({e}): run `make tools` (poppler-utils)"));
    let _ = std::fs::remove_dir_all(dir);
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name))
            .map(str::trim)
            .unwrap_or_else(|| panic!("no {name} in {text}"))
            .to_owned()
    };
    let size = field("Page size:");
    let numbers: Vec<f32> = size
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    let pages = field("Pages:").parse().expect("page count");
    ((numbers[0], numbers[1]), pages)
}

/// Whether some line of `text` holds `words` in this order.
fn has_row(text: &str, words: &[&str]) -> bool {
    text.lines().any(|line| {
        let mut tokens = line.split_whitespace();
        words.iter().all(|w| tokens.any(|t| t == *w))
    })
}

fn grade(g: &str) -> &str {
    if g.is_empty() { "-" } else { g }
}

#[actix_web::test]
async fn the_pick_list_prints_the_days_sums_on_a4_and_on_the_roll() {
    let (app, p) = seeded().await;
    let owner = app.token(p.wholesaler, Role::WholesalerEmpr);
    let a4 = pdf(&app, &format!("/v1/pick-lists/{DAY}?layout=a4"), &owner).await;
    let text = pdf_text(&a4);
    assert!(text.contains("피킹 리스트"), "{text}");
    assert!(text.contains("(주)양재꽃도매/본점"), "{text}");
    assert!(
        text.contains("품목 8개 · 총 77송이 · 주문서 4장 · 꽃집 3곳"),
        "{text}"
    );
    assert!(has_row(&text, &["합계", "77송이"]), "{text}");
    for (n, (kind, flower, g, free, stems, sheets, florists)) in PICK_LIST.iter().enumerate() {
        let number = (n + 1).to_string();
        let (stems, sheets, florists) =
            (stems.to_string(), sheets.to_string(), florists.to_string());
        let mut row = vec![number.as_str(), kind, flower];
        if *free {
            row.push("(직접입력)");
        }
        row.extend([grade(g), &stems, &sheets, &florists]);
        assert!(has_row(&text, &row), "{row:?} in\n{text}");
    }
    for absent in ["배송비", "포장지", "100", "200", "300"] {
        assert!(!has_row(&text, &[absent]), "{absent} in\n{text}");
    }
    let ((w, h), pages) = pdf_info(&a4);
    assert!(
        (w - 595.28).abs() < 0.5 && (h - 841.89).abs() < 0.5,
        "{w} x {h}"
    );
    assert_eq!(pages, 1);
    // An employee prints its employer's list, and the service names it.
    let employee = app.token(p.employee, Role::WholesalerEmpe);
    let by_employee = pdf_text(&pdf(&app, &format!("/v1/pick-lists/{DAY}"), &employee).await);
    assert!(has_row(&by_employee, &["합계", "77송이"]), "{by_employee}");
    let path = format!("/v1/pick-lists/{DAY}?wholesalerId={}", p.wholesaler);
    let by_service = pdf_text(&pdf(&app, &path, SERVICE_TOKEN).await);
    assert!(has_row(&by_service, &["합계", "77송이"]), "{by_service}");

    let roll = pdf(
        &app,
        &format!("/v1/pick-lists/{DAY}?layout=thermal"),
        &owner,
    )
    .await;
    let ((w, h), pages) = pdf_info(&roll);
    assert!((w - 226.77).abs() < 0.5, "80 mm wide: {w}");
    assert!(h > 300.0, "one long column: {h}");
    assert_eq!(pages, 1);
    let text = pdf_text(&roll);
    assert!(has_row(&text, &["합계", "77송이"]), "{text}");
    assert!(has_row(&text, &["장미", "블론디", "상", "21"]), "{text}");
    assert!(
        has_row(&text, &["기타", "안개꽃", "(직접입력)", "-", "5"]),
        "{text}"
    );
    assert!(text.contains("절취선"), "{text}");
}

#[actix_web::test]
async fn packing_slips_print_a_slip_per_florist_on_a4_and_on_the_roll() {
    let (app, p) = seeded().await;
    let owner = app.token(p.wholesaler, Role::WholesalerEmpr);
    let a4 = pdf(&app, &format!("/v1/packing-slips/{DAY}"), &owner).await;
    let ((w, _), pages) = pdf_info(&a4);
    assert!((w - 595.28).abs() < 0.5, "{w}");
    assert_eq!(pages, SLIPS.len(), "a page per slip");
    let text = pdf_text(&a4);
    for (name, company, orders, _, stems) in SLIPS {
        assert!(text.contains(name), "{name} in\n{text}");
        if let Some(company) = company.filter(|c| c != name) {
            assert!(text.contains(&format!("{name} ({company})")), "{text}");
        }
        for order in *orders {
            assert!(text.contains(order), "{order} in\n{text}");
        }
        assert!(
            has_row(&text, &["합계", &format!("{stems}송이")]),
            "{stems} in\n{text}"
        );
    }
    assert!(
        has_row(&text, &["장미", "블론디", "상", "10", "가시", "제거"]),
        "{text}"
    );
    assert!(has_row(&text, &["장미", "블론디", "상", "7"]), "{text}");
    assert!(
        !text.contains("배송비") && !text.contains("260302M90007"),
        "{text}"
    );
    assert!(
        !text.contains("260301M90005") && !text.contains("260302M90006"),
        "{text}"
    );
    // Slips by florist name: 가든플라워, 나리꽃방, 해바라기꽃집.
    let at = |s: &str| text.find(s).unwrap_or_else(|| panic!("{s}"));
    assert!(at("가든플라워") < at("나리꽃방") && at("나리꽃방") < at("해바라기꽃집"));

    let roll = pdf(
        &app,
        &format!("/v1/packing-slips/{DAY}?layout=thermal"),
        &owner,
    )
    .await;
    let ((w, _), pages) = pdf_info(&roll);
    assert!((w - 226.77).abs() < 0.5, "80 mm wide: {w}");
    assert_eq!(pages, 1);
    let text = pdf_text(&roll);
    assert_eq!(text.matches("절취선").count(), 1 + SLIPS.len(), "{text}");
    for (name, _, orders, _, stems) in SLIPS {
        assert!(text.contains(name), "{text}");
        for order in *orders {
            assert!(text.contains(order), "{text}");
        }
        assert!(has_row(&text, &["합계", &format!("{stems}송이")]), "{text}");
    }
    assert!(text.contains("메모: 가시 제거"), "{text}");
}

#[actix_web::test]
async fn only_the_wholesalers_company_prints_its_day() {
    let (app, p) = seeded().await;
    let pending = app
        .db
        .account("양재꽃도매", Role::WholesalerEmpe, "01011110009")
        .await;
    let code = |status: u16| move |body: serde_json::Value| (status, body["error"]["code"].clone());
    for route in ["pick-lists", "packing-slips"] {
        let path = format!("/v1/{route}/{DAY}");
        let refused = [
            (None, path.clone(), 401, "UNAUTHENTICATED"),
            (
                Some(app.token(p.retailer, Role::Retailer)),
                path.clone(),
                403,
                "PERMISSION_DENIED",
            ),
            (
                Some(app.token(p.admin, Role::Admin)),
                path.clone(),
                403,
                "PERMISSION_DENIED",
            ),
            (
                Some(app.token(p.other_wholesaler, Role::WholesalerEmpr)),
                format!("{path}?wholesalerId={}", p.wholesaler),
                403,
                "PERMISSION_DENIED",
            ),
            (
                Some(app.token(pending, Role::WholesalerEmpe)),
                path.clone(),
                400,
                "NO_WHOLESALE_CONNECTION",
            ),
            (
                Some(SERVICE_TOKEN.to_owned()),
                path.clone(),
                400,
                "INVALID_DATA",
            ),
            (
                Some(SERVICE_TOKEN.to_owned()),
                format!("{path}?wholesalerId={}", p.retailer),
                404,
                "NO_WHOLESALER",
            ),
        ];
        for (token, path, status, expected) in refused {
            let response = app.get(&path, token.as_deref()).await;
            let got = response.status().as_u16();
            let body: serde_json::Value = response.json().await.unwrap_or_default();
            assert_eq!(code(got)(body), (status, expected.into()), "{path}");
        }
    }
    // Another wholesaler prints its own day: its one sheet, none of ours.
    let other = app.token(p.other_wholesaler, Role::WholesalerEmpr);
    let text = pdf_text(&pdf(&app, &format!("/v1/pick-lists/{DAY}"), &other).await);
    assert!(has_row(&text, &["합계", "300송이"]), "{text}");
    assert!(!text.contains("77송이") && !text.contains("국화"), "{text}");
    let text = pdf_text(&pdf(&app, &format!("/v1/packing-slips/{DAY}"), &other).await);
    assert!(
        text.contains("260302M90007") && !text.contains("260302M90001"),
        "{text}"
    );
}

#[actix_web::test]
async fn a_bad_day_or_layout_is_a_400_with_a_stable_code() {
    let (app, p) = seeded().await;
    let owner = app.token(p.wholesaler, Role::WholesalerEmpr);
    let cases = [
        ("2026-02-30", "", "INVALID_FORMAT"),
        ("yesterday", "", "INVALID_FORMAT"),
        ("20260302", "", "INVALID_FORMAT"),
        ("1999-12-31", "", "INVALID_DATA"),
        (DAY, "?layout=a5", "INVALID_DATA"),
        (DAY, "?layout=", "INVALID_DATA"),
        (DAY, "?wholesalerId=abc", "INVALID_DATA"),
        (DAY, "?wholesalerId=-1", "INVALID_DATA"),
    ];
    for route in ["pick-lists", "packing-slips"] {
        for (day, query, expected) in cases {
            let path = format!("/v1/{route}/{day}{query}");
            let response = app.get(&path, Some(&owner)).await;
            assert_eq!(response.status(), 400, "{path}");
            let body: serde_json::Value = response.json().await.expect("JSON");
            assert_eq!(body["error"]["code"], expected, "{path}");
        }
    }
    // An empty day is a paper that says so, not an error.
    let text = pdf_text(&pdf(&app, "/v1/pick-lists/2026-03-04?layout=thermal", &owner).await);
    assert!(text.contains("이 날의 주문이 없습니다."), "{text}");
}

#[actix_web::test]
async fn a_busy_day_prints_on_several_pages_each_with_its_header() {
    let app = start(&[]).await;
    let p = app.parties("").await;
    app.db.busy_day(p.wholesaler).await;
    let owner = app.token(p.wholesaler, Role::WholesalerEmpr);
    let started = std::time::Instant::now();
    let roll = pdf(
        &app,
        &format!("/v1/pick-lists/{BUSY_DAY}?layout=thermal"),
        &owner,
    )
    .await;
    let roll_took = started.elapsed();
    let ((w, h), pages) = pdf_info(&roll);
    assert!((w - 226.77).abs() < 0.5 && h <= 14_000.0, "{w} x {h}");
    assert!(pages >= 2, "a roll past 14,000 pt goes on: {pages}");
    let text = pdf_text(&roll);
    assert!(has_row(&text, &["합계", "4,000송이"]), "{text}");
    assert!(text.contains(&format!("품목 {BUSY_LINES}개")), "{text}");
    // On A4 the 700 lines take several pages, each with the title and the
    // column header; the pages after the first say they continue.
    let a4 = pdf(&app, &format!("/v1/pick-lists/{BUSY_DAY}"), &owner).await;
    let (_, pages) = pdf_info(&a4);
    assert!(pages >= 2, "{pages}");
    let text = pdf_text(&a4);
    let header = [
        "No",
        "품목",
        "품종",
        "등급",
        "수량",
        "주문서",
        "꽃집",
        "확인",
    ];
    let headers = text.lines().filter(|l| has_row(l, &header)).count();
    assert_eq!(headers, pages, "a header on every page");
    assert_eq!(text.matches("피킹 리스트 · 2026-03-05").count(), pages);
    assert_eq!(text.matches("(계속)").count(), pages - 1);
    assert!(
        has_row(&text, &["700", "기타", "자유품목699", "(직접입력)", "상"]),
        "the last line: {text}"
    );
    let started = std::time::Instant::now();
    let a4 = pdf(&app, &format!("/v1/packing-slips/{BUSY_DAY}"), &owner).await;
    let a4_took = started.elapsed();
    let (_, pages) = pdf_info(&a4);
    assert_eq!(pages, 150, "a page per florist");
    eprintln!(
        "busy day (2,000 sheets): pick list roll {roll_took:?} ({} KB), slips A4 {a4_took:?} ({} KB)",
        roll.len() / 1024,
        a4.len() / 1024
    );
}
