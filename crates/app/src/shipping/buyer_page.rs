//! The buyer's tracking page (SLA-4): reached by an unguessable link, or by the order number with
//! the buyer's e-mail or postcode; no account. It shows the order's number and state, each parcel
//! with its carrier, tracking number and events, and the estimated delivery: nothing about the
//! merchant or the operator. The same as JSON for a merchant's own site.

use serde::Serialize;
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::kernel::{Address, OrderId};
use tradeport_store::shipping::services;
use tradeport_store::shipping::shipments::{self, ShipmentsOf};
use tradeport_store::shipping::tracking;

use crate::{App, AppError, AppResult, parse_id};

/// A tracking event as the buyer sees it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PublicEvent {
    pub at: String,
    pub status: String,
    pub description: String,
    pub location: String,
}

/// A parcel as the buyer sees it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PublicParcel {
    pub carrier: String,
    pub tracking_no: String,
    /// `pending`, `in_transit`, `customs`, `out_for_delivery`, `delivered`, …
    pub status: String,
    pub delivered_at: Option<String>,
    /// Newest first.
    pub events: Vec<PublicEvent>,
}

/// What the tracking page shows.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PublicTracking {
    pub order_no: String,
    /// The buyer's language (the page's, unless the buyer picks another).
    pub language: String,
    /// The order's state: `confirmed`, `picking`, … `handed_over`, `cancelled`.
    pub status: String,
    /// The latest day the parcels should arrive, while any is on its way: the hand-over day plus
    /// the service's longest transit, counted in business days from the hand-over.
    pub estimated_delivery: Option<String>,
    /// For an order with pre-sale goods (INV-4): the latest day promised for them, `YYYY-MM-DD`,
    /// until it is handed over.
    pub presale_promised_on: Option<String>,
    pub parcels: Vec<PublicParcel>,
}

/// The order's tracking page, `/track/{token}`, made on first ask.
pub async fn tracking_link(app: &App, principal: &Principal, order_id: &str) -> AppResult<String> {
    principal.require(Permission::ViewOrders)?;
    let id: OrderId = parse_id(order_id, "order")?;
    let operator = principal.scope.operator_id;
    let mut tx = app.begin().await?;
    tradeport_store::orders::get(&mut tx, operator, principal.scope.merchant_id, id)
        .await?
        .ok_or(AppError::NotFound("order"))?;
    let token = link_in_tx(&mut tx, operator, id, app.now()).await?;
    tx.commit().await?;
    Ok(format!("/track/{token}"))
}

/// The order's token, made with fresh randomness when it has none.
pub(crate) async fn link_in_tx(
    conn: &mut tradeport_store::AnyConnection,
    operator: tradeport_domain::kernel::TenantId,
    order: OrderId,
    now: tradeport_domain::kernel::Millis,
) -> AppResult<String> {
    let fresh = tradeport_connectors::secrets::random_token(24);
    Ok(tracking::link_in_tx(conn, operator, order, &fresh, now).await?)
}

/// The operator and order a token opens; a changed or guessed token is not found.
pub async fn tracking_target(
    app: &App,
    token: &str,
) -> AppResult<(tradeport_domain::kernel::TenantId, OrderId)> {
    let token = token.trim();
    if token.len() != 48 || !token.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(AppError::NotFound("tracking page"));
    }
    let mut conn = app.db().read().await?;
    tracking::link_target(&mut conn, token).await?.ok_or(AppError::NotFound("tracking page"))
}

/// The page a token opens.
pub async fn public_tracking(app: &App, token: &str) -> AppResult<PublicTracking> {
    let (operator, order_id) = tracking_target(app, token).await?;
    let mut conn = app.db().read().await?;
    let order = tradeport_store::orders::get(&mut conn, operator, None, order_id)
        .await?
        .ok_or(AppError::NotFound("order"))?;
    let sent = shipments::find(&mut conn, operator, None, ShipmentsOf::Order(order_id)).await?;
    let catalogue = services::list(&mut conn, operator).await?;
    let mut parcels = Vec::new();
    let mut estimate: Option<jiff::civil::Date> = None;
    for s in &sent {
        let mut events: Vec<PublicEvent> = tracking::events_of(&mut conn, operator, &s.tracking_no)
            .await?
            .into_iter()
            .map(|e| PublicEvent {
                at: crate::warehouse::rfc3339(e.happened_at),
                status: e.status.as_str().into(),
                description: e.description,
                location: e.location,
            })
            .collect();
        events.reverse();
        if s.delivered_at.is_none() {
            let days = catalogue
                .iter()
                .find(|c| c.service.code == s.service_code)
                .map_or(0, |c| c.service.transit_days.1);
            let due = tradeport_domain::shipping::promised_by(s.shipped_at.unwrap_or(s.created_at), days);
            let day = jiff::Timestamp::from_millisecond(due.0)
                .map(|t| t.to_zoned(jiff::tz::TimeZone::UTC).date())
                .ok();
            estimate = estimate.max(day);
        }
        parcels.push(PublicParcel {
            carrier: s.carrier.clone(),
            tracking_no: s.tracking_no.clone(),
            status: s.tracking_status.clone(),
            delivered_at: s.delivered_at.map(crate::warehouse::rfc3339),
            events,
        });
    }
    let presale = tradeport_store::inventory::presales::of_order(&mut conn, operator, order_id).await?;
    let presale_promised_on =
        presale.iter().map(|(_, _, on)| *on).max().filter(|_| sent.is_empty()).map(crate::inventory::day_of);
    Ok(PublicTracking {
        order_no: order.order_no.clone().unwrap_or(order.channel_order_id.clone()),
        language: order.buyer_language.clone(),
        status: order.status.as_str().into(),
        estimated_delivery: estimate.map(|d| d.to_string()),
        presale_promised_on,
        parcels,
    })
}

/// The token of the order with this number whose buyer has this e-mail or postcode.
pub async fn find_tracking(app: &App, number: &str, contact: &str) -> AppResult<String> {
    let (number, contact) = (number.trim(), contact.trim());
    if number.is_empty() || contact.is_empty() {
        return Err(AppError::NotFound("order"));
    }
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
    let mut conn = app.db().read().await?;
    for (token, email, address) in tracking::links_by_number(&mut conn, number).await? {
        let postcode = serde_json::from_str::<Address>(&address).map(|a| a.postcode).unwrap_or_default();
        let matches = email.eq_ignore_ascii_case(contact)
            || (!postcode.is_empty() && squash(&postcode) == squash(contact));
        if matches {
            return Ok(token);
        }
    }
    Err(AppError::NotFound("order"))
}
