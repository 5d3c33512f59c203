//! Tradeport's HTTP face: the JSON API under `/api/v1` with its OpenAPI document, the
//! server-rendered web UI, health and metrics endpoints, and the middleware around them.
//!
//! Handlers only translate: HTTP in, one `tradeport_app` use case, HTTP out. No SQL, no business
//! rules.

mod api;
mod download;
mod error;
mod extract;
mod health;
mod middleware;
mod router;
pub mod security;
mod ui;

pub use axum::http::HeaderName;
pub use health::spawn_metrics_upkeep;
pub use router::{WebConfig, build_router, serve};
