//! `/api/v1`: one module per context.

mod access;
mod inventory;
mod orders;

use tradeport_app::App;
use utoipa_axum::router::OpenApiRouter;

/// Every v1 route.
pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new().merge(access::routes()).merge(inventory::routes()).merge(orders::routes())
}
