//! The JSON API: `/api/v1` routes, their OpenAPI document and the interactive viewer.

mod v1;

use axum::Router;
use axum::middleware::from_fn_with_state;
use tradeport_app::App;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_swagger_ui::SwaggerUi;

use crate::middleware;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Tradeport API",
        description = "Orders, stock, warehouse, shipping and after-sales for cross-border e-commerce. \
                       Errors, pagination and idempotency: docs/API.md."
    ),
    modifiers(&BearerAuth),
    security(("api_key" = [])),
    components(schemas(crate::error::ErrorBody))
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            let scheme = HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("tpk_…").build();
            components.add_security_scheme("api_key", SecurityScheme::Http(scheme));
        }
    }
}

/// The API router (authenticated, idempotent writes) and its OpenAPI document, with the viewer.
pub fn router(app: &App) -> Router<App> {
    let (routes, doc) = OpenApiRouter::with_openapi(ApiDoc::openapi()).merge(v1::routes()).split_for_parts();
    let routes = routes
        .layer(from_fn_with_state(app.clone(), middleware::idempotency))
        .layer(from_fn_with_state(app.clone(), middleware::require_api_key));
    Router::new().merge(routes).merge(SwaggerUi::new("/api/docs").url("/api/openapi.json", doc))
}
