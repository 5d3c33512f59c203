//! What every response carries and what every request is known by: the client's address (from
//! the socket, or from one configured header set by a trusted proxy, never from any header a
//! client sends), whether it came over TLS (a configuration switch), security headers on every
//! response, and the optional protection of `/metrics`.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::WebConfig;
use crate::error::ApiError;

/// Who is asking, as far as the server can trust it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientContext {
    /// The client's IP address.
    pub ip: String,
    /// Whether the client reached us over HTTPS (then cookies are `Secure` and HSTS is sent).
    pub secure: bool,
}

/// The client's address: the last entry of the trusted proxy's header (the one that proxy
/// appended), else the socket's peer.
pub fn client_ip(req: &Request, trusted_header: Option<&HeaderName>) -> String {
    let from_proxy = trusted_header
        .and_then(|h| req.headers().get(h))
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit(',').next())
        .map(str::trim)
        .filter(|v| v.parse::<std::net::IpAddr>().is_ok());
    match from_proxy {
        Some(ip) => ip.to_string(),
        None => req
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map_or_else(|| "unknown".to_string(), |c| c.0.ip().to_string()),
    }
}

/// Puts a [`ClientContext`] into the request's extensions.
pub async fn client_context(State(config): State<Arc<WebConfig>>, mut req: Request, next: Next) -> Response {
    let context = ClientContext {
        ip: client_ip(&req, config.trusted_proxy_header.as_ref()),
        secure: config.secure_cookies,
    };
    req.extensions_mut().insert(context);
    next.run(req).await
}

/// The content security policy of the UI: everything from this origin, nothing framed. Inline
/// styles stay allowed (templates set a few); inline scripts do not.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
                   object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// Adds the security headers to every response. Swagger UI (`/api/docs`) runs inline scripts, so
/// it gets the framing and sniffing rules but not the script policy.
pub async fn security_headers(State(config): State<Arc<WebConfig>>, req: Request, next: Next) -> Response {
    let docs = req.uri().path().starts_with("/api/docs");
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    let csp = if docs { "frame-ancestors 'none'" } else { CSP };
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(csp));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    if config.secure_cookies {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
    }
    response
}

/// Refuses `/metrics` without `Authorization: Bearer <metrics token>` when a token is configured.
pub async fn guard_metrics(State(config): State<Arc<WebConfig>>, req: Request, next: Next) -> Response {
    if let Some(token) = &config.metrics_token {
        let sent = req.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).unwrap_or("");
        let given = sent.strip_prefix("Bearer ").unwrap_or("");
        if !crate::ui::tokens_match(given, token) {
            return ApiError::new(
                StatusCode::UNAUTHORIZED,
                "auth.unauthenticated",
                "/metrics needs the metrics token: send Authorization: Bearer <TRADEPORT_METRICS_TOKEN>",
            )
            .into_response();
        }
    }
    next.run(req).await
}
