//! Shipping labels (WMS-7, SHP-2): a 4×6 in label per shipment, as a PDF and as ZPL for thermal
//! printers, with the carrier and service, the tracking number as a Code 128 barcode, the order
//! number, "n of N", whom it goes to and where it comes from. Names print in their own script.

use tradeport_connectors::pdf::{Page, PdfLine, render_pdf_on};
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::kernel::{Address, PackageId};
use tradeport_store::inventory::warehouses;
use tradeport_store::shipping::shipments::{self, ShipmentsOf};
use tradeport_store::warehouse::packages;

use crate::warehouse::Document;
use crate::{App, AppError, AppResult, parse_id};

/// What a label says, read once for both forms.
struct LabelContent {
    carrier_line: String,
    tracking_no: String,
    order_line: String,
    to: Vec<String>,
    from: Vec<String>,
}

async fn content(app: &App, principal: &Principal, package_id: &str) -> AppResult<LabelContent> {
    principal.require(Permission::ViewOrders)?;
    let id: PackageId = parse_id(package_id, "package")?;
    let operator = principal.scope.operator_id;
    let mut conn = app.db().read().await?;
    let shipment =
        shipments::find(&mut conn, operator, principal.scope.merchant_id, ShipmentsOf::Package(id))
            .await?
            .pop()
            .ok_or(AppError::NotFound("shipment"))?;
    crate::warehouse::check_warehouse(&mut conn, principal, shipment.warehouse_id).await?;
    let package =
        packages::get(&mut conn, operator, id, false).await?.ok_or(AppError::NotFound("package"))?;
    let order =
        tradeport_store::orders::get(&mut conn, operator, principal.scope.merchant_id, shipment.order_id)
            .await?
            .ok_or(AppError::NotFound("order"))?;
    let warehouse = warehouses::list(&mut conn, operator)
        .await?
        .into_iter()
        .find(|w| w.id == shipment.warehouse_id)
        .ok_or(AppError::NotFound("warehouse"))?;
    let address: Address = serde_json::from_str(&order.shipping_address)
        .map_err(|e| AppError::Internal(format!("stored address of order {}: {e}", order.id)))?;
    let number = order.order_no.clone().unwrap_or_else(|| order.channel_order_id.clone());
    Ok(LabelContent {
        carrier_line: format!("{} · {}", shipment.carrier, shipment.service_code),
        tracking_no: shipment.tracking_no,
        order_line: format!("Order {number} · package {} of {}", package.package_no, package.package_count),
        to: address.printed_lines(),
        from: [warehouse.name, warehouse.address, warehouse.country]
            .into_iter()
            .filter(|l| !l.trim().is_empty())
            .collect(),
    })
}

/// The label as a 4×6 in PDF.
pub async fn label_pdf(app: &App, principal: &Principal, package_id: &str) -> AppResult<Document> {
    let c = content(app, principal, package_id).await?;
    let mut lines = vec![
        PdfLine::heading(c.carrier_line),
        PdfLine::barcode(c.tracking_no.clone()),
        PdfLine::text(c.order_line),
    ];
    lines.push(PdfLine::heading("SHIP TO"));
    lines.extend(c.to.into_iter().map(PdfLine::text));
    lines.push(PdfLine::text(format!("FROM: {}", c.from.join(", "))));
    let pdf = render_pdf_on(Page::LABEL_4X6, &format!("Label {}", c.tracking_no), &lines)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(Document { file_name: format!("{}-label.pdf", c.tracking_no), pdf })
}

/// Field data for ZPL: `^FH` hex escapes for the characters ZPL reads as commands.
fn zpl_field(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '_' => "_5F".to_string(),
            '^' => "_5E".to_string(),
            '~' => "_7E".to_string(),
            c if c.is_control() => " ".to_string(),
            c => c.to_string(),
        })
        .collect()
}

/// The label as ZPL for a 203 dpi thermal printer (812 × 1218 dots, UTF-8).
pub async fn label_zpl(app: &App, principal: &Principal, package_id: &str) -> AppResult<String> {
    let c = content(app, principal, package_id).await?;
    let mut z = String::from("^XA^CI28^PW812^LL1218\n");
    z.push_str(&format!("^FO30,30^A0N,40,40^FH^FD{}^FS\n", zpl_field(&c.carrier_line)));
    z.push_str(&format!("^FO30,90^BY3^BCN,160,Y,N,N,A^FD{}^FS\n", zpl_field(&c.tracking_no)));
    z.push_str(&format!("^FO30,300^A0N,28,28^FH^FD{}^FS\n", zpl_field(&c.order_line)));
    z.push_str("^FO30,350^A0N,28,28^FDSHIP TO:^FS\n");
    for (n, line) in c.to.iter().enumerate() {
        z.push_str(&format!("^FO30,{}^A0N,34,34^FH^FD{}^FS\n", 390 + 42 * n, zpl_field(line)));
    }
    z.push_str("^FO30,900^GB752,3,3^FS\n");
    z.push_str(&format!("^FO30,920^A0N,26,26^FH^FDFROM: {}^FS\n", zpl_field(&c.from.join(", "))));
    z.push_str("^XZ\n");
    Ok(z)
}

#[cfg(test)]
mod tests {
    use super::zpl_field;

    #[test]
    fn zpl_commands_in_a_name_are_escaped() {
        assert_eq!(zpl_field("A^B~C_D\nE"), "A_5EB_7EC_5FD E");
        assert_eq!(zpl_field("王小明"), "王小明", "UTF-8 under ^CI28");
    }
}
