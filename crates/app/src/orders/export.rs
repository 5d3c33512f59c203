//! The order list as a file people open (SYS-1): every order the filters match (newest first, at
//! most 100,000) with its merchant's name, buyer, address, amounts in major units and holds, as
//! CSV (UTF-8 with the byte-order mark Excel needs to read Chinese names) or as an XLSX workbook.
//! No cell is ever run as a formula.

use tradeport_connectors::xlsx::{Cell, Sheet, write_workbook};
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::kernel::{Address, spreadsheet_safe};
use tradeport_store::orders::{self, OrderRow};

use super::queries::{OrderQuery, filter_of};
use crate::warehouse::rfc3339;
use crate::{App, AppError, AppResult};

/// Most orders one file holds.
const MOST_ROWS: usize = 100_000;

/// The file's format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Xlsx,
}

/// A file to download.
#[derive(Clone, Debug)]
pub struct ExportFile {
    pub file_name: &'static str,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

const HEADER: [&str; 23] = [
    "order_no",
    "id",
    "merchant",
    "channel",
    "channel_order_id",
    "status",
    "allocation",
    "buyer_name",
    "buyer_email",
    "buyer_phone",
    "ship_to_name",
    "address_line1",
    "address_line2",
    "city",
    "state",
    "postcode",
    "country",
    "currency",
    "total",
    "payment_status",
    "service_level",
    "holds",
    "created_at",
];

/// One order's cells, as text (the total in the currency's major units, `33.00`).
fn cells(o: &OrderRow, merchant: &str) -> Vec<String> {
    let address: Address = serde_json::from_str(&o.shipping_address).unwrap_or_default();
    let holds = super::view::parse_holds(&o.holds);
    let holds = holds.iter().map(|h| format!("{}: {}", h.field, h.message)).collect::<Vec<_>>().join("; ");
    vec![
        o.order_no.clone().unwrap_or_default(),
        o.id.to_string(),
        merchant.to_string(),
        o.channel.clone(),
        o.channel_order_id.clone(),
        o.status.as_str().into(),
        o.allocation.as_str().into(),
        o.buyer_name.clone(),
        o.buyer_email.clone(),
        o.buyer_phone_e164.clone().unwrap_or_else(|| o.buyer_phone.clone()),
        address.name,
        address.line1,
        address.line2,
        address.city,
        address.state,
        address.postcode,
        o.ship_country.clone(),
        o.currency.to_string(),
        o.total.major(),
        o.payment_status.as_str().into(),
        o.service_level.clone(),
        holds,
        rfc3339(o.created_at),
    ]
}

/// Every order matching the filters as a CSV or XLSX file.
pub async fn export_orders(
    app: &App,
    principal: &Principal,
    q: &OrderQuery,
    format: ExportFormat,
) -> AppResult<ExportFile> {
    principal.require(Permission::ViewOrders)?;
    // A list's query string may be reused: its limit is ignored, but must still be one.
    let page = crate::PageRequest { limit: q.limit, cursor: None };
    page.limit().map_err(|e| AppError::Invalid(vec![e]))?;
    let filter = filter_of(principal, q)?;
    let mut conn = app.db().read().await?;
    let names: std::collections::HashMap<String, String> =
        tradeport_store::access::tenants::list(&mut conn, principal.scope.operator_id)
            .await?
            .into_iter()
            .map(|t| (t.id.to_string(), t.name))
            .collect();
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut before = None;
    loop {
        let page = orders::list(&mut conn, principal.scope.operator_id, &filter, before, 1000).await?;
        for o in &page {
            let merchant = names.get(&o.merchant_id.to_string()).map_or("", String::as_str);
            rows.push(cells(o, merchant));
        }
        match page.last() {
            Some(last) if page.len() == 1000 && rows.len() < MOST_ROWS => before = Some(last.id),
            _ => break,
        }
    }
    drop(conn);
    match format {
        ExportFormat::Csv => Ok(ExportFile {
            file_name: "orders.csv",
            content_type: "text/csv; charset=utf-8",
            bytes: csv_bytes(&rows)?,
        }),
        ExportFormat::Xlsx => {
            let mut sheet = vec![HEADER.iter().map(|h| Cell::from(*h)).collect::<Vec<_>>()];
            sheet.extend(rows.into_iter().map(|r| r.into_iter().map(Cell::Text).collect()));
            let bytes = write_workbook(&[Sheet { name: "Orders".into(), rows: sheet }])
                .map_err(AppError::Internal)?;
            Ok(ExportFile {
                file_name: "orders.xlsx",
                content_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                bytes,
            })
        }
    }
}

/// The rows as CSV after the byte-order mark, each cell a spreadsheet would run as a formula
/// (`=`, `+`, `-`, `@` first) written as text. (A workbook's cells are text by type.)
fn csv_bytes(rows: &[Vec<String>]) -> AppResult<Vec<u8>> {
    let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let internal = |e: csv::Error| AppError::Internal(e.to_string());
    out.write_record(HEADER).map_err(internal)?;
    for r in rows {
        out.write_record(r.iter().map(|c| spreadsheet_safe(c).into_owned())).map_err(internal)?;
    }
    out.into_inner().map_err(|e| AppError::Internal(e.to_string()))
}
