//! Customs (SHP-3, SHP-4): a labelled shipment's declaration, built line by line from its SKUs
//! (description, HS code, origin, quantity, the order's price, weight) with the incoterm, the
//! reason for export and the importer numbers; checked as customs would before it may leave;
//! printed as CN22 (up to 300 SDR) or CN23 (above), with a commercial invoice.

use serde::{Deserialize, Serialize};
use tradeport_connectors::pdf::{PdfLine, render_pdf};
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::kernel::Address;
use tradeport_domain::shipping::{
    CustomsForm, CustomsLine, Declaration, ExportReason, Incoterm, crosses_customs, form_for,
    validate_declaration,
};
use tradeport_store::inventory::{skus, warehouses};
use tradeport_store::shipping::customs::{self, DeclarationRow};
use tradeport_store::shipping::shipments::{self, ShipmentRow, ShipmentsOf};
use tradeport_store::warehouse::{counters, packages};

use crate::warehouse::{Document, invalid, rfc3339};
use crate::words::money_text;
use crate::{App, AppError, AppResult};

/// What staff choose for a declaration; the lines come from the parcel's SKUs.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CustomsRequest {
    /// DAP (the buyer pays duties, the default) or DDP (paid by the sender).
    pub incoterm: String,
    /// sale (default), gift, sample, documents, returned_goods, other.
    pub reason: String,
    /// The EU IOSS number the VAT was collected under (`IM` + 10 digits).
    pub ioss_number: Option<String>,
    /// The seller's UK VAT number (`GB` + 9 or 12 digits).
    pub vat_number: Option<String>,
}

/// A shipment's declaration.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct CustomsView {
    pub shipment_id: String,
    /// CN22 or CN23.
    pub form: String,
    pub incoterm: String,
    pub reason: String,
    pub currency: String,
    pub lines: Vec<CustomsLine>,
    pub total_value_minor: i64,
    /// The total written out, e.g. `36.00 EUR`.
    pub total_value: String,
    pub total_weight_g: i64,
    pub ioss_number: Option<String>,
    pub vat_number: Option<String>,
    pub invoice_no: String,
    pub declared_at: String,
    pub form_pdf_url: String,
    pub invoice_pdf_url: String,
}

fn view(d: DeclarationRow) -> AppResult<CustomsView> {
    let lines: Vec<CustomsLine> = serde_json::from_str(&d.lines)
        .map_err(|e| AppError::Internal(format!("declaration lines of {}: {e}", d.shipment_id)))?;
    Ok(CustomsView {
        form_pdf_url: format!("/api/v1/shipments/{}/customs.pdf", d.shipment_id),
        invoice_pdf_url: format!("/api/v1/shipments/{}/invoice.pdf", d.shipment_id),
        total_value: money_text(d.total_value_minor, &d.currency),
        shipment_id: d.shipment_id,
        form: d.form.as_str().into(),
        incoterm: d.incoterm.as_str().into(),
        reason: d.reason.as_str().into(),
        currency: d.currency,
        lines,
        total_value_minor: d.total_value_minor,
        total_weight_g: d.total_weight_g,
        ioss_number: d.ioss_number,
        vat_number: d.vat_number,
        invoice_no: d.invoice_no,
        declared_at: rfc3339(d.declared_at),
    })
}

fn option_text(v: &Option<String>) -> Option<String> {
    v.as_deref().map(|s| s.trim().to_uppercase()).filter(|s| !s.is_empty())
}

/// A package's goods as customs lines: one per SKU, valued at the order's price, weighed by the
/// SKU (the declaration's, and the customs information sent with a label bought from a carrier).
pub(super) async fn declared_lines(
    conn: &mut tradeport_store::AnyConnection,
    operator: tradeport_domain::kernel::TenantId,
    order: &tradeport_store::orders::OrderRow,
    package: tradeport_domain::kernel::PackageId,
) -> AppResult<Vec<CustomsLine>> {
    let order_lines = tradeport_store::orders::lines::list(conn, operator, order.id, order.currency).await?;
    let mut lines = Vec::new();
    for item in packages::items(conn, operator, &[package]).await? {
        let sku = skus::get(conn, operator, None, item.sku_id).await?.ok_or(AppError::NotFound("SKU"))?;
        let unit = order_lines.iter().find(|l| l.sku_id == item.sku_id).map_or(0, |l| l.unit_price.minor());
        lines.push(CustomsLine {
            sku: sku.sku,
            description: sku.name,
            hs_code: sku.hs_code.replace('.', ""),
            origin_country: sku.origin_country,
            quantity: item.qty,
            value_minor: unit.saturating_mul(item.qty),
            weight_g: sku.weight_g.saturating_mul(item.qty),
        });
    }
    Ok(lines)
}

/// The shipment, if the principal may see it (its merchant's, in the user's warehouses).
pub(crate) async fn visible_shipment(
    conn: &mut tradeport_store::AnyConnection,
    principal: &Principal,
    shipment_id: &str,
) -> AppResult<ShipmentRow> {
    let s = shipments::find(
        conn,
        principal.scope.operator_id,
        principal.scope.merchant_id,
        ShipmentsOf::Id(shipment_id.trim()),
    )
    .await?
    .pop()
    .ok_or(AppError::NotFound("shipment"))?;
    crate::warehouse::check_warehouse(conn, principal, s.warehouse_id).await?;
    Ok(s)
}

/// Declares (or declares again, until it is handed over) a shipment's goods to customs.
pub async fn declare_customs(
    app: &App,
    principal: &Principal,
    shipment_id: &str,
    r: &CustomsRequest,
) -> AppResult<CustomsView> {
    principal.require(Permission::OperateWarehouse)?;
    let incoterm =
        if r.incoterm.trim().is_empty() { Some(Incoterm::Dap) } else { Incoterm::parse(&r.incoterm) };
    let incoterm =
        incoterm.ok_or_else(|| invalid("incoterm", "unknown_incoterm", "incoterm must be DAP or DDP"))?;
    let reason =
        if r.reason.trim().is_empty() { Some(ExportReason::Sale) } else { ExportReason::parse(&r.reason) };
    let reason = reason.ok_or_else(|| {
        invalid(
            "reason",
            "unknown_reason",
            "reason must be sale, gift, sample, documents, returned_goods or other",
        )
    })?;
    let operator = principal.scope.operator_id;
    let mut conn = app.db().read().await?;
    let s = visible_shipment(&mut conn, principal, shipment_id).await?;
    if s.status != "labelled" {
        return Err(AppError::Conflict {
            code: "customs.handed_over",
            message: format!("{} was handed over already; its declaration cannot change", s.tracking_no),
            fields: Vec::new(),
        });
    }
    let order = tradeport_store::orders::get(&mut conn, operator, None, s.order_id)
        .await?
        .ok_or(AppError::NotFound("order"))?;
    let origin = warehouses::list(&mut conn, operator)
        .await?
        .into_iter()
        .find(|w| w.id == s.warehouse_id)
        .map(|w| w.country)
        .ok_or(AppError::NotFound("warehouse"))?;
    if !crosses_customs(&origin, &order.ship_country) {
        return Err(AppError::Conflict {
            code: "customs.not_needed",
            message: format!(
                "{origin} to {} crosses no customs border; nothing to declare",
                order.ship_country
            ),
            fields: Vec::new(),
        });
    }
    let lines = declared_lines(&mut conn, operator, &order, s.package_id).await?;
    drop(conn);
    let declaration = Declaration {
        destination: order.ship_country.clone(),
        incoterm,
        reason,
        currency: order.currency,
        lines,
        ioss_number: option_text(&r.ioss_number),
        vat_number: option_text(&r.vat_number),
    };
    let errors = validate_declaration(&declaration);
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }

    let now = app.now();
    let mut tx = app.begin().await?;
    // Under the order's lock (as the hand-over): a parcel handed over meanwhile keeps its papers.
    tx.lock_order(operator, None, s.order_id).await?;
    let current = shipments::find(&mut tx, operator, None, ShipmentsOf::Id(&s.id)).await?.pop();
    if current.is_none_or(|c| c.status != "labelled") {
        return Err(AppError::Conflict {
            code: "customs.handed_over",
            message: format!("{} was handed over already; its declaration cannot change", s.tracking_no),
            fields: Vec::new(),
        });
    }
    let invoice_no = match customs::get(&mut tx, operator, &s.id).await? {
        Some(earlier) => earlier.invoice_no,
        None => {
            format!("CI{:08}", counters::next_serial_in_tx(&mut tx, operator, "commercial-invoice").await?)
        }
    };
    let row = DeclarationRow {
        shipment_id: s.id.clone(),
        merchant_id: s.merchant_id,
        incoterm,
        reason,
        currency: order.currency.code().into(),
        lines: crate::orders::to_json(&declaration.lines)?,
        total_value_minor: declaration.total_value_minor(),
        total_weight_g: declaration.total_weight_g(),
        form: form_for(declaration.total_value_minor(), order.currency),
        ioss_number: declaration.ioss_number.clone(),
        vat_number: declaration.vat_number.clone(),
        invoice_no,
        declared_at: now,
    };
    customs::save_in_tx(&mut tx, operator, &row, now).await?;
    let data = serde_json::json!({ "shipment_id": s.id, "tracking_no": s.tracking_no, "form": row.form.as_str(),
                                   "total_value_minor": row.total_value_minor, "currency": row.currency });
    let event = tradeport_store::events::NewEvent {
        merchant_id: Some(s.merchant_id),
        data: data.to_string(),
        ..app.event(principal.actor, "order", s.order_id, "order_customs_declared")
    };
    tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
    tx.commit().await?;
    // As stored: a declaration made again keeps its first date and invoice number.
    customs_of(app, principal, &s.id).await
}

/// A shipment's declaration (404 until it has one).
pub async fn customs_of(app: &App, principal: &Principal, shipment_id: &str) -> AppResult<CustomsView> {
    principal.require(Permission::ViewOrders)?;
    let mut conn = app.db().read().await?;
    let s = visible_shipment(&mut conn, principal, shipment_id).await?;
    let d = customs::get(&mut conn, principal.scope.operator_id, &s.id)
        .await?
        .ok_or(AppError::NotFound("customs declaration"))?;
    view(d)
}

/// Everything the printed forms say.
struct Printed {
    d: CustomsView,
    tracking_no: String,
    order_no: String,
    sender: Vec<String>,
    addressee: Vec<String>,
    seller: String,
}

async fn printed(app: &App, principal: &Principal, shipment_id: &str) -> AppResult<Printed> {
    let d = customs_of(app, principal, shipment_id).await?;
    let operator = principal.scope.operator_id;
    let mut conn = app.db().read().await?;
    let s = visible_shipment(&mut conn, principal, shipment_id).await?;
    let order = tradeport_store::orders::get(&mut conn, operator, None, s.order_id)
        .await?
        .ok_or(AppError::NotFound("order"))?;
    let w = warehouses::list(&mut conn, operator)
        .await?
        .into_iter()
        .find(|w| w.id == s.warehouse_id)
        .ok_or(AppError::NotFound("warehouse"))?;
    let seller = tradeport_store::access::tenants::get(&mut conn, operator, s.merchant_id)
        .await?
        .map_or_else(String::new, |t| t.name);
    let address: Address = serde_json::from_str(&order.shipping_address)
        .map_err(|e| AppError::Internal(format!("stored address of order {}: {e}", order.id)))?;
    Ok(Printed {
        d,
        tracking_no: s.tracking_no,
        order_no: order.order_no.unwrap_or(order.channel_order_id),
        sender: [w.name, w.address, w.country].into_iter().filter(|l| !l.trim().is_empty()).collect(),
        addressee: address.printed_lines(),
        seller,
    })
}

fn kg(grams: i64) -> String {
    format!("{}.{:03} kg", grams / 1000, grams % 1000)
}

const CERTIFY: &str = "I certify that the particulars given in this customs declaration are correct and that this item \
     does not contain any dangerous article or articles prohibited by legislation or by postal or customs regulations.";

/// The declaration form the value calls for: CN22, or CN23 with sender, addressee and invoice.
pub async fn customs_pdf(app: &App, principal: &Principal, shipment_id: &str) -> AppResult<Document> {
    let p = printed(app, principal, shipment_id).await?;
    let d = &p.d;
    let form = CustomsForm::parse(&d.form).unwrap_or(CustomsForm::Cn23);
    let reason = ExportReason::parse(&d.reason).map_or("Other", ExportReason::form_label);
    let mut lines = vec![
        PdfLine::heading(format!("{} CUSTOMS DECLARATION", d.form)),
        PdfLine::barcode(p.tracking_no.clone()),
        PdfLine::text(format!("Category of item: {reason}")),
    ];
    if form == CustomsForm::Cn23 {
        lines.push(PdfLine::text(format!("From: {}", p.sender.join(", "))));
        lines.push(PdfLine::text(format!("To: {}", p.addressee.join(", "))));
        lines.push(PdfLine::text(format!("Invoice no. {} · order {}", d.invoice_no, p.order_no)));
    }
    for l in &d.lines {
        lines.push(PdfLine::text(format!(
            "{} × {} · HS {} · origin {} · {} · {}",
            l.quantity,
            l.description,
            l.hs_code,
            l.origin_country,
            kg(l.weight_g),
            money_text(l.value_minor, &d.currency)
        )));
    }
    lines.push(PdfLine::text(format!("Total: {} · {}", kg(d.total_weight_g), d.total_value)));
    lines.push(PdfLine::text(format!("Incoterm: {}", d.incoterm)));
    if let Some(n) = &d.ioss_number {
        lines.push(PdfLine::text(format!("IOSS: {n}")));
    }
    if let Some(n) = &d.vat_number {
        lines.push(PdfLine::text(format!("VAT: {n}")));
    }
    lines.push(PdfLine::text(CERTIFY));
    lines.push(PdfLine::text(format!("Date: {} · Signature: {}", &d.declared_at[..10], p.sender[0])));
    let pdf = render_pdf(&format!("{} {}", d.form, p.tracking_no), &lines)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(Document { file_name: format!("{}-{}.pdf", p.tracking_no, d.form), pdf })
}

/// The commercial invoice that goes with the parcel.
pub async fn invoice_pdf(app: &App, principal: &Principal, shipment_id: &str) -> AppResult<Document> {
    let p = printed(app, principal, shipment_id).await?;
    let d = &p.d;
    let mut lines = vec![
        PdfLine::heading(format!("COMMERCIAL INVOICE {}", d.invoice_no)),
        PdfLine::text(format!(
            "Date: {} · Order {} · Tracking {}",
            &d.declared_at[..10],
            p.order_no,
            p.tracking_no
        )),
        PdfLine::text(format!("Seller: {}", p.seller)),
        PdfLine::text(format!("Exporter: {}", p.sender.join(", "))),
        PdfLine::text(format!("Consignee: {}", p.addressee.join(", "))),
        PdfLine::text(format!(
            "Terms of delivery: {} · Reason for export: {}",
            d.incoterm,
            ExportReason::parse(&d.reason).map_or("Other", ExportReason::form_label)
        )),
    ];
    for l in &d.lines {
        let unit = if l.quantity > 0 { l.value_minor / l.quantity } else { 0 };
        lines.push(PdfLine::text(format!(
            "{} · {} · HS {} · origin {} · {} × {} = {}",
            l.sku,
            l.description,
            l.hs_code,
            l.origin_country,
            l.quantity,
            money_text(unit, &d.currency),
            money_text(l.value_minor, &d.currency)
        )));
    }
    lines.push(PdfLine::heading(format!("Total value: {}", d.total_value)));
    lines.push(PdfLine::text(format!("Total net weight: {}", kg(d.total_weight_g))));
    for (label, n) in [("IOSS", &d.ioss_number), ("VAT", &d.vat_number)] {
        if let Some(n) = n {
            lines.push(PdfLine::text(format!("{label}: {n}")));
        }
    }
    lines.push(PdfLine::text("I declare that the information on this invoice is true and correct."));
    let pdf = render_pdf(&format!("Commercial invoice {}", d.invoice_no), &lines)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(Document { file_name: format!("{}-invoice.pdf", d.invoice_no), pdf })
}
