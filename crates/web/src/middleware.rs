//! Middleware: API-key authentication, the Idempotency-Key convention and per-route metrics.

use std::time::Instant;

use axum::body::{Body, to_bytes};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tradeport_app::idempotency::{self, Idempotent};
use tradeport_app::{App, AppError, RequestScope};
use tradeport_domain::access::{AccessError, Principal};

use crate::error::ApiError;

/// Largest request body, in bytes.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// Largest upload (a photo or PDF of evidence) with room for the request around it.
pub const UPLOAD_LIMIT: usize = tradeport_domain::kernel::MAX_EVIDENCE_BYTES + 64 * 1024;

/// Largest order file (CSV or Excel): about 300,000 order rows.
pub const ORDER_FILE_LIMIT: usize = 64 * 1024 * 1024;

/// The body limit of a request to `path`: uploads of evidence and order files may be larger
/// than other requests.
pub fn body_limit(path: &str) -> usize {
    if path.ends_with("/order-imports") || path == "/imports" {
        ORDER_FILE_LIMIT
    } else if path.ends_with("/photos") || path.ends_with("/evidence") {
        UPLOAD_LIMIT
    } else {
        BODY_LIMIT
    }
}

fn too_large(limit: usize) -> Response {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "request.too_large",
        format!(
            "the body is larger than the limit of {} MiB; send less data per request",
            limit / (1024 * 1024)
        ),
    )
    .into_response()
}

/// Resolves `Authorization: Bearer <key>` to a principal, or answers 401.
pub async fn require_api_key(State(app): State<App>, mut req: Request, next: Next) -> Response {
    let header = req.headers().get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("");
    let Some(key) = header.strip_prefix("Bearer ").or_else(|| header.strip_prefix("bearer ")) else {
        return ApiError::from(AppError::Access(AccessError::Unauthenticated)).into_response();
    };
    match tradeport_app::access::authenticate_api_key(&app, key).await {
        Ok(principal) => {
            req.extensions_mut().insert(principal);
            next.run(req).await
        }
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// What a response stores for replays in place of its body, when the body holds a secret that
/// must be shown once only (a new API key): handlers attach it as a response extension.
#[derive(Clone, Debug)]
pub struct ReplayBody(pub String);

impl ReplayBody {
    /// A response whose body holds a secret: a retry with the same Idempotency-Key gets `shown`
    /// (what was made) with `"secret": null` and a note, never the secret again.
    pub fn secret_once(
        status: axum::http::StatusCode,
        body: impl serde::Serialize,
        shown: impl serde::Serialize,
    ) -> axum::response::Response {
        use axum::response::IntoResponse;
        let mut replay = serde_json::to_value(shown).unwrap_or_default();
        replay["secret"] = serde_json::Value::Null;
        replay["secret_note"] =
            "made by the first request with this Idempotency-Key; the secret was shown then only".into();
        let mut response = (status, axum::Json(body)).into_response();
        response.extensions_mut().insert(ReplayBody(replay.to_string()));
        response
    }
}

/// Runs the request inside a fresh [`RequestScope`], so its unit of work can mark an idempotency
/// key and an error can tell whether something was already saved.
pub async fn request_scope(req: Request, next: Next) -> Response {
    let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-").to_string();
    RequestScope::run(&id, next.run(req)).await.0
}

/// Applies the `Idempotency-Key` convention to writes that carry the header (docs/API.md).
pub async fn idempotency(State(app): State<App>, req: Request, next: Next) -> Response {
    let is_write = matches!(*req.method(), Method::POST | Method::PUT | Method::PATCH | Method::DELETE);
    let key = req.headers().get("idempotency-key").map(|v| v.to_str().unwrap_or("\u{1}").to_string());
    let (Some(key), true, Some(principal)) = (key, is_write, req.extensions().get::<Principal>().copied())
    else {
        return next.run(req).await;
    };
    let (parts, body) = req.into_parts();
    let limit = body_limit(parts.uri.path());
    let Ok(bytes) = to_bytes(body, limit).await else {
        return too_large(limit);
    };
    let target = parts.uri.path_and_query().map_or_else(|| parts.uri.path(), |pq| pq.as_str());
    let request_hash = idempotency::fingerprint(parts.method.as_str(), target, &bytes);
    let lease = match idempotency::claim(&app, &principal, &key, &request_hash).await {
        Ok(Idempotent::Run(lease)) => lease,
        Ok(Idempotent::Replay { status, body }) => return replay(status, body),
        Err(e) => return ApiError::from(e).into_response(),
    };
    let Some(scope) = RequestScope::current() else {
        tracing::error!("the idempotency middleware runs outside a request scope");
        return ApiError::from(AppError::Internal("no request scope".into())).into_response();
    };
    scope.set_lease(lease.clone());
    let response = next.run(Request::from_parts(parts, Body::from(bytes))).await;
    let (mut parts, body) = response.into_parts();
    let bytes = to_bytes(body, usize::MAX).await.unwrap_or_default();
    let stored = match parts.extensions.remove::<ReplayBody>() {
        Some(ReplayBody(redacted)) => redacted,
        None => String::from_utf8_lossy(&bytes).into_owned(),
    };
    let succeeded = parts.status.is_success();
    if let Err(e) = idempotency::finish(&app, &lease, succeeded, parts.status.as_u16(), &stored).await {
        tracing::error!(error = %e, "could not record the idempotency key's outcome");
    }
    Response::from_parts(parts, Body::from(bytes))
}

fn replay(status: u16, body: String) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert("content-type", HeaderValue::from_static("application/json"));
    headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
    response
}

/// Counts requests and records their latency per route template (not per concrete path, so ids
/// do not explode the number of series).
pub async fn track_metrics(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = req.extensions().get::<MatchedPath>().map_or("unmatched", |p| p.as_str()).to_string();
    let method = req.method().to_string();
    let response = next.run(req).await;
    let status = response.status().as_u16().to_string();
    let labels = [("method", method), ("route", route)];
    metrics::histogram!("http_request_duration_seconds", &labels).record(started.elapsed().as_secs_f64());
    let [m, r] = labels;
    metrics::counter!("http_requests_total", &[m, r, ("status", status)]).increment(1);
    response
}

/// Refuses a body announced larger than [`BODY_LIMIT`] before reading any of it. (Bodies sent
/// without a length are cut off at the limit by the extractors, with the same error.)
pub async fn limit_announced_body(req: Request, next: Next) -> Response {
    let announced =
        req.headers().get("content-length").and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    let limit = body_limit(req.uri().path());
    if announced.is_some_and(|n| n > limit as u64) {
        return too_large(limit);
    }
    next.run(req).await
}

/// Answers 408 in the error shape when a request runs longer than `limit`; the work is dropped.
pub async fn time_limit(State(limit): State<std::time::Duration>, req: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(response) => response,
        Err(_) => ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "request.timeout",
            format!("the request took longer than {} s and was abandoned; retry it", limit.as_secs()),
        )
        .into_response(),
    }
}
