//! The S3 storage path against s3s-fs, a real S3-compatible server that
//! checks SigV4 signatures (installed by `make tools`; these tests fail, not
//! skip, when it is missing).

use crate::support;
use crate::support::{S3_KEY, S3_SECRET, S3Server, pdf_text, start};
use domain::Role;
use serde_json::Value;

async fn s3_app(server: &S3Server, bucket: &str, secret: &str) -> support::App {
    start(&[
        ("RECEIPT_STORAGE", "s3"),
        ("RECEIPT_S3_BUCKET", bucket),
        ("RECEIPT_S3_ENDPOINT", server.endpoint.as_str()),
        ("RECEIPT_S3_PATH_STYLE", "true"),
        ("AWS_REGION", "us-east-1"),
        ("AWS_ACCESS_KEY_ID", S3_KEY),
        ("AWS_SECRET_ACCESS_KEY", secret),
    ])
    .await
}

#[actix_web::test]
async fn statements_are_stored_in_s3_and_served_back() {
    let server = S3Server::start();
    let s3 = server.client().await;
    s3.create_bucket()
        .bucket("receipts")
        .send()
        .await
        .expect("create bucket");
    let app = s3_app(&server, "receipts", S3_SECRET).await;
    let p = app.parties("").await;
    let sheet = app.sheet(&p, "261125M00101").await;
    let owner = app.token(p.wholesaler, Role::WholesalerEmpr);

    let (status, first) = app.issue(sheet, Some(&owner), None).await;
    assert_eq!(status, 201, "{first}");
    let (status, second) = app.issue(sheet, Some(&owner), None).await;
    assert_eq!(status, 201, "{second}");
    let meta: Value =
        serde_json::from_str(first["metadata"].as_str().expect("metadata")).expect("json");
    assert_eq!(meta["storage"], "s3");

    let listed = s3
        .list_objects_v2()
        .bucket("receipts")
        .send()
        .await
        .expect("list");
    let keys: Vec<String> = listed
        .contents()
        .iter()
        .filter_map(|o| o.key().map(str::to_owned))
        .collect();
    assert_eq!(keys.len(), 2, "{keys:?}");
    for receipt in [&first, &second] {
        let id = receipt["id"].as_i64().expect("id");
        let key = keys
            .iter()
            .find(|k| k.starts_with(&format!("receipts/{sheet}/{id}-")))
            .unwrap_or_else(|| panic!("no object for receipt {id} in {keys:?}"));
        let object = s3
            .get_object()
            .bucket("receipts")
            .key(key)
            .send()
            .await
            .expect("get");
        assert_eq!(object.content_type(), Some("application/pdf"));
        let stored = object
            .body
            .collect()
            .await
            .expect("body")
            .into_bytes()
            .to_vec();
        let served = app.pdf(id).await;
        assert_eq!(stored, served);
        assert!(pdf_text(&served).contains("261125M00101"));
    }
}

#[actix_web::test]
async fn an_unreachable_or_refusing_store_is_retryable_and_leaves_no_row() {
    let server = S3Server::start();
    server
        .client()
        .await
        .create_bucket()
        .bucket("receipts")
        .send()
        .await
        .expect("create bucket");

    // A wrong secret: s3s-fs rejects the signature.
    let app = s3_app(&server, "receipts", "wrong-secret").await;
    let p = app.parties("").await;
    let sheet = app.sheet(&p, "261125M00102").await;
    let owner = app.token(p.wholesaler, Role::WholesalerEmpr);
    let (status, body) = app.issue(sheet, Some(&owner), None).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["error"]["code"], "STORAGE_UNAVAILABLE");
    assert_eq!(
        app.count("SELECT count(*) AS n FROM order_sheet_receipts")
            .await,
        0
    );

    // Nothing listening at all.
    drop(server);
    let closed = S3Server::start();
    let endpoint = closed.endpoint.clone();
    drop(closed);
    let app = start(&[
        ("RECEIPT_STORAGE", "s3"),
        ("RECEIPT_S3_BUCKET", "receipts"),
        ("RECEIPT_S3_ENDPOINT", endpoint.as_str()),
        ("RECEIPT_S3_PATH_STYLE", "true"),
        ("AWS_REGION", "us-east-1"),
        ("AWS_ACCESS_KEY_ID", S3_KEY),
        ("AWS_SECRET_ACCESS_KEY", S3_SECRET),
    ])
    .await;
    let p = app.parties("").await;
    let sheet = app.sheet(&p, "261125M00104").await;
    let owner = app.token(p.wholesaler, Role::WholesalerEmpr);
    let (status, _) = app.issue(sheet, Some(&owner), None).await;
    assert_eq!(status, 503);
    assert_eq!(
        app.count("SELECT count(*) AS n FROM order_sheet_receipts")
            .await,
        0
    );
}

#[actix_web::test]
async fn seal_stamps_are_kept_in_s3_as_images() {
    let server = S3Server::start();
    let s3 = server.client().await;
    s3.create_bucket()
        .bucket("receipts")
        .send()
        .await
        .expect("create bucket");
    let host = support::start_stamp_host();
    let app = s3_app(&server, "receipts", S3_SECRET).await;
    let p = app.parties(&format!("{}/seal.png", host.base)).await;
    let sheet = app.sheet(&p, "261205M00101").await;
    let owner = app.token(p.wholesaler, Role::WholesalerEmpr);
    let (status, receipt) = app.issue(sheet, Some(&owner), None).await;
    assert_eq!(status, 201, "{receipt}");
    let meta: Value =
        serde_json::from_str(receipt["metadata"].as_str().expect("metadata")).expect("json");
    assert_eq!(meta["stamp"], "embedded");
    let listed = s3
        .list_objects_v2()
        .bucket("receipts")
        .prefix(format!("stamps/{}/", p.wholesaler))
        .send()
        .await
        .expect("list");
    let keys: Vec<&str> = listed.contents().iter().filter_map(|o| o.key()).collect();
    assert_eq!(keys.len(), 1, "{keys:?}");
    let object = s3
        .get_object()
        .bucket("receipts")
        .key(keys[0])
        .send()
        .await
        .expect("get");
    assert_eq!(object.content_type(), Some("image/png"));
    let bytes = object.body.collect().await.expect("body").into_bytes();
    assert_eq!(bytes.as_ref(), support::stamp_png().as_slice());
}
