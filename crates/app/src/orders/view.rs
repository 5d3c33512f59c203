//! What order use cases return.

use serde::Serialize;
use tradeport_domain::kernel::{Address, FieldError, TenantId};
use tradeport_store::AnyConnection;
use tradeport_store::events;
use tradeport_store::orders::{OrderRow, allocations, lines};

use crate::{AppError, AppResult};

/// An order line.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct LineView {
    pub line_no: u32,
    pub sku_id: String,
    pub sku: String,
    pub name: String,
    pub variant: String,
    pub quantity: i64,
    pub unit_price_minor: i64,
}

/// Where a line's units are reserved (`warehouse_id`), or backordered (`null`).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct AllocationView {
    pub line_no: u32,
    pub warehouse_id: Option<String>,
    pub quantity: i64,
}

/// One entry of the order's timeline.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct EventView {
    pub kind: String,
    /// `user`, `api_key` or `system`.
    pub actor_kind: String,
    pub actor_id: Option<String>,
    pub reason: Option<String>,
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
    pub at: i64,
}

/// Why an order waits, as the API shows it (the schema of a `FieldError` hold).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct HoldDoc {
    /// The input field at fault, e.g. `shipping_address.postcode`.
    field: String,
    /// Stable code, e.g. `postcode_required`, `not_paid`, `out_of_stock`.
    code: String,
    /// What is wrong and what to do, in English.
    message: String,
    /// The values the message names, for saying it in another language.
    params: std::collections::BTreeMap<String, String>,
}

/// An order in a list.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct OrderSummary {
    pub id: String,
    pub order_no: Option<String>,
    pub merchant_id: String,
    pub channel: String,
    pub channel_order_id: String,
    /// on_hold, pending_review, pending_second_review, approved, confirmed, rejected, cancelled.
    pub status: String,
    /// none, reserved, partial, backordered.
    pub allocation: String,
    pub buyer_name: String,
    pub ship_country: String,
    pub currency: String,
    pub total_minor: i64,
    pub service_level: String,
    /// The carrier service the buyer or merchant chose (empty when none).
    pub carrier_service: String,
    pub urgent: bool,
    pub flags: Vec<String>,
    /// Why the order waits: field, code and what to do.
    #[schema(value_type = Vec<HoldDoc>)]
    pub holds: Vec<FieldError>,
    pub second_review_due: bool,
    pub created_at: i64,
}

impl From<&OrderRow> for OrderSummary {
    fn from(o: &OrderRow) -> Self {
        Self {
            id: o.id.to_string(),
            order_no: o.order_no.clone(),
            merchant_id: o.merchant_id.to_string(),
            channel: o.channel.clone(),
            channel_order_id: o.channel_order_id.clone(),
            status: o.status.as_str().into(),
            allocation: o.allocation.as_str().to_string(),
            buyer_name: o.buyer_name.clone(),
            ship_country: o.ship_country.clone(),
            currency: o.currency.to_string(),
            total_minor: o.total.minor(),
            service_level: o.service_level.clone(),
            carrier_service: o.carrier_service.clone(),
            urgent: o.urgent,
            flags: o.flags.split(',').filter(|f| !f.is_empty()).map(str::to_string).collect(),
            holds: parse_holds(&o.holds),
            second_review_due: o.second_review_due,
            created_at: o.created_at.0,
        }
    }
}

/// An order with its lines, allocation, holds and timeline.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct OrderView {
    #[serde(flatten)]
    pub summary: OrderSummary,
    pub buyer_phone: String,
    /// The phone in E.164 when it is valid for the destination.
    pub buyer_phone_e164: Option<String>,
    pub buyer_email: String,
    pub buyer_language: String,
    #[schema(value_type = Object)]
    pub shipping_address: Address,
    pub subtotal_minor: i64,
    pub discount_minor: i64,
    #[schema(value_type = Vec<Object>)]
    pub discounts: serde_json::Value,
    pub shipping_fee_minor: i64,
    /// Tax the channel charged on top of the prices.
    pub tax_minor: i64,
    pub paid_minor: i64,
    pub payment_method: String,
    pub payment_status: String,
    pub remarks: String,
    pub updated_at: i64,
    pub approved_at: Option<i64>,
    pub confirmed_at: Option<i64>,
    /// When the order was completed (DONE-1): delivered and past the after-sales window's first
    /// check with nothing open, or cancelled and settled.
    pub completed_at: Option<i64>,
    /// When its file was archived (DONE-2): the order is read-only from then on.
    pub archived_at: Option<i64>,
    /// When the buyer's personal data was erased (DONE-3: retention ended, or the buyer asked).
    pub personal_data_erased_at: Option<i64>,
    /// Why the order is on legal hold, if it is: no deletion reaches it.
    pub legal_hold: Option<String>,
    pub lines: Vec<LineView>,
    pub allocations: Vec<AllocationView>,
    pub events: Vec<EventView>,
    /// The clock of each step with a time limit: due, paused, stopped, how late.
    pub clocks: Vec<crate::sla::ClockView>,
    /// The sales-channel connection the order came through, with a link to it there.
    pub channel_link: Option<ChannelLinkView>,
    /// Its risk screening, when a rule fired (ORD-10).
    pub risk: Option<RiskView>,
    /// Its units on pre-sale and the day promised to the buyer for each (INV-4).
    pub presale: Vec<PromisedView>,
}

/// Pre-sale units of an order and the day promised for them.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PromisedView {
    pub sku_id: String,
    pub quantity: i64,
    /// `YYYY-MM-DD`.
    pub promised_on: String,
}

/// An order's risk screening: the score, the rules that fired with their evidence, and what a
/// person decided when it held the order.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct RiskView {
    pub score: i64,
    pub held: bool,
    pub rules: Vec<tradeport_domain::risk::FiredRule>,
    /// `released`, `rejected` or `cancelled`; empty until decided.
    pub decision: String,
}

/// Where an order came from: its connection and its page in the channel.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ChannelLinkView {
    pub connection_id: String,
    pub connection_name: String,
    /// The reference people use in the channel (`#1001`).
    pub display_ref: String,
    /// The order's page in the channel's back office; empty when it has none.
    pub url: String,
}

/// The holds stored on an order.
pub(crate) fn parse_holds(json: &str) -> Vec<FieldError> {
    serde_json::from_str(json).unwrap_or_default()
}

/// What an order's page shows beside its row: read back by [`load_view`], or, for an order
/// intake has just written, what it wrote (`create_order` reads nothing after its commit).
pub(crate) struct ViewParts {
    pub lines: Vec<LineView>,
    pub allocations: Vec<AllocationView>,
    pub events: Vec<EventView>,
    pub clocks: Vec<tradeport_store::sla::ClockRow>,
    pub risk: Option<RiskView>,
    pub presale: Vec<PromisedView>,
    pub channel_link: Option<ChannelLinkView>,
    pub archived_at: Option<i64>,
    pub personal_data_erased_at: Option<i64>,
    pub legal_hold: Option<String>,
}

/// Loads everything shown of an order.
pub(crate) async fn load_view(
    app: &crate::App,
    conn: &mut AnyConnection,
    operator: TenantId,
    o: &OrderRow,
) -> AppResult<OrderView> {
    let lines = lines::list(conn, operator, o.id, o.currency)
        .await?
        .into_iter()
        .map(|l| LineView {
            line_no: l.line_no,
            sku_id: l.sku_id.to_string(),
            sku: l.sku,
            name: l.name,
            variant: l.variant,
            quantity: l.quantity,
            unit_price_minor: l.unit_price.minor(),
        })
        .collect();
    let allocations = allocations::list(conn, operator, o.id)
        .await?
        .into_iter()
        .map(|a| AllocationView {
            line_no: a.line_no,
            warehouse_id: a.warehouse_id.map(|w| w.to_string()),
            quantity: a.quantity,
        })
        .collect();
    let events = events::list_for_subject(conn, operator, "order", &o.id.to_string())
        .await?
        .into_iter()
        .map(|e| EventView {
            kind: e.kind,
            actor_kind: e.actor_kind,
            actor_id: e.actor_id,
            reason: e.reason,
            data: serde_json::from_str(&e.data).unwrap_or(serde_json::Value::Null),
            at: e.at,
        })
        .collect();
    let id = o.id.to_string();
    let mut clocks = tradeport_store::sla::list(conn, operator, ("order", &id)).await?;
    // The refunds owed on its after-sales requests: only goods that reached the floor or left can
    // be claimed.
    let may_have_requests = o.status.in_warehouse()
        || matches!(
            o.status,
            tradeport_domain::orders::OrderStatus::HandedOver
                | tradeport_domain::orders::OrderStatus::Cancelled
        );
    if may_have_requests {
        clocks.extend(tradeport_store::sla::refunds_of_order(conn, operator, &id).await?);
    }
    let archived_at = match o.completed_at {
        Some(_) => tradeport_store::archives::archived_at(conn, operator, o.id).await?,
        None => None,
    };
    let personal_data_erased_at = match o.completed_at {
        Some(_) => tradeport_store::retention::erase::buyer_fields(conn, operator, o.id)
            .await?
            .and_then(|b| b.personal_data_erased_at),
        None => None,
    };
    let legal_hold = tradeport_store::retention::hold(conn, operator, o.id).await?.map(|h| h.reason);
    let channel_link = tradeport_store::channels::links::of_order(conn, operator, o.id).await?.map(|l| {
        let url = tradeport_domain::channels::ChannelKind::parse(&l.kind)
            .and_then(|k| k.order_url(&l.shop_domain, &l.site_url, &l.external_id))
            .unwrap_or_default();
        ChannelLinkView {
            connection_id: l.connection_id,
            connection_name: l.name,
            display_ref: l.display_ref,
            url,
        }
    });
    let risk = match tradeport_store::orders::risk::of_order(conn, operator, o.id).await? {
        Some(r) => Some(RiskView {
            score: r.score,
            held: r.held != 0,
            rules: serde_json::from_str(&r.rules)
                .map_err(|e| AppError::Internal(format!("order {} risk rules: {e}", o.id)))?,
            decision: r.decision,
        }),
        None => None,
    };
    let presale = tradeport_store::inventory::presales::of_order(conn, operator, o.id)
        .await?
        .into_iter()
        .map(|(sku_id, quantity, on)| PromisedView {
            sku_id,
            quantity,
            promised_on: crate::inventory::day_of(on),
        })
        .collect();
    let parts = ViewParts {
        lines,
        allocations,
        events,
        clocks,
        risk,
        presale,
        channel_link,
        archived_at,
        personal_data_erased_at,
        legal_hold,
    };
    Ok(assemble(app, o, parts))
}

/// The order's view from its row and the rest of what it shows.
pub(crate) fn assemble(app: &crate::App, o: &OrderRow, parts: ViewParts) -> OrderView {
    let now = app.now();
    OrderView {
        summary: OrderSummary::from(o),
        channel_link: parts.channel_link,
        risk: parts.risk,
        presale: parts.presale,
        buyer_phone: o.buyer_phone.clone(),
        buyer_phone_e164: o.buyer_phone_e164.clone(),
        buyer_email: o.buyer_email.clone(),
        buyer_language: o.buyer_language.clone(),
        shipping_address: serde_json::from_str(&o.shipping_address).unwrap_or_default(),
        subtotal_minor: o.subtotal.minor(),
        discount_minor: o.discount.minor(),
        discounts: serde_json::from_str(&o.discounts).unwrap_or(serde_json::Value::Array(Vec::new())),
        shipping_fee_minor: o.shipping_fee.minor(),
        tax_minor: o.tax.minor(),
        paid_minor: o.paid.minor(),
        payment_method: o.payment_method.clone(),
        payment_status: o.payment_status.as_str().to_string(),
        remarks: o.remarks.clone(),
        updated_at: o.updated_at.0,
        approved_at: o.approved_at.map(|m| m.0),
        confirmed_at: o.confirmed_at.map(|m| m.0),
        lines: parts.lines,
        allocations: parts.allocations,
        events: parts.events,
        clocks: parts.clocks.iter().map(|c| crate::sla::ClockView::new(c, now)).collect(),
        completed_at: o.completed_at.map(|m| m.0),
        archived_at: parts.archived_at,
        personal_data_erased_at: parts.personal_data_erased_at,
        legal_hold: parts.legal_hold,
    }
}
