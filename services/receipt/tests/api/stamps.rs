//! Seal stamps: fetched once per URL under a guard that never reaches an
//! internal address, kept in the object storage, and drawn from there. A
//! local host plays the third-party image host and records what it receives;
//! a scripted lookup plays a rebinding DNS server.

use crate::support;
use crate::support::{SERVICE_TOKEN, pdf_image_count, start, start_stamp_host, start_with_lookup};
use futures_util::future::BoxFuture;
use receipt_service::stamp::{FetchPolicy, Fetcher, Lookup, Network, StampStatus, SystemLookup};
use serde_json::Value;
use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use domain::Role;

fn metadata(receipt: &Value) -> Value {
    serde_json::from_str(receipt["metadata"].as_str().expect("metadata string")).expect("json")
}

fn policy(allowed: &[&str]) -> FetchPolicy {
    FetchPolicy {
        timeout: Duration::from_secs(2),
        max_bytes: 64 * 1024,
        allowed_networks: allowed
            .iter()
            .map(|n| Network::parse(n).expect("network"))
            .collect(),
    }
}

/// A DNS server that answers from a script, one answer per lookup (the last
/// one repeats), and counts the lookups.
struct ScriptedLookup {
    answers: Mutex<Vec<Vec<IpAddr>>>,
    lookups: AtomicUsize,
    names: Mutex<Vec<String>>,
}

impl ScriptedLookup {
    fn new(answers: &[&[&str]]) -> Arc<ScriptedLookup> {
        let answers = answers
            .iter()
            .rev()
            .map(|a| a.iter().map(|ip| ip.parse().expect("ip")).collect())
            .collect();
        Arc::new(ScriptedLookup {
            answers: Mutex::new(answers),
            lookups: AtomicUsize::new(0),
            names: Mutex::new(Vec::new()),
        })
    }
}

impl Lookup for ScriptedLookup {
    fn lookup(&self, host: String) -> BoxFuture<'static, std::io::Result<Vec<IpAddr>>> {
        self.lookups.fetch_add(1, Ordering::SeqCst);
        self.names.lock().expect("names").push(host);
        let mut answers = self.answers.lock().expect("answers");
        let answer = if answers.len() > 1 {
            answers.pop().unwrap_or_default()
        } else {
            answers.last().cloned().unwrap_or_default()
        };
        Box::pin(async move { Ok(answer) })
    }
}

fn refused(outcome: Result<Vec<u8>, StampStatus>) -> String {
    match outcome {
        Err(StampStatus::Refused(why)) => why,
        other => panic!("expected a refusal, got {:?}", other.map(|b| b.len())),
    }
}

/// Under the default policy, every spelling of an internal address is
/// refused before any connection is made: the local host never hears of it.
#[actix_web::test]
async fn internal_addresses_are_refused_in_every_spelling() {
    let host = start_stamp_host();
    let fetcher = Fetcher::new(policy(&[]), Arc::new(SystemLookup)).expect("client");
    let port = host.port;
    for url in [
        format!("http://127.0.0.1:{port}/seal.png"),
        format!("http://localhost:{port}/seal.png"),
        format!("http://0.0.0.0:{port}/seal.png"),
        format!("http://0:{port}/seal.png"),
        format!("http://2130706433:{port}/seal.png"),
        format!("http://0x7f.1:{port}/seal.png"),
        format!("http://127.1:{port}/seal.png"),
        format!("http://[::1]:{port}/seal.png"),
        format!("http://[::]:{port}/seal.png"),
        format!("http://[::ffff:127.0.0.1]:{port}/seal.png"),
        format!("http://[::ffff:7f00:1]:{port}/seal.png"),
        format!("http://[64:ff9b::7f00:1]:{port}/seal.png"),
        format!("http://[fec0::1]:{port}/seal.png"),
        format!("http://[fd00::1]:{port}/seal.png"),
        format!("http://[fe80::1]:{port}/seal.png"),
        format!("http://[ff02::1]:{port}/seal.png"),
        "http://169.254.169.254/latest/meta-data/".to_owned(),
        "http://10.0.0.1/seal.png".to_owned(),
        "http://172.16.0.1/seal.png".to_owned(),
        "http://192.168.1.1/seal.png".to_owned(),
        "http://100.64.0.1/seal.png".to_owned(),
        "http://224.0.0.1/seal.png".to_owned(),
        "http://255.255.255.255/seal.png".to_owned(),
    ] {
        let why = refused(fetcher.fetch(&url).await);
        assert_eq!(why, "address not allowed", "{url}");
    }
    for (url, reason) in [
        ("file:///etc/passwd", "only http(s) URLs are fetched"),
        ("gopher://127.0.0.1/", "only http(s) URLs are fetched"),
        (
            "http://user:pw@example.com/seal.png",
            "URLs with credentials are not fetched",
        ),
        ("not a url", "not a valid URL"),
    ] {
        assert_eq!(refused(fetcher.fetch(url).await), reason, "{url}");
    }
    assert!(host.received().is_empty(), "{:?}", host.received());
}

/// A name is resolved once, every address must pass, and the connection
/// goes to the address that was checked.
#[actix_web::test]
async fn dns_rebinding_cannot_reach_an_internal_address() {
    let host = start_stamp_host();
    let url = format!("http://stamps.example:{}/seal.png", host.port);

    // Checked answer, then a rebound one: only the first is ever asked for
    // and used (the image comes from the host that was checked).
    let rebinding = ScriptedLookup::new(&[&["127.0.0.1"], &["10.0.0.1"]]);
    let fetcher = Fetcher::new(policy(&["127.0.0.1/32"]), rebinding.clone()).expect("client");
    let bytes = fetcher
        .fetch(&url)
        .await
        .expect("the checked address answers");
    assert_eq!(bytes, support::stamp_png());
    assert_eq!(rebinding.lookups.load(Ordering::SeqCst), 1);
    assert_eq!(*rebinding.names.lock().expect("names"), ["stamps.example"]);
    let received = host.received();
    assert_eq!(received.len(), 1);
    assert_eq!(
        received[0],
        (
            "/seal.png".to_owned(),
            format!("stamps.example:{}", host.port)
        )
    );

    // An internal answer first: refused without connecting.
    let internal = ScriptedLookup::new(&[&["10.0.0.1"], &["127.0.0.1"]]);
    let fetcher = Fetcher::new(policy(&["127.0.0.1/32"]), internal.clone()).expect("client");
    assert_eq!(refused(fetcher.fetch(&url).await), "address not allowed");
    // One answer mixing an allowed and an internal address, or none at all.
    for answer in [&["127.0.0.1", "10.0.0.1"][..], &["127.0.0.1", "::1"], &[]] {
        let lookup = ScriptedLookup::new(&[answer]);
        let fetcher = Fetcher::new(policy(&["127.0.0.1/32"]), lookup).expect("client");
        assert_eq!(
            refused(fetcher.fetch(&url).await),
            "address not allowed",
            "{answer:?}"
        );
    }
    assert_eq!(host.received().len(), 1, "{:?}", host.received());
}

#[actix_web::test]
async fn redirects_oversize_and_non_images_are_not_stamps() {
    let host = start_stamp_host();
    let fetcher = Fetcher::new(policy(&["127.0.0.1/32"]), Arc::new(SystemLookup)).expect("client");
    let redirect = fetcher.fetch(&format!("{}/redirect", host.base)).await;
    assert_eq!(refused(redirect), "redirects are not followed");
    assert_eq!(
        host.received()
            .iter()
            .map(|(p, _)| p.as_str())
            .collect::<Vec<_>>(),
        ["/redirect"],
        "the redirect target is never requested"
    );
    let big = fetcher.fetch(&format!("{}/big.png", host.base)).await;
    assert!(
        matches!(&big, Err(StampStatus::Broken(why)) if why.contains("larger than 65536 bytes")),
        "{big:?}"
    );
    let missing = fetcher.fetch(&format!("{}/nowhere.png", host.base)).await;
    assert_eq!(
        missing,
        Err(StampStatus::Unavailable("HTTP 404".to_owned()))
    );

    // Through the service: format and pixel bounds are checked before storing.
    let app = start(&[("RECEIPT_STAMP_MAX_SIDE_PX", "16")]).await;
    let p = app.parties(&format!("{}/seal.png", host.base)).await;
    for (path, detail) in [
        ("/seal.png", "32x32 pixels (at most 16 on each side)"),
        ("/stamp.gif", "not a PNG or JPEG image"),
        ("/broken.png", "not a PNG or JPEG image"),
    ] {
        app.sql(&format!(
            "UPDATE business_infos SET seal_stamp_img_url = '{}{path}' WHERE user_id = {}",
            host.base, p.wholesaler
        ))
        .await;
        let (status, body) = refresh(&app, p.wholesaler, SERVICE_TOKEN).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["status"], "broken", "{path}: {body}");
        assert_eq!(body["detail"], detail, "{path}");
    }
    assert!(support::files_under(&app.dir.join("stamps")).is_empty());
}

async fn refresh(app: &support::App, user: i64, token: &str) -> (u16, Value) {
    let response = app
        .http
        .post(format!("{}/v1/users/{user}/seal-stamp", app.base))
        .bearer_auth(token)
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or_default())
}

/// The stamp is fetched when asked for (core's hook after a business-info
/// save), stored, and statements draw the stored copy without fetching.
#[actix_web::test]
async fn statements_draw_the_stored_copy_fetched_once() {
    let host = start_stamp_host();
    let lookup = ScriptedLookup::new(&[&["127.0.0.1"]]);
    let app = start_with_lookup(&[], Some(lookup.clone())).await;
    let url = format!("http://stamps.example:{}/seal.png", host.port);
    let p = app.parties(&url).await;
    let sheet = app.sheet(&p, "261205M00001").await;
    let owner = app.token(p.wholesaler, Role::WholesalerEmpr);

    // Who may ask: core, the wholesaler itself, an admin; nobody else.
    let stranger = app.token(p.other_wholesaler, Role::WholesalerEmpr);
    let retailer = app.token(p.retailer, Role::Retailer);
    assert_eq!(refresh(&app, p.wholesaler, &stranger).await.0, 403);
    assert_eq!(refresh(&app, p.wholesaler, &retailer).await.0, 403);
    assert_eq!(refresh(&app, p.other_retailer, SERVICE_TOKEN).await.0, 404);
    assert!(host.received().is_empty());

    let (status, stamp) = refresh(&app, p.wholesaler, SERVICE_TOKEN).await;
    assert_eq!(status, 200, "{stamp}");
    assert_eq!(stamp["status"], "stored");
    assert_eq!(stamp["contentType"], "image/png");
    assert_eq!(
        (stamp["width"].as_i64(), stamp["height"].as_i64()),
        (Some(32), Some(32))
    );
    assert_eq!(
        stamp["byteSize"].as_u64(),
        Some(support::stamp_png().len() as u64)
    );
    let stored = support::files_under(&app.dir.join("stamps"));
    assert_eq!(stored.len(), 1, "{stored:?}");
    assert_eq!(
        std::fs::read(&stored[0]).expect("object"),
        support::stamp_png()
    );
    assert_eq!(host.received().len(), 1);

    for _ in 0..2 {
        let (status, receipt) = app.issue(sheet, Some(&owner), None).await;
        assert_eq!(status, 201, "{receipt}");
        assert_eq!(metadata(&receipt)["stamp"], "embedded");
        let pdf = app.pdf(receipt["id"].as_i64().expect("id")).await;
        assert_eq!(pdf_image_count(&pdf), 1);
    }
    assert_eq!(
        host.received().len(),
        1,
        "statements never fetch a stored stamp"
    );
    assert_eq!(lookup.lookups.load(Ordering::SeqCst), 1);

    // A new URL with no stored copy yet: the first statement fetches it
    // once, the next one draws the stored copy.
    app.sql(&format!(
        "UPDATE business_infos SET seal_stamp_img_url = '{url}?v=2' WHERE user_id = {}",
        p.wholesaler
    ))
    .await;
    for _ in 0..2 {
        let (status, receipt) = app.issue(sheet, Some(&owner), None).await;
        assert_eq!(status, 201);
        assert_eq!(metadata(&receipt)["stamp"], "embedded");
    }
    assert_eq!(host.received().len(), 2, "{:?}", host.received());
    assert_eq!(
        app.count("SELECT count(*) AS n FROM seal_stamps WHERE status = 'STORED'")
            .await,
        2
    );

    // The owner may refresh its own stamp (the image behind a URL can change).
    assert_eq!(refresh(&app, p.wholesaler, &owner).await.0, 200);
    assert_eq!(host.received().len(), 3);
}

/// A refused URL is recorded once and not tried again for each statement.
#[actix_web::test]
async fn a_refused_stamp_is_not_fetched_for_every_statement() {
    let lookup = ScriptedLookup::new(&[&["169.254.169.254"]]);
    let app = start_with_lookup(
        &[("RECEIPT_STAMP_ALLOWED_NETWORKS", "")],
        Some(lookup.clone()),
    )
    .await;
    let p = app
        .parties("http://metadata.example/latest/meta-data/iam")
        .await;
    let sheet = app.sheet(&p, "261205M00002").await;
    let owner = app.token(p.wholesaler, Role::WholesalerEmpr);
    for _ in 0..3 {
        let (status, receipt) = app.issue(sheet, Some(&owner), None).await;
        assert_eq!(status, 201);
        let meta = metadata(&receipt);
        assert_eq!(meta["stamp"], "refused");
        assert_eq!(meta["stampDetail"], "address not allowed");
    }
    assert_eq!(lookup.lookups.load(Ordering::SeqCst), 1);
    assert_eq!(
        app.count("SELECT count(*) AS n FROM seal_stamps WHERE status = 'REFUSED'")
            .await,
        1
    );
}

/// A stored copy this process never saw (another replica fetched it) is read
/// from the object storage; a missing object leaves the stamp out.
#[actix_web::test]
async fn the_stored_copy_is_read_from_the_object_storage() {
    let app = start(&[]).await;
    let url = "https://stamps.example/seal.png";
    let p = app.parties(url).await;
    let sheet = app.sheet(&p, "261205M00003").await;
    let owner = app.token(p.wholesaler, Role::WholesalerEmpr);
    let key = format!("stamps/{}/from-another-replica.png", p.wholesaler);
    let path = app.dir.join(&key);
    std::fs::create_dir_all(path.parent().expect("dir")).expect("dir");
    std::fs::write(&path, support::stamp_png()).expect("object");
    app.sql(&format!(
        "INSERT INTO seal_stamps (user_id, source_url, status, storage_key, content_type, byte_size, width, height) \
         VALUES ({}, '{url}', 'STORED', '{key}', 'image/png', 1, 32, 32)",
        p.wholesaler
    ))
    .await;
    let (status, receipt) = app.issue(sheet, Some(&owner), None).await;
    assert_eq!(status, 201, "{receipt}");
    assert_eq!(metadata(&receipt)["stamp"], "embedded");
    assert_eq!(
        pdf_image_count(&app.pdf(receipt["id"].as_i64().expect("id")).await),
        1
    );

    let other = start(&[]).await;
    let p = other.parties(url).await;
    let sheet = other.sheet(&p, "261205M00004").await;
    other
        .sql(&format!(
            "INSERT INTO seal_stamps (user_id, source_url, status, storage_key) \
             VALUES ({}, '{url}', 'STORED', 'stamps/{}/gone.png')",
            p.wholesaler, p.wholesaler
        ))
        .await;
    let owner = other.token(p.wholesaler, Role::WholesalerEmpr);
    let (status, receipt) = other.issue(sheet, Some(&owner), None).await;
    assert_eq!(status, 201);
    let meta = metadata(&receipt);
    assert_eq!(meta["stamp"], "unavailable");
    assert_eq!(meta["stampDetail"], "stored copy unreadable");
}
