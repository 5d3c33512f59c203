//! `/api/v1/audit`: the audit trail's chain (SYS-1), verified for the operator, and an order's
//! trail exported with each event's link as its proof.

use axum::Json;
use axum::extract::{Path, State};
use tradeport_app::App;
use tradeport_app::audit::{self, ChainReport, OrderAudit};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::Auth;

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new().routes(routes!(verify_chain)).routes(routes!(order_audit))
}

#[utoipa::path(get, path = "/api/v1/audit/chain", tag = "audit",
    description = "Verifies the operator's audit chain link by link: every sealed event against its link (`breaks` \
                   names each event changed or deleted in the database and each link removed or rewritten), and \
                   the events older than an hour that have no link (`unsealed`). `head_seq` and `head_hash` are the \
                   last link: kept outside the database, they prove later that nothing before them changed. Admins \
                   and supervisors.",
    responses((status = 200, body = ChainReport), (status = 403, body = ErrorBody)))]
async fn verify_chain(State(app): State<App>, Auth(p): Auth) -> ApiResult<Json<ChainReport>> {
    Ok(Json(audit::verify_chain(&app, &p).await?))
}

#[utoipa::path(get, path = "/api/v1/orders/{id}/audit", tag = "audit", params(("id" = String, Path)),
    description = "The order's audit trail for export: every event with all its fields and its link in the \
                   operator's chain (`seq`, `prev_hash`, `hash`; `proven` when the hash recomputed from the event is \
                   the link's), how a hash is made (`method`), and the chain's last link now. Events younger than the \
                   sealer's last round have no link yet. Anyone who sees the order (a merchant: its own).",
    responses((status = 200, body = OrderAudit), (status = 404, body = ErrorBody)))]
async fn order_audit(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<OrderAudit>> {
    Ok(Json(audit::order_audit(&app, &p, &id).await?))
}
