//! Customs clearance (SHP-4): staff record each step with its time (the departure with its
//! waybill); tracking events record the steps they show. Steps only go forward; a refusal opens
//! an exception case under the lane's rules.

use serde::{Deserialize, Serialize};
use tradeport_domain::access::{Actor, Permission, Principal};
use tradeport_domain::kernel::{Millis, TenantId};
use tradeport_domain::shipping::{ClearanceStep, clearance_refusal};
use tradeport_store::AnyConnection;
use tradeport_store::shipping::customs::{self, ClearanceRow};
use tradeport_store::shipping::parcels;

use crate::warehouse::{invalid, rfc3339};
use crate::{App, AppError, AppResult};

/// A step staff record.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ClearanceInput {
    /// export_declared, departed, arrived, import_clearance, documents_requested, cleared, refused.
    #[schema(required = true, value_type = crate::code_lists::ClearanceStepCode)]
    pub step: String,
    /// When it happened (RFC 3339); now when left out.
    pub happened_at: Option<String>,
    /// The air or sea waybill number; required for `departed`.
    pub waybill_no: Option<String>,
    pub note: String,
}

/// A recorded step.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ClearanceView {
    pub step: String,
    pub happened_at: String,
    pub waybill_no: Option<String>,
    pub note: String,
    /// `staff`, or the tracking source that showed it.
    pub source: String,
}

impl From<ClearanceRow> for ClearanceView {
    fn from(c: ClearanceRow) -> Self {
        Self {
            step: c.step.as_str().into(),
            happened_at: rfc3339(c.happened_at),
            waybill_no: c.waybill_no,
            note: c.note,
            source: c.source,
        }
    }
}

/// A shipment's clearance so far.
pub async fn clearance_of(
    app: &App,
    principal: &Principal,
    shipment_id: &str,
) -> AppResult<Vec<ClearanceView>> {
    principal.require(Permission::ViewOrders)?;
    let mut conn = app.db().read().await?;
    let s = super::customs::visible_shipment(&mut conn, principal, shipment_id).await?;
    let steps = customs::steps_of(&mut conn, principal.scope.operator_id, &s.id).await?;
    Ok(steps.into_iter().map(ClearanceView::from).collect())
}

/// Records a step staff saw. Logistics staff and admins.
pub async fn record_clearance(
    app: &App,
    principal: &Principal,
    shipment_id: &str,
    input: &ClearanceInput,
) -> AppResult<Vec<ClearanceView>> {
    principal.require(Permission::ManageCarriers)?;
    let step = ClearanceStep::parse(&input.step).ok_or_else(|| {
        let all: Vec<&str> = ClearanceStep::ALL.iter().map(|s| s.as_str()).collect();
        invalid("step", "unknown_step", format!("step must be one of {}", all.join(", ")))
    })?;
    let now = app.now();
    let at = match input.happened_at.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => now,
        Some(t) => t
            .parse::<jiff::Timestamp>()
            .ok()
            .map(|t| Millis(t.as_millisecond()))
            .filter(|t| t.0 <= now.0)
            .ok_or_else(|| {
                invalid(
                    "happened_at",
                    "invalid_time",
                    "happened_at must be an RFC 3339 time not in the future",
                )
            })?,
    };
    let waybill = input.waybill_no.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
    if step == ClearanceStep::Departed && waybill.is_none() {
        return Err(invalid("waybill_no", "required", "a departure needs the air or sea waybill number"));
    }
    let operator = principal.scope.operator_id;
    let mut conn = app.db().read().await?;
    let s = super::customs::visible_shipment(&mut conn, principal, shipment_id).await?;
    drop(conn);
    let mut tx = app.begin().await?;
    // Locked first: two steps recorded at once (or a step and a webhook) are decided one by one.
    tradeport_store::shipping::tracking::status_in_tx(&mut tx, operator, &s.id).await?;
    let parcel = parcels::parcel(&mut tx, operator, &s.id).await?.ok_or(AppError::NotFound("shipment"))?;
    if let Some(why) = clearance_refusal(parcel.clearance, step) {
        return Err(AppError::Conflict { code: "clearance.out_of_order", message: why, fields: Vec::new() });
    }
    let row = ClearanceRow {
        id: app.new_uuid().to_string(),
        shipment_id: s.id.clone(),
        step,
        happened_at: at,
        waybill_no: waybill,
        note: input.note.trim().to_string(),
        source: "staff".into(),
        actor: crate::words::actor_text(principal.actor),
        recorded_at: now,
    };
    record_in_tx(app, &mut tx, operator, principal.actor, &parcel, &row).await?;
    let parcel = parcels::ParcelRow { clearance: Some(step), ..parcel };
    let still = crate::exceptions::Progress::default();
    crate::exceptions::on_parcel_event_in_tx(app, &mut tx, operator, None, &parcel, still).await?;
    tx.commit().await?;
    clearance_of(app, principal, shipment_id).await
}

/// Records a step and writes it on the order's timeline (the caller lets the lane's rules look).
pub(crate) async fn record_in_tx(
    app: &App,
    conn: &mut AnyConnection,
    operator: TenantId,
    actor: Actor,
    parcel: &parcels::ParcelRow,
    row: &ClearanceRow,
) -> AppResult<()> {
    customs::record_step_in_tx(conn, operator, row).await?;
    let data = serde_json::json!({ "tracking_no": parcel.tracking_no, "step": row.step.as_str(),
                                   "waybill_no": row.waybill_no, "note": row.note, "at": row.happened_at.0 });
    let event = tradeport_store::events::NewEvent {
        merchant_id: Some(parcel.merchant_id),
        data: data.to_string(),
        ..app.event(actor, "order", parcel.order_id, "order_clearance_step")
    };
    tradeport_store::events::append_in_tx(conn, operator, &event).await?;
    Ok(())
}
