//! Saving business info has the receipt service fetch, check and keep the
//! seal stamp at once, so no statement ever fetches a URL at render time.
//! The stamp host is a local server (allowed for this test through
//! RECEIPT_STAMP_ALLOWED_NETWORKS; by default loopback is refused).

use actix_web::{App, HttpResponse, HttpServer, web};
use e2e::Platform;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

fn png() -> Vec<u8> {
    let mut bytes = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut bytes, 16, 16);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().expect("png header");
        writer
            .write_image_data(&[200u8; 16 * 16 * 4])
            .expect("png data");
    }
    bytes
}

/// Serves the stamp and counts how often it was fetched.
async fn stamp_host(fetched: Arc<AtomicUsize>) -> String {
    let image = png();
    let server = HttpServer::new(move || {
        let (fetched, image) = (fetched.clone(), image.clone());
        App::new().route(
            "/seal.png",
            web::get().to(move || {
                fetched.fetch_add(1, Ordering::SeqCst);
                let image = image.clone();
                async move { HttpResponse::Ok().content_type("image/png").body(image) }
            }),
        )
    })
    .workers(1)
    .bind(("127.0.0.1", 0))
    .expect("bind");
    let port = server.addrs()[0].port();
    tokio::spawn(server.run());
    format!("http://127.0.0.1:{port}/seal.png")
}

#[derive(diesel::QueryableByName, Debug)]
struct Stamp {
    #[diesel(sql_type = diesel::sql_types::Text)]
    status: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    source_url: String,
}

async fn stamps(platform: &Platform) -> Vec<Stamp> {
    use diesel_async::RunQueryDsl;
    let mut conn = platform.db.pool().get().await.expect("conn");
    diesel::sql_query("SELECT status, source_url FROM seal_stamps ORDER BY id")
        .load(&mut conn)
        .await
        .expect("stamps")
}

#[tokio::test]
async fn saving_business_info_keeps_the_stamp_before_any_statement() {
    let fetched = Arc::new(AtomicUsize::new(0));
    let url = stamp_host(fetched.clone()).await;
    let platform = Platform::start_with(&[
        ("RECEIPT_STAMP_ALLOWED_NETWORKS", "127.0.0.1/32"),
        ("ORDER_BATCH_AT", "off"),
    ])
    .await;
    let (owner, owner_id) = platform
        .account("그린도매", "01011110001", "WHOLESALER_EMPR")
        .await;
    platform.business_info(&owner, owner_id, &url).await;

    let deadline = Instant::now() + Duration::from_secs(10);
    let kept = loop {
        let kept = stamps(&platform).await;
        if !kept.is_empty() {
            break kept;
        }
        assert!(Instant::now() < deadline, "no stamp kept after the save");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(kept[0].status, "STORED", "{kept:?}");
    assert_eq!(kept[0].source_url, url);
    assert_eq!(fetched.load(Ordering::SeqCst), 1);
}
