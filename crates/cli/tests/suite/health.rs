//! Liveness, readiness and metrics.

use reqwest::StatusCode;
use tradeport_testkit::{DbKind, TestApp, db_tests};

db_tests!(
    readyz_turns_503_while_the_database_is_gone_and_200_when_it_is_back,
    metrics_count_requests_per_route
);

async fn ready(app: &TestApp) -> StatusCode {
    app.client.get(app.url("/readyz")).send().await.unwrap().status()
}

async fn readyz_turns_503_while_the_database_is_gone_and_200_when_it_is_back(app: TestApp) {
    assert_eq!(ready(&app).await, StatusCode::OK);
    assert_eq!(app.client.get(app.url("/healthz")).send().await.unwrap().status(), StatusCode::OK);
    match app.kind {
        DbKind::Sqlite => {
            let path = app.sqlite_path.clone().unwrap();
            let moved = path.with_extension("away");
            std::fs::rename(&path, &moved).unwrap();
            assert_eq!(ready(&app).await, StatusCode::SERVICE_UNAVAILABLE);
            std::fs::rename(&moved, &path).unwrap();
        }
        DbKind::Postgres => {
            let db = app.pg_database.clone().unwrap();
            app.pg_admin(&format!("ALTER DATABASE {db} ALLOW_CONNECTIONS false")).await;
            app.pg_admin(&format!(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{db}'"
            ))
            .await;
            assert_eq!(ready(&app).await, StatusCode::SERVICE_UNAVAILABLE);
            app.pg_admin(&format!("ALTER DATABASE {db} ALLOW_CONNECTIONS true")).await;
        }
    }
    assert_eq!(ready(&app).await, StatusCode::OK);
}

async fn metrics_count_requests_per_route(app: TestApp) {
    let s = app.seed("acme").await;
    let tenant = s.merchant_a.id;
    let res = app
        .client
        .get(app.url(&format!("/api/v1/tenants/{tenant}")))
        .bearer_auth(&s.admin_key)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers().contains_key("x-request-id"));
    let text = app.client.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(
        text.contains("http_requests_total{method=\"GET\",route=\"/api/v1/tenants/{id}\",status=\"200\"}"),
        "{text}"
    );
    assert!(text.contains("http_request_duration_seconds_bucket"), "latency histogram");
    assert!(text.contains("db_pool_connections"), "pool usage");
    assert!(!text.contains(&tenant.to_string()), "concrete ids never become labels");
}
