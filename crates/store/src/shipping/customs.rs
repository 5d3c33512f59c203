//! Customs declarations and clearance steps of shipments.

use sqlx::{AnyConnection, Row};
use tradeport_domain::kernel::{Millis, TenantId};
use tradeport_domain::shipping::{ClearanceStep, CustomsForm, ExportReason, Incoterm};

use crate::{StoreError, StoreResult};

/// A declaration as stored; its lines are JSON (`CustomsLineJson`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeclarationRow {
    pub shipment_id: String,
    pub merchant_id: TenantId,
    pub incoterm: Incoterm,
    pub reason: ExportReason,
    pub currency: String,
    pub lines: String,
    pub total_value_minor: i64,
    pub total_weight_g: i64,
    pub form: CustomsForm,
    pub ioss_number: Option<String>,
    pub vat_number: Option<String>,
    pub invoice_no: String,
    pub declared_at: Millis,
}

/// Keeps the shipment's declaration, replacing an earlier one.
pub async fn save_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    d: &DeclarationRow,
    now: Millis,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO customs_declarations (shipment_id, tenant_id, merchant_id, incoterm, reason, currency, lines, \
         total_value_minor, total_weight_g, form, ioss_number, vat_number, invoice_no, declared_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
         ON CONFLICT (shipment_id) DO UPDATE SET incoterm = excluded.incoterm, reason = excluded.reason, \
         currency = excluded.currency, lines = excluded.lines, total_value_minor = excluded.total_value_minor, \
         total_weight_g = excluded.total_weight_g, form = excluded.form, ioss_number = excluded.ioss_number, \
         vat_number = excluded.vat_number, updated_at = excluded.updated_at",
    )
    .bind(&d.shipment_id)
    .bind(tenant_id.to_string())
    .bind(d.merchant_id.to_string())
    .bind(d.incoterm.as_str())
    .bind(d.reason.as_str())
    .bind(&d.currency)
    .bind(&d.lines)
    .bind(d.total_value_minor)
    .bind(d.total_weight_g)
    .bind(d.form.as_str())
    .bind(d.ioss_number.as_deref())
    .bind(d.vat_number.as_deref())
    .bind(&d.invoice_no)
    .bind(d.declared_at.0)
    .bind(now.0)
    .execute(conn)
    .await?;
    Ok(())
}

/// The declaration of a shipment, if it has one.
pub async fn get(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    shipment_id: &str,
) -> StoreResult<Option<DeclarationRow>> {
    let row = sqlx::query(
        "SELECT shipment_id, merchant_id, incoterm, reason, currency, lines, total_value_minor, total_weight_g, form, \
         ioss_number, vat_number, invoice_no, declared_at FROM customs_declarations \
         WHERE tenant_id = $1 AND shipment_id = $2",
    )
    .bind(tenant_id.to_string())
    .bind(shipment_id)
    .fetch_optional(conn)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let corrupt = |what: &str, v: String| StoreError::Corrupt(format!("customs declaration {what} {v}"));
    let (incoterm, reason, form): (String, String, String) = (r.try_get(2)?, r.try_get(3)?, r.try_get(8)?);
    Ok(Some(DeclarationRow {
        shipment_id: r.try_get(0)?,
        merchant_id: crate::values::id_at(&r, 1, "merchant")?,
        incoterm: Incoterm::parse(&incoterm).ok_or_else(|| corrupt("incoterm", incoterm.clone()))?,
        reason: ExportReason::parse(&reason).ok_or_else(|| corrupt("reason", reason.clone()))?,
        currency: r.try_get(4)?,
        lines: r.try_get(5)?,
        total_value_minor: r.try_get(6)?,
        total_weight_g: r.try_get(7)?,
        form: CustomsForm::parse(&form).ok_or_else(|| corrupt("form", form.clone()))?,
        ioss_number: r.try_get(9)?,
        vat_number: r.try_get(10)?,
        invoice_no: r.try_get(11)?,
        declared_at: Millis(r.try_get(12)?),
    }))
}

/// A clearance step as recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClearanceRow {
    pub id: String,
    pub shipment_id: String,
    pub step: ClearanceStep,
    pub happened_at: Millis,
    pub waybill_no: Option<String>,
    pub note: String,
    /// `staff` or the tracking source (`easypost`, `aftership` …).
    pub source: String,
    pub actor: String,
    pub recorded_at: Millis,
}

/// Records a step and makes it the shipment's current one.
pub async fn record_step_in_tx(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    c: &ClearanceRow,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO clearance_steps (id, tenant_id, shipment_id, step, happened_at, waybill_no, note, source, actor, recorded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&c.id)
    .bind(tenant_id.to_string())
    .bind(&c.shipment_id)
    .bind(c.step.as_str())
    .bind(c.happened_at.0)
    .bind(c.waybill_no.as_deref())
    .bind(&c.note)
    .bind(&c.source)
    .bind(&c.actor)
    .bind(c.recorded_at.0)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE shipments SET clearance_step = $1, updated_at = $2 WHERE tenant_id = $3 AND id = $4")
        .bind(c.step.as_str())
        .bind(c.recorded_at.0)
        .bind(tenant_id.to_string())
        .bind(&c.shipment_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// A shipment's clearance steps, in the order they happened.
pub async fn steps_of(
    conn: &mut AnyConnection,
    tenant_id: TenantId,
    shipment_id: &str,
) -> StoreResult<Vec<ClearanceRow>> {
    let rows = sqlx::query(
        "SELECT id, shipment_id, step, happened_at, waybill_no, note, source, actor, recorded_at FROM clearance_steps \
         WHERE tenant_id = $1 AND shipment_id = $2 ORDER BY happened_at, recorded_at, id",
    )
    .bind(tenant_id.to_string())
    .bind(shipment_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            let step: String = r.try_get(2)?;
            Ok(ClearanceRow {
                id: r.try_get(0)?,
                shipment_id: r.try_get(1)?,
                step: ClearanceStep::parse(&step)
                    .ok_or_else(|| StoreError::Corrupt(format!("clearance step {step}")))?,
                happened_at: Millis(r.try_get(3)?),
                waybill_no: r.try_get(4)?,
                note: r.try_get(5)?,
                source: r.try_get(6)?,
                actor: r.try_get(7)?,
                recorded_at: Millis(r.try_get(8)?),
            })
        })
        .collect()
}
