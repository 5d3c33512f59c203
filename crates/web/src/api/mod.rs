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

/// Completes every operation's responses: the errors the middleware and extractors answer for
/// every route (401, 403, 404, 408, 422, 500; also 400, 409, 413 and 415 where there is a body)
/// in the error shape, and the reason phrase as description where a response
/// has none (OpenAPI requires one).
fn complete_responses(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{RefOr, ResponseBuilder, content::ContentBuilder};
    let error = || {
        let content = ContentBuilder::new()
            .schema(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name("ErrorBody"))))
            .build();
        move |description: &str| {
            ResponseBuilder::new()
                .description(description)
                .content("application/json", content.clone())
                .build()
        }
    };
    let error = error();
    for item in doc.paths.paths.values_mut() {
        let operations = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
        for op in operations.into_iter().flatten() {
            let writes = op.request_body.is_some();
            let mut extra = vec![
                ("401", "Unauthenticated"),
                ("403", "Forbidden"),
                ("404", "Not Found"),
                ("408", "Request Timeout"),
                ("422", "Unprocessable Entity"),
                ("500", "Internal Server Error"),
            ];
            if writes {
                extra.extend([
                    ("400", "Bad Request"),
                    ("409", "Conflict"),
                    ("413", "Payload Too Large"),
                    ("415", "Unsupported Media Type"),
                ]);
            }
            for (status, description) in extra {
                op.responses
                    .responses
                    .entry(status.to_string())
                    .or_insert_with(|| RefOr::T(error(description)));
            }
            for (status, response) in op.responses.responses.iter_mut() {
                if let RefOr::T(r) = response
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

/// The API router (authenticated, idempotent writes; webhooks from carriers, signed instead) and
/// its OpenAPI document, with the viewer.
pub fn router(app: &App) -> Router<App> {
    let (routes, mut doc) =
        OpenApiRouter::with_openapi(ApiDoc::openapi()).merge(v1::routes()).split_for_parts();
    let (hooks, hooks_doc) = OpenApiRouter::new().merge(v1::signed_hooks()).split_for_parts();
    doc.merge(hooks_doc);
    complete_responses(&mut doc);
    let routes = routes
        .layer(from_fn_with_state(app.clone(), middleware::idempotency))
        .layer(from_fn_with_state(app.clone(), middleware::require_api_key));
    Router::new().merge(routes).merge(hooks).merge(SwaggerUi::new("/api/docs").url("/api/openapi.json", doc))
}
