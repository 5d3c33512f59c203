//! The whole HTTP application: routes, middleware stack and graceful serving.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderName, StatusCode, header};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::sensitive_headers::SetSensitiveRequestHeadersLayer;
use tower_http::trace::TraceLayer;
use tracing::Span;
use tradeport_app::App;

use crate::error::ApiError;
use crate::middleware::{BODY_LIMIT, limit_announced_body, request_scope, time_limit, track_metrics};
use crate::security::{client_context, guard_metrics, security_headers};
use crate::{api, health, ui};

/// Settings of the HTTP layer.
#[derive(Clone, Debug)]
pub struct WebConfig {
    /// A request still running after this long is answered with 408 and dropped.
    pub request_timeout: Duration,
    /// The header a trusted reverse proxy sets to the client's address (e.g. `x-forwarded-for`);
    /// without it the socket's peer address is the client's.
    pub trusted_proxy_header: Option<HeaderName>,
    /// Served over HTTPS (by a proxy in front): cookies are `Secure` and HSTS is sent.
    pub secure_cookies: bool,
    /// When set, `/metrics` answers only to `Authorization: Bearer <token>`.
    pub metrics_token: Option<String>,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            request_timeout: Duration::from_secs(30),
            trusted_proxy_header: None,
            secure_cookies: false,
            metrics_token: None,
        }
    }
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Builds the application's router with its middleware.
pub fn build_router(app: App, config: &WebConfig) -> Router {
    let _ = health::prometheus();
    let shared = Arc::new(config.clone());
    let metrics = get(health::metrics).route_layer(from_fn_with_state(shared.clone(), guard_metrics));
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", metrics)
        .merge(api::router(&app))
        .merge(ui::router())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(app)
        .layer(from_fn(request_scope))
        .layer(from_fn_with_state(shared.clone(), client_context))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(from_fn(track_metrics))
        .layer(CompressionLayer::new())
        .layer(from_fn_with_state(config.request_timeout, time_limit))
        .layer(from_fn(limit_announced_body))
        .layer(from_fn_with_state(shared, security_headers))
        .layer(CatchPanicLayer::custom(|_panic: Box<dyn std::any::Any + Send>| {
            tracing::error!("a request handler panicked");
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "an internal error occurred; it was logged")
                .into_response()
        }))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request| {
                    let id = req.headers().get(&REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
                    tracing::info_span!("request", request_id = %id, method = %req.method(), path = %req.uri().path())
                })
                .on_request(())
                .on_response(|res: &Response, latency: Duration, _span: &Span| {
                    tracing::info!(status = res.status().as_u16(), latency_ms = latency.as_secs_f64() * 1000.0, "served");
                }),
        )
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .layer(SetSensitiveRequestHeadersLayer::new([header::AUTHORIZATION, header::COOKIE]))
}

async fn not_found(req: Request) -> Response {
    let wants_html = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"));
    if wants_html && !req.uri().path().starts_with("/api/") {
        return ui::not_found_page(&req).into_response();
    }
    ApiError::new(
        StatusCode::NOT_FOUND,
        "route.not_found",
        format!("no route for {} {}; see /api/docs", req.method(), req.uri().path()),
    )
    .into_response()
}

async fn method_not_allowed(req: Request) -> Response {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "route.method_not_allowed",
        format!("{} is not allowed on {}; see /api/docs", req.method(), req.uri().path()),
    )
    .into_response()
}

/// Serves until `shutdown` completes, then lets requests in flight finish.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
}
