//! The warehouse's printed documents (WMS-1 … WMS-5), as PDFs with embedded fonts (names in any
//! script print as themselves) and Code 128 barcodes where a scanner reads them: carton labels
//! of an inbound notice, the discrepancy report for a carrier claim, a wave's pick list, an
//! order's packing slip and a hand-over's outbound note.

use tradeport_connectors::pdf::{PdfLine, render_pdf};
use tradeport_domain::access::Principal;

use super::rfc3339;
use crate::{App, AppError, AppResult};

/// A rendered document: its file name and bytes.
#[derive(Clone, Debug)]
pub struct Document {
    pub file_name: String,
    pub pdf: Vec<u8>,
}

fn pdf(title: &str, file_name: String, lines: &[PdfLine]) -> AppResult<Document> {
    let pdf = render_pdf(title, lines).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(Document { file_name, pdf })
}

/// One label per carton: the notice's barcode, the carton's number, its SKU and units, and where
/// it goes. The merchant prints them and sticks one on every carton.
pub async fn carton_labels(app: &App, principal: &Principal, asn_id: &str) -> AppResult<Document> {
    let a = super::get_asn(app, principal, asn_id).await?;
    let to = a
        .receiving
        .as_ref()
        .map(|r| format!("{} {} · {} {}", r.warehouse_code, r.warehouse_name, r.address, r.country));
    let total: i64 = a.cartons.iter().map(|c| c.carton_count).sum();
    let mut lines = Vec::new();
    let mut n = 0;
    for c in &a.cartons {
        for _ in 0..c.carton_count {
            n += 1;
            lines.push(PdfLine::heading(format!("{} · carton {n} of {total}", a.asn_no)));
            lines.push(PdfLine::barcode(a.asn_no.clone()));
            lines.push(PdfLine::text(format!(
                "SKU {} · {} · {} units",
                c.sku, c.sku_name, c.units_per_carton
            )));
            if let Some(to) = &to {
                lines.push(PdfLine::text(format!("Deliver to: {to}")));
            }
            lines.push(PdfLine::text(format!("Shipping marks: {}", a.shipping_marks)));
            lines.push(PdfLine::text(String::new()));
        }
    }
    pdf(&format!("Carton labels {}", a.asn_no), format!("{}-carton-labels.pdf", a.asn_no), &lines)
}

/// The discrepancy report of a counted notice: expected against counted per SKU, what is wrong,
/// and the photos kept as evidence, for the merchant and a carrier claim.
pub async fn discrepancy_report(app: &App, principal: &Principal, asn_id: &str) -> AppResult<Document> {
    let a = super::get_asn(app, principal, asn_id).await?;
    let mut lines = vec![
        PdfLine::heading(format!("Discrepancy report {}", a.asn_no)),
        PdfLine::barcode(a.asn_no.clone()),
        PdfLine::text(format!(
            "Status: {} · expected {} · {} · carrier reference {}",
            a.status, a.expected_arrival, a.transport_mode, a.carrier_reference
        )),
        PdfLine::text(String::new()),
        PdfLine::text("SKU · expected · good · damaged · discrepancies"),
    ];
    for l in &a.lines {
        let wrong =
            if l.discrepancies.is_empty() { "as notified".to_string() } else { l.discrepancies.join(", ") };
        lines.push(PdfLine::text(format!(
            "{} · {} · {} · {} · {}",
            l.sku, l.expected, l.good, l.damaged, wrong
        )));
    }
    lines.push(PdfLine::text(String::new()));
    lines.push(PdfLine::text(format!("Photos: {}", a.photos.len())));
    for p in &a.photos {
        lines.push(PdfLine::text(format!("{} ({}, {} bytes)", p.file_name, p.content_type, p.size_bytes)));
    }
    pdf(&format!("Discrepancy report {}", a.asn_no), format!("{}-discrepancies.pdf", a.asn_no), &lines)
}

/// A wave's pick list in walking order.
pub async fn pick_list(app: &App, principal: &Principal, wave_id: &str) -> AppResult<Document> {
    let w = super::get_wave(app, principal, wave_id).await?;
    let mut lines = vec![
        PdfLine::heading(format!("Pick list {} · {} orders", w.wave_no, w.order_count)),
        PdfLine::barcode(w.wave_no.clone()),
        PdfLine::text(format!("Built {}", w.created_at)),
    ];
    lines.extend(pick_lines(&w.lines));
    pdf(&format!("Pick list {}", w.wave_no), format!("{}-pick-list.pdf", w.wave_no), &lines)
}

/// One order's pick list: its lines in walking order, for picking a single urgent order.
pub async fn order_pick_list(app: &App, principal: &Principal, order_id: &str) -> AppResult<Document> {
    let lines = super::picking::lines_of_order(app, principal, order_id).await?;
    let number =
        lines.first().map(|l| l.order_no.clone().unwrap_or_else(|| l.order_id.clone())).ok_or_else(|| {
            super::conflict("pick.no_lines", "the order is in no wave yet: build a wave with it first")
        })?;
    let mut out = vec![PdfLine::heading(format!("Pick list {number}")), PdfLine::barcode(number.clone())];
    out.extend(pick_lines(&lines));
    pdf(&format!("Pick list {number}"), format!("{number}-pick-list.pdf"), &out)
}

/// The lines still to pick or picked, in walking order, with the lot to take.
fn pick_lines(lines: &[super::PickLineView]) -> Vec<PdfLine> {
    let mut out = vec![PdfLine::text("No. · bin · SKU · item · lot · quantity · order")];
    for l in lines.iter().filter(|l| l.status == "open" || l.status == "picked") {
        let order = l.order_no.clone().unwrap_or_else(|| l.order_id.clone());
        let lot = if l.lot.is_empty() { "–" } else { &l.lot };
        out.push(PdfLine::text(format!(
            "{} · {} · {} · {} · {lot} · {} · {order}",
            l.seq, l.bin_code, l.sku, l.sku_name, l.qty
        )));
    }
    out
}

/// An order's packing slip: the buyer and address as written (any script), and each package with
/// its label, box, marks and contents.
pub async fn packing_slip(app: &App, principal: &Principal, order_id: &str) -> AppResult<Document> {
    let id = crate::parse_id(order_id, "order")?;
    let o = crate::orders::get_order(app, principal, id).await?;
    let packages = super::packages_of_order(app, principal, order_id).await?;
    let number = o.summary.order_no.clone().unwrap_or_else(|| o.summary.id.clone());
    let mut lines =
        vec![PdfLine::heading(format!("Packing slip {number}")), PdfLine::barcode(number.clone())];
    lines.extend(o.shipping_address.printed_lines().into_iter().map(PdfLine::text));
    lines.push(PdfLine::text(String::new()));
    for p in packages.iter().filter(|p| p.status != "cancelled") {
        let box_code = p.box_code.clone().unwrap_or_else(|| "own packaging".into());
        lines.push(PdfLine::heading(format!("Package {} · box {box_code} · {}", p.label, p.marks.join(" "))));
        for i in &p.items {
            lines.push(PdfLine::text(format!("{} × {}", i.qty, i.sku)));
        }
        for insert in &p.inserts {
            lines.push(PdfLine::text(format!("+ insert: {insert}")));
        }
        for instruction in &p.instructions {
            lines.push(PdfLine::text(format!("– {instruction}")));
        }
    }
    pdf(&format!("Packing slip {number}"), format!("{number}-packing-slip.pdf"), &lines)
}

/// A hand-over's outbound note: the batch's barcode, carrier and time, every package with its
/// order, weight and marks, the totals, and lines for both signatures.
pub async fn outbound_note(app: &App, principal: &Principal, handover_id: &str) -> AppResult<Document> {
    let h = super::handover_view(app, principal, handover_id).await?;
    let ids: Vec<tradeport_domain::kernel::PackageId> =
        h.packages.iter().filter_map(|p| p.id.parse().ok()).collect();
    let mut conn = app.db().read().await?;
    let labelled =
        crate::shipping::shipments_of_packages(&mut conn, principal.scope.operator_id, &ids).await?;
    drop(conn);
    let mut lines = vec![
        PdfLine::heading(format!("Outbound note {}", h.handover_no)),
        PdfLine::barcode(h.handover_no.clone()),
        PdfLine::text(format!("Carrier: {} · handed over {}", h.carrier, h.created_at)),
        PdfLine::text("Order · package · tracking number · weight · marks"),
    ];
    let mut weight = 0;
    for (p, id) in h.packages.iter().zip(&ids) {
        let order = h.orders.get(&p.order_id).cloned().flatten().unwrap_or_else(|| p.order_id.clone());
        let g = p.weight_g.unwrap_or(p.expected_weight_g);
        weight += g;
        let tracking =
            labelled.get(id).map_or("–".to_string(), |s| format!("{} {}", s.service_code, s.tracking_no));
        lines.push(PdfLine::text(format!(
            "{order} · {} · {tracking} · {g} g · {}",
            p.label,
            p.marks.join(" ")
        )));
    }
    lines.push(PdfLine::text(format!("{} packages, {:.1} kg", h.package_count, weight as f64 / 1000.0)));
    lines.push(PdfLine::text(String::new()));
    lines.push(PdfLine::text(
        "Warehouse signature: ____________________    Carrier signature: ____________________",
    ));
    lines.push(PdfLine::text(format!("Printed {}", rfc3339(app.now()))));
    pdf(&format!("Outbound note {}", h.handover_no), format!("{}-outbound-note.pdf", h.handover_no), &lines)
}
