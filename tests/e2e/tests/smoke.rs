//! The platform starts: all four real binaries answer their probes against one
//! fresh database, and request ids travel with the response.

use e2e::{Platform, Service};

#[tokio::test]
async fn all_four_services_become_ready() {
    let platform = Platform::start().await;
    for service in Service::ALL {
        let response = platform
            .http
            .get(format!("{}/readyz", platform.url(service)))
            .send()
            .await
            .expect("readyz");
        assert_eq!(response.status(), 200, "{} /readyz", service.binary());
        let body: serde_json::Value = response.json().await.expect("json");
        assert_eq!(body["database"], "ok");

        let health = platform
            .http
            .get(format!("{}/healthz", platform.url(service)))
            .header("x-request-id", "smoke-1")
            .send()
            .await
            .expect("healthz");
        assert_eq!(health.status(), 200);
        assert_eq!(health.headers()["x-request-id"], "smoke-1");
    }
}
