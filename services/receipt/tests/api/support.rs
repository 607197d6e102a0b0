//! Test harness: the real receipt service on a fresh database, a seeded order
//! sheet, tokens for each party, a stand-in host for seal-stamp images (a
//! third-party URL in production), s3s-fs for the S3 path, and pdftotext to
//! read statements back.
#![allow(dead_code)]

use chrono::Utc;
pub use db::testing::temp_dir;
use db::testing::{TestDb, free_port};
use domain::{Role, UserId};
use platform::auth::{TokenIssuer, TokenKind};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

pub const SERVICE_TOKEN: &str = "test-service-token";

pub struct App {
    pub base: String,
    pub http: reqwest::Client,
    pub db: TestDb,
    pub dir: PathBuf,
    issuer: TokenIssuer,
}

pub struct Parties {
    pub wholesaler: i64,
    pub employee: i64,
    pub retailer: i64,
    pub other_retailer: i64,
    pub other_wholesaler: i64,
    pub admin: i64,
}

/// Starts the service; `extra` overrides or adds variables.
pub async fn start(extra: &[(&str, &str)]) -> App {
    start_with_lookup(extra, None).await
}

/// As [`start`], resolving seal-stamp hosts with `lookup` when given.
pub async fn start_with_lookup(
    extra: &[(&str, &str)],
    lookup: Option<std::sync::Arc<dyn receipt_service::stamp::Lookup>>,
) -> App {
    let db = TestDb::new().await;
    let keys = platform::auth::generate_keys().expect("keys");
    let dir = temp_dir("store");
    let dir_s = dir.display().to_string();
    let mut pairs: Vec<(&str, &str)> = vec![
        ("DATABASE_URL", db.url()),
        ("RECEIPT_PORT", "0"),
        ("HTTP_WORKERS", "1"),
        ("JWT_PUBLIC_KEY", keys.public_key.as_str()),
        ("SERVICE_TOKEN", SERVICE_TOKEN),
        ("RECEIPT_LOCAL_DIR", dir_s.as_str()),
        // The stamp host below listens on 127.0.0.1, which the default
        // policy refuses; tests of the refusals unset this.
        ("RECEIPT_STAMP_ALLOWED_NETWORKS", "127.0.0.1/32"),
        ("RECEIPT_PUBLIC_BASE_URL", "https://receipts.example.test"),
        // Nothing listens here: a failing SMS must not fail the issue.
        ("MESSAGING_URL", "http://127.0.0.1:9"),
        ("RECEIPT_NOTIFY_TIMEOUT_MS", "500"),
    ];
    for (k, v) in extra {
        pairs.retain(|(name, _)| name != k);
        pairs.push((k, v));
    }
    let env = platform::config::Env::from_pairs(pairs);
    let config = receipt_service::Config::from_env(&env).expect("configuration");
    let running = match lookup {
        Some(lookup) => receipt_service::Application::build_with_lookup(config, lookup).await,
        None => receipt_service::Application::build(config).await,
    }
    .expect("receipt starts");
    let base = format!("http://127.0.0.1:{}", running.port);
    actix_web::rt::spawn(running.server);
    App {
        base,
        http: reqwest::Client::new(),
        db,
        dir,
        issuer: TokenIssuer::from_signing_key(&keys.signing_key).expect("signing key"),
    }
}

impl App {
    pub fn token(&self, user: i64, role: Role) -> String {
        self.issuer
            .issue(UserId::new(user), role, TokenKind::Access, Utc::now())
    }

    pub async fn sql(&self, statement: &str) {
        self.db.sql(statement).await;
    }

    pub async fn count(&self, query: &str) -> i64 {
        self.db.count(query).await
    }

    /// Two wholesalers (one with an employee), two retailers, an admin, and
    /// the first wholesaler's business info with `stamp_url`.
    pub async fn parties(&self, stamp_url: &str) -> Parties {
        let db = &self.db;
        let wholesaler = db
            .account("양재꽃도매", Role::WholesalerEmpr, "01011110001")
            .await;
        let employee = db
            .account("양재꽃도매", Role::WholesalerEmpe, "01011110002")
            .await;
        let retailer = db
            .account("행복한꽃집", Role::Retailer, "01011110003")
            .await;
        let other_retailer = db.account("다른꽃집", Role::Retailer, "01011110004").await;
        let other_wholesaler = db
            .account("남의도매", Role::WholesalerEmpr, "01011110005")
            .await;
        let admin = db.account("관리자", Role::Admin, "01011110006").await;
        let mut conn = self.db.pool().get().await.expect("conn");
        db::connections::link_employee(&mut conn, wholesaler, employee)
            .await
            .expect("link");
        let fields = db::business_infos::BusinessInfoFields {
            company_name: "(주)양재꽃도매/본점".into(),
            company_phone_no: "02-579-0000".into(),
            employer_name: "김도매".into(),
            address: "서울특별시 서초구 강남대로 27 양재꽃시장 가동 101호".into(),
            business_no: "123-45-67890".into(),
            business_main_category: "도소매".into(),
            business_sub_category: "화훼".into(),
            seal_stamp_img_url: stamp_url.into(),
            bank_account: "농협 301-0000-0000-00 (주)양재꽃도매".into(),
        };
        db::business_infos::upsert(&mut conn, wholesaler, &fields)
            .await
            .expect("business info");
        let buyer = db::business_infos::BusinessInfoFields {
            company_name: "행복한꽃집".into(),
            business_no: "987-65-43210".into(),
            employer_name: "이소매".into(),
            ..fields.clone()
        };
        db::business_infos::upsert(&mut conn, retailer, &buyer)
            .await
            .expect("buyer info");
        Parties {
            wholesaler,
            employee,
            retailer,
            other_retailer,
            other_wholesaler,
            admin,
        }
    }

    /// A sheet with two flowers (one unpriced), a free-text line and the
    /// shipping fee; returns its id. Expected totals: 26,000 = 25,000 supply
    /// + 1,000 VAT (the taxable free-text lines), one unpriced line.
    pub async fn sheet(&self, p: &Parties, order_no: &str) -> i64 {
        self.sql(
            "INSERT INTO flower_types (name) VALUES ('장미'), ('국화') ON CONFLICT DO NOTHING",
        )
        .await;
        self.sql(
            "INSERT INTO flowers (name, flower_type_id) \
             SELECT '블론디', id FROM flower_types WHERE name = '장미' \
             UNION ALL SELECT '테데오옐로우', id FROM flower_types WHERE name = '국화' \
             ON CONFLICT DO NOTHING",
        )
        .await;
        self.sql(&format!(
            "INSERT INTO order_sheets (order_no, retailer_id, wholesaler_id) VALUES ('{order_no}', {}, {})",
            p.retailer, p.wholesaler
        ))
        .await;
        let sheet = self
            .count(&format!(
                "SELECT id AS n FROM order_sheets WHERE order_no = '{order_no}'"
            ))
            .await;
        self.sql(&format!(
            "INSERT INTO order_items (order_sheet_id, retailer_id, wholesaler_id, flower_id, quantity, grade, price) \
             SELECT {sheet}, {r}, {w}, f.id, 10, '상', 1500 FROM flowers f WHERE f.name = '블론디' \
             UNION ALL SELECT {sheet}, {r}, {w}, f.id, 5, '중', NULL FROM flowers f WHERE f.name = '테데오옐로우'",
            r = p.retailer,
            w = p.wholesaler
        ))
        .await;
        self.sql(&format!(
            "INSERT INTO custom_order_items (order_sheet_id, retailer_id, wholesaler_id, flower_name, flower_type_name, quantity, grade, price) VALUES \
             ({sheet}, {r}, {w}, '리본', '부자재', 2, '상', 3000), \
             ({sheet}, {r}, {w}, '배송비', NULL, NULL, NULL, 5000)",
            r = p.retailer,
            w = p.wholesaler
        ))
        .await;
        sheet
    }

    pub async fn issue(
        &self,
        sheet: i64,
        token: Option<&str>,
        key: Option<&str>,
    ) -> (u16, serde_json::Value) {
        let mut request = self
            .http
            .post(format!("{}/v1/order-sheets/{sheet}/receipts", self.base))
            .json(&serde_json::json!({}));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(key) = key {
            request = request.header("Idempotency-Key", key);
        }
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or_default())
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> reqwest::Response {
        let mut request = self.http.get(format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("request")
    }

    /// The PDF of a receipt, read through the API as the service.
    pub async fn pdf(&self, receipt_id: i64) -> Vec<u8> {
        let response = self
            .get(
                &format!("/v1/receipts/{receipt_id}/file"),
                Some(SERVICE_TOKEN),
            )
            .await;
        assert_eq!(response.status(), 200);
        assert_eq!(
            response.headers()["content-type"].to_str().expect("ascii"),
            "application/pdf"
        );
        response.bytes().await.expect("body").to_vec()
    }

    pub fn stored_files(&self) -> Vec<PathBuf> {
        files_under(&self.dir)
    }
}

pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(files_under(&path));
            } else {
                out.push(path);
            }
        }
    }
    out
}

fn poppler(tool: &str, pdf: &[u8], args: &[&str]) -> String {
    let dir = temp_dir("pdf");
    let file = dir.join("statement.pdf");
    std::fs::write(&file, pdf).expect("write pdf");
    let output = Command::new(tool)
        .args(args)
        .arg(&file)
        .arg("-")
        .output()
        .unwrap_or_else(|e| panic!("{tool} missing ({e}): run `make tools` (poppler-utils)"));
    let _ = std::fs::remove_dir_all(dir);
    assert!(output.status.success(), "{tool} failed");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The statement's text as pdftotext extracts it (layout kept).
pub fn pdf_text(pdf: &[u8]) -> String {
    poppler("pdftotext", pdf, &["-layout"])
}

/// Number of images drawn (the seal stamp is the only one).
pub fn pdf_image_count(pdf: &[u8]) -> usize {
    let dir = temp_dir("img");
    let file = dir.join("statement.pdf");
    std::fs::write(&file, pdf).expect("write pdf");
    let output = Command::new("pdfimages")
        .arg("-list")
        .arg(&file)
        .output()
        .unwrap_or_else(|e| panic!("pdfimages missing ({e}): run `make tools` (poppler-utils)"));
    let _ = std::fs::remove_dir_all(dir);
    // Two header lines; an RGBA stamp lists as an image plus its soft mask.
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .skip(2)
        .filter(|l| l.split_whitespace().nth(2) == Some("image"))
        .count()
}

/// A stand-in for the host of seal-stamp images (a third-party URL). It
/// records every request it receives (path and Host header), so a test can
/// tell whether the service reached it at all.
pub struct StampHost {
    pub base: String,
    pub port: u16,
    received: std::sync::Arc<std::sync::Mutex<Vec<(String, String)>>>,
}

impl StampHost {
    /// `(path with query, Host header)` of each request, in order.
    pub fn received(&self) -> Vec<(String, String)> {
        self.received.lock().expect("log").clone()
    }
}

pub fn stamp_png() -> Vec<u8> {
    let mut bytes = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut bytes, 32, 32);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().expect("png header");
        let data: Vec<u8> = (0..32 * 32)
            .flat_map(|i| {
                if i % 3 == 0 {
                    [200, 20, 20, 255]
                } else {
                    [0, 0, 0, 0]
                }
            })
            .collect();
        writer.write_image_data(&data).expect("png data");
    }
    bytes
}

/// Serves `/seal.png` (a 32x32 PNG, any query), `/broken.png` (HTML),
/// `/big.png` (a PNG padded past 64 KiB), `/stamp.gif` and `/redirect`
/// (302 to `/seal.png`); anything else is a 404.
pub fn start_stamp_host() -> StampHost {
    use actix_web::{App as ActixApp, HttpRequest, HttpResponse, HttpServer, web};
    type Log = std::sync::Arc<std::sync::Mutex<Vec<(String, String)>>>;
    let received: Log = Default::default();
    let log = web::Data::new(received.clone());
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    async fn serve(req: HttpRequest, log: web::Data<Log>) -> HttpResponse {
        let host = req
            .headers()
            .get("host")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let target = req
            .uri()
            .path_and_query()
            .map(|p| p.to_string())
            .unwrap_or_default();
        log.lock().expect("log").push((target, host));
        match req.path() {
            "/seal.png" => HttpResponse::Ok()
                .content_type("image/png")
                .body(stamp_png()),
            "/broken.png" => HttpResponse::Ok()
                .content_type("image/png")
                .body("<html>not an image</html>"),
            "/big.png" => {
                let mut bytes = stamp_png();
                bytes.resize(70_000, 0);
                HttpResponse::Ok().content_type("image/png").body(bytes)
            }
            "/stamp.gif" => HttpResponse::Ok()
                .content_type("image/gif")
                .body(&b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"[..]),
            "/redirect" => HttpResponse::Found()
                .insert_header(("location", "/seal.png"))
                .finish(),
            _ => HttpResponse::NotFound().finish(),
        }
    }
    let server = HttpServer::new(move || {
        ActixApp::new()
            .app_data(log.clone())
            .default_service(web::to(serve))
    })
    .workers(1)
    .listen(listener)
    .expect("listen")
    .run();
    actix_web::rt::spawn(server);
    StampHost {
        base: format!("http://127.0.0.1:{port}"),
        port,
        received,
    }
}

/// s3s-fs on a free port with a temporary root; stopped on drop.
pub struct S3Server {
    child: Child,
    pub endpoint: String,
    pub root: PathBuf,
}

pub const S3_KEY: &str = "receipt-test-key";
pub const S3_SECRET: &str = "receipt-test-secret";

impl S3Server {
    pub fn start() -> S3Server {
        let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.tools/bin/s3s-fs");
        assert!(
            bin.exists(),
            "s3s-fs is not installed at {}: run `make tools` (scripts/tools.sh) first",
            bin.display()
        );
        let port = free_port();
        let root = temp_dir("s3");
        let child = Command::new(&bin)
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            .args(["--access-key", S3_KEY, "--secret-key", S3_SECRET])
            .arg(&root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start s3s-fs");
        // Readiness: wait until the port accepts connections (setup, not a
        // timing assertion).
        for _ in 0..200 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(25));
        }
        S3Server {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
            root,
        }
    }

    pub async fn client(&self) -> aws_sdk_s3::Client {
        let shared = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .region(aws_sdk_s3::config::Region::new("us-east-1"))
            .endpoint_url(&self.endpoint)
            .credentials_provider(aws_sdk_s3::config::Credentials::new(
                S3_KEY, S3_SECRET, None, None, "test",
            ))
            .load()
            .await;
        aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::config::Builder::from(&shared)
                .force_path_style(true)
                .build(),
        )
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.root);
    }
}
