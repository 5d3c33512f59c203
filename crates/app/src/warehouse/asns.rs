//! Inbound notices (WMS-1): a merchant drafts and submits, the warehouse accepts (when its
//! capacity allows, sending back where and how to deliver) or rejects with a reason, records the
//! arrival, and closes the file once receiving is done. Counting is in `receiving`.

use std::collections::BTreeMap;

use serde::Serialize;
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::kernel::{AsnId, FieldError, TenantId};
use tradeport_domain::warehouse::{
    AsnAction, AsnInput, AsnStatus, CountedLine, Space, capacity_allows, discrepancy_lines, validate_asn,
};
use tradeport_store::AnyConnection;
use tradeport_store::inventory::{skus, warehouses};
use tradeport_store::warehouse::asns::{self, AsnRow};
use tradeport_store::warehouse::counters;

use super::{conflict, invalid, rfc3339, warehouse_for};
use crate::inventory::{check_merchant, merchant_for};
use crate::{App, AppError, AppResult, Page, PageRequest, parse_id};

/// A group of cartons.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct AsnCartonView {
    pub sku_id: String,
    pub sku: String,
    pub sku_name: String,
    pub carton_count: i64,
    pub units_per_carton: i64,
    pub units: i64,
    pub length_mm: i64,
    pub width_mm: i64,
    pub height_mm: i64,
    pub gross_weight_g: i64,
    pub net_weight_g: i64,
}

/// Expected and counted units of one SKU, and what is wrong with them.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct AsnLineView {
    pub sku_id: String,
    pub sku: String,
    pub expected: i64,
    pub good: i64,
    pub damaged: i64,
    /// `short`, `over`, `damaged`, `wrong_sku`; empty when the line arrived as notified.
    pub discrepancies: Vec<String>,
}

/// A photo of a discrepancy.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct AsnPhotoView {
    pub id: String,
    pub sku_id: Option<String>,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    /// Where to fetch it (signed in as someone who may see the notice).
    pub url: String,
}

/// Where and how to deliver: sent back with an accepted notice.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ReceivingInfo {
    pub warehouse_code: String,
    pub warehouse_name: String,
    pub address: String,
    pub country: String,
    pub contact: String,
    pub requirements: String,
    /// Print and stick on every carton: the notice's barcode.
    pub carton_labels_url: String,
}

/// An inbound notice with its cartons, counts and discrepancies.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct AsnView {
    pub id: String,
    pub asn_no: String,
    pub merchant_id: String,
    pub warehouse_id: String,
    pub status: String,
    pub expected_arrival: String,
    pub transport_mode: String,
    pub carrier_reference: String,
    pub shipping_marks: String,
    pub volume_l: i64,
    /// Pallets the shipment arrives on (0: loose cartons).
    pub pallets: i64,
    pub reject_reason: Option<String>,
    pub cartons: Vec<AsnCartonView>,
    /// Per SKU: expected against counted (counts appear as receiving scans them).
    pub lines: Vec<AsnLineView>,
    pub photos: Vec<AsnPhotoView>,
    /// Once accepted: where and how to deliver.
    pub receiving: Option<ReceivingInfo>,
    pub created_at: String,
    pub updated_at: String,
}

/// Drafts an inbound notice for a merchant (its own, or the one staff name).
pub async fn create_asn(
    app: &App,
    principal: &Principal,
    merchant_id: Option<&str>,
    input: &AsnInput,
) -> AppResult<AsnView> {
    principal.require(Permission::SubmitInbound)?;
    let merchant = merchant_for(principal, merchant_id)?;
    check_merchant(app, principal, merchant).await?;
    let asn = validate_asn(input).map_err(AppError::Invalid)?;
    let operator = principal.scope.operator_id;
    let mut conn = app.db().read().await?;
    let wh = warehouse_for(&mut conn, principal, &input.warehouse_id).await.map_err(|_| {
        invalid(
            "warehouse_id",
            "unknown_warehouse",
            "warehouse_id must be the id of one of the operator's warehouses",
        )
    })?;
    let codes: Vec<String> = asn.cartons.iter().map(|c| c.sku.clone()).collect();
    let found = skus::find_by_codes(&mut conn, operator, merchant, &codes).await?;
    drop(conn);
    let mut missing = Vec::new();
    let mut cartons = Vec::new();
    for (n, c) in asn.cartons.iter().enumerate() {
        match found.iter().find(|s| s.sku == c.sku) {
            Some(s) => cartons.push((app.new_uuid().to_string(), s.id, c)),
            None => missing.push(FieldError::new(
                format!("cartons[{n}].sku"),
                "unknown_sku",
                format!("the merchant has no SKU {}; create it first (POST /api/v1/skus)", c.sku),
            )),
        }
    }
    if !missing.is_empty() {
        return Err(AppError::Invalid(missing));
    }
    let now = app.now();
    let mut tx = app.begin().await?;
    let row = AsnRow {
        id: app.new_id(),
        merchant_id: merchant,
        warehouse_id: wh.id,
        asn_no: counters::next_number_in_tx(&mut tx, operator, "ASN").await?,
        status: AsnStatus::Draft,
        expected_arrival: asn.expected_arrival,
        transport_mode: asn.transport_mode,
        carrier_reference: asn.carrier_reference.clone(),
        shipping_marks: asn.shipping_marks.clone(),
        volume_l: asn.volume_l(),
        pallets: asn.pallets,
        reject_reason: None,
        created_at: now,
        updated_at: now,
    };
    asns::insert_in_tx(&mut tx, operator, &row, &cartons).await?;
    let data = serde_json::json!({ "asn_no": row.asn_no, "units": asn.cartons.iter().map(|c| c.units()).sum::<i64>() }).to_string();
    let event = tradeport_store::events::NewEvent {
        merchant_id: Some(merchant),
        data,
        ..app.event(principal.actor, "asn", row.id, "asn_drafted")
    };
    tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
    let view = asn_view(&mut tx, operator, &row).await?;
    tx.commit().await?;
    Ok(view)
}

/// Takes a step on a notice: `submit` (the merchant), `accept`, `reject` (with a reason),
/// `arrive` or `close` (the warehouse). Counting and confirming the count are `receiving`'s.
pub async fn act_on_asn(
    app: &App,
    principal: &Principal,
    id: &str,
    action: &str,
    reason: Option<&str>,
) -> AppResult<AsnView> {
    let action = AsnAction::parse(action)
        .filter(|a| !matches!(a, AsnAction::StartReceiving | AsnAction::FinishReceiving))
        .ok_or(AppError::NotFound("ASN action"))?;
    principal.require(if action.by_merchant() {
        Permission::SubmitInbound
    } else {
        Permission::OperateWarehouse
    })?;
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    if action == AsnAction::Reject && reason.is_none() {
        return Err(invalid(
            "reason",
            "required",
            "say why the notice is rejected, so the merchant can fix it",
        ));
    }
    let id: AsnId = parse_id(id, "ASN")?;
    let operator = principal.scope.operator_id;
    let mut tx = app.begin().await?;
    let asn = asns::get(&mut tx, operator, principal.scope.merchant_id, id, true)
        .await?
        .ok_or(AppError::NotFound("ASN"))?;
    super::check_warehouse(&mut tx, principal, asn.warehouse_id).await?;
    let after = step_in_tx(app, &mut tx, principal, &asn, action, reason).await?;
    let view = asn_view(&mut tx, operator, &after).await?;
    tx.commit().await?;
    Ok(view)
}

/// One step on a locked notice: the transition, its checks, the status write and its event.
pub(crate) async fn step_in_tx(
    app: &App,
    conn: &mut AnyConnection,
    principal: &Principal,
    asn: &AsnRow,
    action: AsnAction,
    reason: Option<&str>,
) -> AppResult<AsnRow> {
    let operator = principal.scope.operator_id;
    let to = tradeport_domain::warehouse::asn_transition(asn.status, action).ok_or_else(|| {
        conflict(
            "asn.illegal_transition",
            format!("a notice that is {} cannot be given '{}'", asn.status.as_str(), action.as_str()),
        )
    })?;
    if action == AsnAction::Accept {
        warehouses::lock_in_tx(conn, operator, asn.warehouse_id).await?;
        let wh = warehouses::list(conn, operator).await?.into_iter().find(|w| w.id == asn.warehouse_id);
        let capacity =
            wh.map_or(Space::default(), |w| Space { litres: w.capacity_l, pallets: w.capacity_pallets });
        let stored = Space {
            litres: asns::stored_volume_l(conn, operator, asn.warehouse_id).await?,
            pallets: asns::pallets_in_use(conn, operator, asn.warehouse_id).await?,
        };
        let expected = asns::expected_space(conn, operator, asn.warehouse_id).await?;
        let incoming = Space { litres: asn.volume_l, pallets: asn.pallets };
        if let Err(over) = capacity_allows(capacity, stored, expected, incoming) {
            return Err(conflict(
                "asn.over_capacity",
                format!("{over}; reject with a later date or choose another warehouse"),
            ));
        }
    }
    let now = app.now();
    asns::set_status_in_tx(conn, operator, asn.id, to, reason.filter(|_| action == AsnAction::Reject), now)
        .await?;
    let kind = match action {
        AsnAction::Submit => "asn_submitted",
        AsnAction::Accept => "asn_accepted",
        AsnAction::Reject => "asn_rejected",
        AsnAction::Arrive => "asn_arrived",
        AsnAction::StartReceiving => "asn_receiving_started",
        AsnAction::FinishReceiving => "asn_received",
        AsnAction::Close => "asn_closed",
    };
    let data = serde_json::json!({ "from": asn.status.as_str(), "to": to.as_str(), "asn_no": asn.asn_no })
        .to_string();
    let event = tradeport_store::events::NewEvent {
        merchant_id: Some(asn.merchant_id),
        reason,
        data,
        ..app.event(principal.actor, "asn", asn.id, kind)
    };
    tradeport_store::events::append_in_tx(conn, operator, &event).await?;
    Ok(AsnRow {
        status: to,
        reject_reason: if action == AsnAction::Reject {
            reason.map(String::from)
        } else {
            asn.reject_reason.clone()
        },
        updated_at: now,
        ..asn.clone()
    })
}

/// One notice (a merchant's own only).
pub async fn get_asn(app: &App, principal: &Principal, id: &str) -> AppResult<AsnView> {
    principal.require(Permission::ViewInventory)?;
    let id: AsnId = parse_id(id, "ASN")?;
    let operator = principal.scope.operator_id;
    let mut conn = app.db().read().await?;
    let asn = asns::get(&mut conn, operator, principal.scope.merchant_id, id, false)
        .await?
        .ok_or(AppError::NotFound("ASN"))?;
    super::check_warehouse(&mut conn, principal, asn.warehouse_id).await?;
    asn_view(&mut conn, operator, &asn).await
}

/// The notice with this number (as scanned from a carton label), a merchant's own only.
pub async fn find_asn_by_number(app: &App, principal: &Principal, number: &str) -> AppResult<AsnView> {
    principal.require(Permission::ViewInventory)?;
    let operator = principal.scope.operator_id;
    let mut conn = app.db().read().await?;
    let asn = asns::by_number(&mut conn, operator, number)
        .await?
        .filter(|a| principal.scope.merchant_id.is_none_or(|m| m == a.merchant_id))
        .ok_or_else(|| {
            invalid(
                "scan",
                "unknown_asn",
                format!("no inbound notice {}; scan the ASN barcode on the carton label", number.trim()),
            )
        })?;
    super::check_warehouse(&mut conn, principal, asn.warehouse_id).await?;
    asn_view(&mut conn, operator, &asn).await
}

/// Notices newest first, a page at a time (a merchant's own only), optionally in one status.
pub async fn list_asns(
    app: &App,
    principal: &Principal,
    status: Option<&str>,
    page: &PageRequest,
) -> AppResult<Page<AsnView>> {
    principal.require(Permission::ViewInventory)?;
    let limit = page.limit().map_err(|e| AppError::Invalid(vec![e]))?;
    let before: Option<AsnId> = page.id_cursor().map_err(|e| AppError::Invalid(vec![e]))?;
    let status = match status.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Some(AsnStatus::parse(s).ok_or_else(|| {
            let all: Vec<&str> = AsnStatus::ALL.iter().map(|s| s.as_str()).collect();
            invalid("status", "unknown_status", format!("status must be one of {}", all.join(", ")))
        })?),
        None => None,
    };
    let operator = principal.scope.operator_id;
    let mut conn = app.db().read().await?;
    // A user limited to some warehouses sees their notices only.
    let allowed = super::staff::allowed_warehouses(&mut conn, principal).await?.unwrap_or_default();
    let filter = (status, allowed.as_slice());
    let rows =
        asns::list(&mut conn, operator, principal.scope.merchant_id, filter, before, limit + 1).await?;
    let mut views = Vec::with_capacity(rows.len());
    for r in &rows {
        views.push(asn_view(&mut conn, operator, r).await?);
    }
    Ok(Page::from_rows(views, limit, |v| v.id.clone()))
}

/// The notice with its cartons, counts, discrepancies, photos and receiving information.
pub(crate) async fn asn_view(conn: &mut AnyConnection, operator: TenantId, a: &AsnRow) -> AppResult<AsnView> {
    let cartons = asns::cartons(conn, operator, a.id).await?;
    let counts = asns::counts(conn, operator, a.id).await?;
    let photos = asns::photos(conn, operator, a.id).await?;
    let mut lines: BTreeMap<String, (String, CountedLine<String>)> = BTreeMap::new();
    for c in &cartons {
        let e = lines.entry(c.sku.clone()).or_insert_with(|| {
            (
                c.sku_id.to_string(),
                CountedLine { sku_id: c.sku_id.to_string(), expected: 0, good: 0, damaged: 0 },
            )
        });
        e.1.expected += c.carton_count * c.units_per_carton;
    }
    for (sku_id, sku, good, damaged) in &counts {
        let e = lines.entry(sku.clone()).or_insert_with(|| {
            (sku_id.to_string(), CountedLine { sku_id: sku_id.to_string(), expected: 0, good: 0, damaged: 0 })
        });
        e.1.good = *good;
        e.1.damaged = *damaged;
    }
    let counted: Vec<CountedLine<String>> = lines.values().map(|(_, l)| l.clone()).collect();
    let wrong: BTreeMap<String, Vec<String>> = discrepancy_lines(&counted)
        .into_iter()
        .map(|(l, d)| (l.sku_id, d.iter().map(|k| k.as_str().to_string()).collect()))
        .collect();
    let receiving = if matches!(a.status, AsnStatus::Draft | AsnStatus::Submitted | AsnStatus::Rejected) {
        None
    } else {
        warehouses::list(conn, operator).await?.into_iter().find(|w| w.id == a.warehouse_id).map(|w| {
            ReceivingInfo {
                warehouse_code: w.code,
                warehouse_name: w.name,
                address: w.address,
                country: w.country,
                contact: w.receiving_contact,
                requirements: w.receiving_requirements,
                carton_labels_url: format!("/api/v1/asns/{}/carton-labels.pdf", a.id),
            }
        })
    };
    Ok(AsnView {
        id: a.id.to_string(),
        asn_no: a.asn_no.clone(),
        merchant_id: a.merchant_id.to_string(),
        warehouse_id: a.warehouse_id.to_string(),
        status: a.status.as_str().into(),
        expected_arrival: rfc3339(a.expected_arrival),
        transport_mode: a.transport_mode.as_str().into(),
        carrier_reference: a.carrier_reference.clone(),
        shipping_marks: a.shipping_marks.clone(),
        volume_l: a.volume_l,
        pallets: a.pallets,
        reject_reason: a.reject_reason.clone(),
        cartons: cartons
            .iter()
            .map(|c| AsnCartonView {
                sku_id: c.sku_id.to_string(),
                sku: c.sku.clone(),
                sku_name: c.sku_name.clone(),
                carton_count: c.carton_count,
                units_per_carton: c.units_per_carton,
                units: c.carton_count * c.units_per_carton,
                length_mm: c.dims_mm[0],
                width_mm: c.dims_mm[1],
                height_mm: c.dims_mm[2],
                gross_weight_g: c.gross_weight_g,
                net_weight_g: c.net_weight_g,
            })
            .collect(),
        lines: lines
            .iter()
            .map(|(sku, (sku_id, l))| AsnLineView {
                sku_id: sku_id.clone(),
                sku: sku.clone(),
                expected: l.expected,
                good: l.good,
                damaged: l.damaged,
                discrepancies: wrong.get(sku_id).cloned().unwrap_or_default(),
            })
            .collect(),
        photos: photos
            .iter()
            .map(|p| AsnPhotoView {
                id: p.id.clone(),
                sku_id: p.sku_id.map(|s| s.to_string()),
                file_name: p.file_name.clone(),
                content_type: p.content_type.clone(),
                size_bytes: p.size_bytes,
                url: format!("/api/v1/asns/{}/photos/{}", a.id, p.id),
            })
            .collect(),
        receiving,
        created_at: rfc3339(a.created_at),
        updated_at: rfc3339(a.updated_at),
    })
}
