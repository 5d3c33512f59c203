//! Liveness, readiness and Prometheus metrics.

use std::sync::OnceLock;
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use tradeport_app::App;

/// The process-wide metrics recorder (one per process, however many apps it runs).
pub fn prometheus() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];
        let builder =
            PrometheusBuilder::new().set_buckets(&buckets).unwrap_or_else(|_| PrometheusBuilder::new());
        match builder.install_recorder() {
            Ok(handle) => handle,
            // Another recorder is installed (an embedding program's); render from a private one.
            Err(_) => PrometheusBuilder::new().build_recorder().handle(),
        }
    })
}

/// Drains recorded latencies into their buckets every five seconds, so memory stays flat however
/// rarely `/metrics` is scraped. Call once from inside the runtime.
pub fn spawn_metrics_upkeep() {
    tokio::spawn(async {
        let mut tick = tokio::time::interval(Duration::from_secs(5));
        loop {
            tick.tick().await;
            prometheus().run_upkeep();
        }
    });
}

/// 200 while the process runs.
pub async fn healthz() -> &'static str {
    "ok"
}

/// 200 when the database answers within two seconds, else 503.
pub async fn readyz(State(app): State<App>) -> Response {
    match tokio::time::timeout(Duration::from_secs(2), app.db().ping()).await {
        Ok(Ok(())) => (StatusCode::OK, "ready").into_response(),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database did not answer within 2 s").into_response(),
    }
}

/// Prometheus text format: requests and latency per route, database pool usage, and each
/// sales-channel connection's health (failures since its last success, seconds since its last
/// delivery and since its last success: a poller's lag).
pub async fn metrics(State(app): State<App>) -> Response {
    let (size, idle) = app.db().pool_usage();
    metrics::gauge!("db_pool_connections").set(f64::from(size));
    metrics::gauge!("db_pool_idle_connections").set(idle as f64);
    match tradeport_app::channels::connection_health(&app).await {
        Ok(all) => {
            for c in all {
                let labels = [("connection", c.id), ("kind", c.kind)];
                metrics::gauge!("channel_connection_failures", &labels).set(c.failures as f64);
                let seconds = |s: Option<i64>| s.map_or(-1.0, |s| s as f64);
                metrics::gauge!("channel_connection_seconds_since_delivery", &labels)
                    .set(seconds(c.since_delivery_s));
                metrics::gauge!("channel_connection_seconds_since_success", &labels)
                    .set(seconds(c.since_success_s));
            }
        }
        Err(e) => tracing::warn!(error = %e, "channel health not read for /metrics"),
    }
    let handle = prometheus();
    handle.run_upkeep();
    ([("content-type", "text/plain; version=0.0.4")], handle.render()).into_response()
}
