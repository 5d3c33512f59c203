//! Legal holds: an order named by a court case or an authority is kept whatever its retention,
//! out of every deletion proposal and every erasure, until the hold is released. Placing and
//! releasing are events of the order.

use serde::Serialize;
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::kernel::{FieldError, OrderId};
use tradeport_store::retention::{self, HoldRow};

use super::erase::when;
use crate::words::actor_text;
use crate::{App, AppError, AppResult, parse_id};

/// The longest reason kept.
const REASON_MAX: usize = 500;

/// An order's legal hold.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct LegalHoldView {
    pub order_id: String,
    pub order_no: String,
    pub merchant_id: String,
    pub reason: String,
    /// Who placed it (`user:<id>`, `api_key:<id>`).
    pub placed_by: String,
    /// RFC 3339.
    pub placed_at: String,
}

impl From<HoldRow> for LegalHoldView {
    fn from(h: HoldRow) -> Self {
        Self {
            order_id: h.order_id,
            order_no: h.order_no,
            merchant_id: h.merchant_id,
            reason: h.reason,
            placed_by: h.placed_by,
            placed_at: when(h.placed_at),
        }
    }
}

/// Puts order `id` (or number) on legal hold for `reason`. Admins only.
pub async fn place_legal_hold(
    app: &App,
    principal: &Principal,
    id: &str,
    reason: &str,
) -> AppResult<LegalHoldView> {
    principal.require(Permission::ManagePersonalData)?;
    let operator = principal.scope.operator_id;
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > REASON_MAX {
        return Err(AppError::Invalid(vec![FieldError::new(
            "reason",
            "required",
            format!(
                "say why the order must be kept (a court case, an authority's request), in 1 to {REASON_MAX} characters"
            ),
        )]));
    }
    let id = order_named(app, principal, id).await?;
    let mut tx = app.begin().await?;
    let order = tradeport_store::orders::lock_in_tx(&mut tx, operator, None, id)
        .await?
        .ok_or(AppError::NotFound("order"))?;
    let erased =
        retention::erase::buyer_fields(&mut tx, operator, id).await?.and_then(|b| b.personal_data_erased_at);
    if let Some(at) = erased {
        return Err(AppError::Conflict {
            code: "order.erased",
            message: format!(
                "the order's personal data was erased on {}; there is nothing left to hold",
                when(at)
            ),
            fields: Vec::new(),
        });
    }
    let row = HoldRow {
        order_id: id.to_string(),
        tenant_id: operator.to_string(),
        merchant_id: order.merchant_id.to_string(),
        order_no: order.order_no.clone().unwrap_or_else(|| id.to_string()),
        reason: reason.to_string(),
        placed_by: actor_text(principal.actor),
        placed_at: app.now().0,
    };
    if !retention::place_hold_in_tx(&mut tx, &row).await? {
        return Err(AppError::Conflict {
            code: "legal_hold.exists",
            message: format!(
                "order {} is on legal hold already; release it first to change the reason",
                row.order_no
            ),
            fields: Vec::new(),
        });
    }
    let event = tradeport_store::events::NewEvent {
        merchant_id: Some(order.merchant_id),
        reason: Some(reason),
        ..app.event(principal.actor, "order", id, "legal_hold_placed")
    };
    tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
    tx.commit().await?;
    Ok(row.into())
}

/// The order named by its id or its number.
async fn order_named(app: &App, principal: &Principal, named: &str) -> AppResult<OrderId> {
    if let Ok(id) = named.trim().parse() {
        return Ok(id);
    }
    let mut conn = app.db().read().await?;
    let id = retention::order_by_number(&mut conn, principal.scope.operator_id, named.trim()).await?;
    parse_id(&id.ok_or(AppError::NotFound("order"))?, "order")
}

/// Releases order `id`'s legal hold. Admins only.
pub async fn release_legal_hold(app: &App, principal: &Principal, id: &str) -> AppResult<()> {
    principal.require(Permission::ManagePersonalData)?;
    let operator = principal.scope.operator_id;
    let id: OrderId = parse_id(id, "legal hold")?;
    let mut tx = app.begin().await?;
    let hold = retention::hold(&mut tx, operator, id).await?.ok_or(AppError::NotFound("legal hold"))?;
    retention::release_hold_in_tx(&mut tx, operator, id).await?;
    let data = serde_json::json!({"placed_by": hold.placed_by, "placed_at": when(hold.placed_at), "reason": hold.reason});
    let event = tradeport_store::events::NewEvent {
        merchant_id: Some(parse_id(&hold.merchant_id, "merchant")?),
        data: data.to_string(),
        ..app.event(principal.actor, "order", id, "legal_hold_released")
    };
    tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
    tx.commit().await?;
    Ok(())
}

/// The operator's legal holds, newest first. Admins only.
pub async fn legal_holds(app: &App, principal: &Principal) -> AppResult<Vec<LegalHoldView>> {
    principal.require(Permission::ManagePersonalData)?;
    let mut conn = app.db().read().await?;
    Ok(retention::holds(&mut conn, principal.scope.operator_id).await?.into_iter().map(Into::into).collect())
}
