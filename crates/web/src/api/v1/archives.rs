//! `/api/v1/orders/{id}/archive`: an archived order's file (DONE-2), its manifest and its package.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::Response;
use tradeport_app::App;
use tradeport_app::archive::{self, ArchiveView};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::Auth;

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new().routes(routes!(order_archive)).routes(routes!(order_package))
}

#[utoipa::path(get, path = "/api/v1/orders/{id}/archive", tag = "archive", params(("id" = String, Path)),
    description = "The order's archived file: when it was archived, the package's SHA-256 and size, and the \
                   manifest naming every file with its size and SHA-256. An order is archived a week after its \
                   completion and is read-only from then on (a change answers 409 `order.archived`). 404 `archive` \
                   before. Anyone who sees the order (a merchant: its own).",
    responses((status = 200, body = ArchiveView), (status = 404, body = ErrorBody)))]
async fn order_archive(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<ArchiveView>> {
    Ok(Json(archive::order_archive(&app, &p, &id).await?))
}

#[utoipa::path(get, path = "/api/v1/orders/{id}/archive/package", tag = "archive", params(("id" = String, Path)),
    description = "The archived file as one ZIP: `manifest.json` and the files it names (the order, its audit \
                   trail with the chain proof, confirmation, packing slip, labels, customs forms, outbound notes, \
                   parcels, exception cases, after-sales requests and tickets). Checked against its checksum and its \
                   manifest before it is sent: a damaged package answers 500, never a damaged file.",
    responses((status = 200, content_type = "application/zip"), (status = 404, body = ErrorBody)))]
async fn order_package(State(app): State<App>, Auth(p): Auth, Path(id): Path<String>) -> ApiResult<Response> {
    let package = archive::order_package(&app, &p, &id).await?;
    Ok(crate::download::zip_attachment(&package.file_name, package.bytes))
}
