//! `/api/v1` for warehouse operations: receiving settings and bins, inbound notices and their
//! counting, put-away and moves, waves and picking with its exception queue, boxes, packing and
//! hand-over.

mod floor;
mod inbound;
mod outbound;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tradeport_app::App;
use tradeport_app::warehouse::Document;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new().merge(inbound::routes()).merge(floor::routes()).merge(outbound::routes())
}

/// A document as a PDF download.
pub(in crate::api::v1) fn pdf_response(d: Document) -> Response {
    let disposition = format!("inline; filename=\"{}\"", d.file_name.replace('"', ""));
    (
        [(header::CONTENT_TYPE, "application/pdf".to_string()), (header::CONTENT_DISPOSITION, disposition)],
        d.pdf,
    )
        .into_response()
}

#[derive(Serialize, ToSchema)]
pub(in crate::api::v1) struct Items<T: ToSchema> {
    pub(in crate::api::v1) items: Vec<T>,
}
