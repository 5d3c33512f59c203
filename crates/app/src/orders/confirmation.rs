//! The order confirmation (ORD-7): order number, buyer, items, service, fee breakdown and the
//! estimated dispatch, as data for the HTML page and as a PDF.

use serde::Serialize;
use tradeport_connectors::pdf::{PdfLine, render_pdf};
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::kernel::{Currency, Money, OrderId};

use super::queries::get_order;
use super::view::OrderView;
use crate::{App, AppError, AppResult};

/// Hours from confirmation to dispatch: 12 for overseas-warehouse orders, 24 otherwise (WMS-5).
const PREPARATION_HOURS_OVERSEAS: i64 = 12;
const PREPARATION_HOURS_ORIGIN: i64 = 24;

/// Everything the confirmation says.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ConfirmationDocument {
    pub order_no: String,
    pub buyer_name: String,
    pub buyer_email: String,
    pub buyer_phone: String,
    pub address_lines: Vec<String>,
    /// (SKU, name, quantity, unit price, line total), money formatted.
    #[schema(value_type = Vec<Vec<serde_json::Value>>)]
    pub items: Vec<(String, String, i64, String, String)>,
    pub service_level: String,
    pub currency: String,
    pub subtotal: String,
    pub discounts: String,
    pub shipping: String,
    pub total: String,
    pub paid: String,
    pub confirmed_at: i64,
    pub estimated_dispatch_at: i64,
}

/// The confirmation of a confirmed order.
pub async fn confirmation_document(
    app: &App,
    principal: &Principal,
    id: OrderId,
) -> AppResult<ConfirmationDocument> {
    principal.require(Permission::ViewOrders)?;
    let o = get_order(app, principal, id).await?;
    confirmation_of(app, principal, &o).await
}

/// The confirmation of an order already read (the buyer's e-mail reads it once for both).
pub(crate) async fn confirmation_of(
    app: &App,
    principal: &Principal,
    o: &OrderView,
) -> AppResult<ConfirmationDocument> {
    let id = &o.summary.id;
    let (Some(order_no), Some(confirmed_at)) = (o.summary.order_no.clone(), o.confirmed_at) else {
        return Err(AppError::Conflict {
            code: "order.not_confirmed",
            message: format!(
                "the order is {}; its confirmation exists once it is confirmed",
                o.summary.status
            ),
            fields: Vec::new(),
        });
    };
    let c = Currency::parse_stored(&o.summary.currency)
        .ok_or_else(|| AppError::Internal(format!("stored currency {}", o.summary.currency)))?;
    let warehouses = crate::inventory::list_warehouses(app, principal).await.unwrap_or_default();
    let overseas = o
        .allocations
        .iter()
        .filter_map(|a| a.warehouse_id.as_ref())
        .any(|w| warehouses.iter().any(|x| &x.id == w && x.kind == "overseas"));
    let hours = if overseas { PREPARATION_HOURS_OVERSEAS } else { PREPARATION_HOURS_ORIGIN };
    let address_lines = o.shipping_address.printed_lines();
    Ok(ConfirmationDocument {
        order_no,
        buyer_name: o.summary.buyer_name.clone(),
        buyer_email: o.buyer_email.clone(),
        buyer_phone: o.buyer_phone_e164.clone().unwrap_or(o.buyer_phone.clone()),
        address_lines,
        items: o
            .lines
            .iter()
            .map(|l| {
                let amount = Money::new(l.unit_price_minor, c).and_then(|unit| unit.checked_mul(l.quantity));
                let amount = amount
                    .map_err(|e| AppError::Internal(format!("line {} of order {id}: {e}", l.line_no)))?;
                Ok((l.sku.clone(), l.name.clone(), l.quantity, c.format(l.unit_price_minor), amount.major()))
            })
            .collect::<AppResult<_>>()?,
        service_level: o.summary.service_level.clone(),
        currency: c.code().into(),
        subtotal: c.format(o.subtotal_minor),
        discounts: c.format(o.discount_minor),
        shipping: c.format(o.shipping_fee_minor),
        total: c.format(o.summary.total_minor),
        paid: c.format(o.paid_minor),
        confirmed_at,
        estimated_dispatch_at: confirmed_at + hours * 3_600_000,
    })
}

impl ConfirmationDocument {
    /// The document as a PDF.
    pub fn to_pdf(&self) -> AppResult<Vec<u8>> {
        let mut lines = vec![
            PdfLine::heading(format!("Order confirmation {}", self.order_no)),
            PdfLine::text(""),
            PdfLine::text(format!("Buyer: {} <{}> {}", self.buyer_name, self.buyer_email, self.buyer_phone)),
            PdfLine::text("Ship to:"),
        ];
        lines.extend(self.address_lines.iter().map(|l| PdfLine::text(format!("    {l}"))));
        lines.push(PdfLine::text(""));
        lines.push(PdfLine::text(format!("Items ({}):", self.currency)));
        for (sku, name, qty, unit, total) in &self.items {
            lines.push(PdfLine::text(format!("    {qty} x {sku} {name} @ {unit} = {total}")));
        }
        lines.push(PdfLine::text(""));
        lines.push(PdfLine::text(format!("Service: {}", self.service_level)));
        lines.push(PdfLine::text(format!(
            "Subtotal {}   Discounts -{}   Shipping {}",
            self.subtotal, self.discounts, self.shipping
        )));
        lines.push(PdfLine::text(format!("Total {} {}   Paid {}", self.total, self.currency, self.paid)));
        let when = |ms: i64| {
            jiff::Timestamp::from_millisecond(ms)
                .map(|t| t.strftime("%Y-%m-%d %H:%M UTC").to_string())
                .unwrap_or_default()
        };
        lines.push(PdfLine::text(format!(
            "Confirmed {}; estimated dispatch by {}",
            when(self.confirmed_at),
            when(self.estimated_dispatch_at)
        )));
        render_pdf(&format!("Order {}", self.order_no), &lines).map_err(|e| AppError::Internal(e.to_string()))
    }
}
