//! `/api/v1` for warehouse operations: receiving settings and bins, inbound notices and their
//! counting, put-away and moves, waves and picking with its exception queue, boxes, packing and
//! hand-over.

mod floor;
mod inbound;
mod outbound;

use serde::Serialize;
use tradeport_app::App;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new().merge(inbound::routes()).merge(floor::routes()).merge(outbound::routes())
}

pub(in crate::api::v1) use crate::download::pdf_response;

#[derive(Serialize, ToSchema)]
pub(in crate::api::v1) struct Items<T: ToSchema> {
    pub(in crate::api::v1) items: Vec<T>,
}
