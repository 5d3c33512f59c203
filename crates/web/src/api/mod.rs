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

/// Gives every response without a description its status's reason phrase: OpenAPI requires one,
/// and most of ours are self-explanatory ("OK", "Created", "Not Found").
fn describe_responses(doc: &mut utoipa::openapi::OpenApi) {
    for item in doc.paths.paths.values_mut() {
        let operations = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
        for op in operations.into_iter().flatten() {
            for (status, response) in op.responses.responses.iter_mut() {
                if let utoipa::openapi::RefOr::T(r) = response
                    && r.description.is_empty()
                {
                    let reason =
                        status.parse::<u16>().ok().and_then(|c| axum::http::StatusCode::from_u16(c).ok());
                    r.description =
                        reason.and_then(|c| c.canonical_reason()).unwrap_or("Response").to_string();
                }
            }
        }
    }
}

/// The API router (authenticated, idempotent writes) and its OpenAPI document, with the viewer.
pub fn router(app: &App) -> Router<App> {
    let (routes, mut doc) =
        OpenApiRouter::with_openapi(ApiDoc::openapi()).merge(v1::routes()).split_for_parts();
    describe_responses(&mut doc);
    let routes = routes
        .layer(from_fn_with_state(app.clone(), middleware::idempotency))
        .layer(from_fn_with_state(app.clone(), middleware::require_api_key));
    Router::new().merge(routes).merge(SwaggerUi::new("/api/docs").url("/api/openapi.json", doc))
}
