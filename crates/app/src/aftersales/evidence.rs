//! Evidence with an after-sales request (AFS-6): photos or documents from the buyer (through the
//! tracking page's link), from staff and merchants, and from the inspection at the warehouse;
//! each on the order's timeline.

use tradeport_domain::access::{Actor, Permission, Principal};
use tradeport_domain::kernel::TenantId;
use tradeport_store::aftersales::requests::{self, RequestRow, RequestsOf};
use tradeport_store::evidence::{self, EvidenceOf};

use super::RequestView;
use crate::evidence::EvidenceView;
use crate::{App, AppError, AppResult};

fn base(id: &str) -> String {
    format!("/api/v1/aftersales-requests/{id}")
}

async fn request_in_reach(
    app: &App,
    (operator, merchant): (TenantId, Option<TenantId>),
    of: RequestsOf<'_>,
) -> AppResult<RequestRow> {
    let mut conn = app.db().read().await?;
    requests::find(&mut conn, operator, merchant, of, 1)
        .await?
        .pop()
        .ok_or(AppError::NotFound("after-sales request"))
}

async fn keep_with(
    app: &App,
    operator: TenantId,
    actor: Actor,
    row: &RequestRow,
    file_name: &str,
    bytes: &[u8],
) -> AppResult<()> {
    let kept = crate::evidence::keep(app, file_name, bytes).await?;
    let mut tx = app.begin().await?;
    evidence::add_in_tx(&mut tx, operator, EvidenceOf::Request(&row.id), &kept).await?;
    let event = tradeport_store::events::NewEvent {
        merchant_id: Some(row.merchant_id),
        data:
            serde_json::json!({ "rma_no": row.rma_no, "file_name": kept.file_name, "bytes": kept.size_bytes })
                .to_string(),
        ..app.event(actor, "order", row.order_id, "aftersales_evidence")
    };
    tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
    tx.commit().await?;
    Ok(())
}

/// Keeps a photo or document with a request: staff and merchants who file requests, and the
/// warehouse (inspection photos).
pub async fn add_request_evidence(
    app: &App,
    principal: &Principal,
    id: &str,
    file_name: &str,
    bytes: &[u8],
) -> AppResult<RequestView> {
    if !principal.role.can(Permission::OperateWarehouse) {
        principal.require(Permission::FileAftersales)?;
    }
    let scope = (principal.scope.operator_id, principal.scope.merchant_id);
    let row = request_in_reach(app, scope, RequestsOf::Id(id.trim())).await?;
    keep_with(app, scope.0, principal.actor, &row, file_name, bytes).await?;
    super::get_request(app, principal, &row.id).await
}

/// Keeps the buyer's photo with one of their requests, from the tracking page.
pub async fn add_evidence_from_tracking(
    app: &App,
    token: &str,
    rma_no: &str,
    file_name: &str,
    bytes: &[u8],
) -> AppResult<()> {
    let (operator, order) = crate::shipping::tracking_target(app, token).await?;
    let row = request_in_reach(app, (operator, None), RequestsOf::Rma(rma_no)).await?;
    if row.order_id != order {
        return Err(AppError::NotFound("after-sales request"));
    }
    keep_with(app, operator, Actor::System, &row, file_name, bytes).await
}

/// The request's evidence as listed.
pub(crate) async fn evidence_of(
    conn: &mut tradeport_store::AnyConnection,
    operator: TenantId,
    id: &str,
) -> AppResult<Vec<EvidenceView>> {
    let rows = evidence::list(conn, operator, EvidenceOf::Request(id)).await?;
    Ok(rows.into_iter().map(|e| EvidenceView::of(e, &base(id))).collect())
}

/// A request's photo or document: its media type and bytes.
pub async fn request_evidence(
    app: &App,
    principal: &Principal,
    id: &str,
    evidence_id: &str,
) -> AppResult<(String, Vec<u8>)> {
    principal.require(Permission::ViewOrders)?;
    let scope = (principal.scope.operator_id, principal.scope.merchant_id);
    let row = request_in_reach(app, scope, RequestsOf::Id(id.trim())).await?;
    let mut conn = app.db().read().await?;
    let rows = evidence::list(&mut conn, scope.0, EvidenceOf::Request(&row.id)).await?;
    drop(conn);
    crate::evidence::read(app, rows, evidence_id).await
}
