//! `/api/v1`: one module per context.

mod access;

use tradeport_app::App;
use utoipa_axum::router::OpenApiRouter;

/// Every v1 route.
pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new().merge(access::routes())
}
