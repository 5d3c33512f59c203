//! Amazon orders polled (ORD-1), as [`super::poll`] describes: every order changed since the
//! connection's watermark, page by page, then the same intake as every other order. With Orders
//! v0 each order's items are read and, when Amazon held the address back, the address asked for;
//! an order whose address Amazon still holds waits (outcome `waiting`) and is asked for again
//! (`getOrder`) by each poll until it is released. With Orders 2026-01-01 (`searchOrders`) items
//! and address come with the order.

use std::collections::BTreeMap;

use tradeport_connectors::amazon_spapi::{SpApi, SpApiAccess, SpApiError};
use tradeport_domain::channels::{
    AmazonOrdersApi, ChannelKind, ChannelMapping, ChannelState, DeliveryOutcome, amazon_order,
    amazon_order_2026,
};
use tradeport_store::channels::connections::ConnectionRow;
use tradeport_store::channels::deliveries;

use super::poll::{
    PollReport, finish_poll, normal, received_before, record_taken, start_of, take_whole, unreadable,
};
use super::seal_context;
use super::take_order::{TakenOrder, take_channel_order};
use crate::{App, AppError, AppResult};

/// The regional endpoint when the connection names none.
const NORTH_AMERICA: &str = "https://sellingpartnerapi-na.amazon.com";

pub(crate) fn client(app: &App, c: &ConnectionRow) -> AppResult<SpApi> {
    let plain = if c.credentials.is_empty() {
        "{}".to_string()
    } else {
        app.keyring()?.open(&c.credentials, &seal_context(&c.id, "credentials")).map_err(|e| {
            AppError::Internal(format!("the credentials of connection {} do not open: {e}", c.id))
        })?
    };
    let creds: BTreeMap<String, String> =
        serde_json::from_str(&plain).map_err(|e| AppError::Internal(e.to_string()))?;
    let get = |k: &str| creds.get(k).map(String::as_str).unwrap_or_default();
    let (token_url, backoff) = (app.amazon_token_url(), app.poll_backoff());
    let access = SpApiAccess {
        api_url: if c.site_url.is_empty() { NORTH_AMERICA } else { &c.site_url },
        token_url,
        client_id: get("client_id"),
        client_secret: get("client_secret"),
        refresh_token: get("refresh_token"),
    };
    SpApi::new(&access, backoff, 5).map_err(|why| AppError::Conflict {
        code: "channel.credentials_missing",
        message: why,
        fields: Vec::new(),
    })
}

pub(super) async fn poll(app: &App, c: &ConnectionRow) -> AppResult<PollReport> {
    let api = client(app, c)?;
    let operator =
        c.tenant_id.parse().map_err(|_| AppError::Internal(format!("connection {} tenant", c.id)))?;
    let mapping: ChannelMapping = serde_json::from_str(&c.mapping).unwrap_or_default();
    let marketplaces: Vec<String> =
        c.marketplace_ids.split(',').filter(|m| !m.is_empty()).map(String::from).collect();
    let api_version = AmazonOrdersApi::parse(&c.orders_api).unwrap_or_default();
    let start = start_of(app, c);
    let mut report = PollReport::default();
    let mut newest = start.clone();
    let mut next: Option<String> = None;
    let mut seen = std::collections::BTreeSet::new();
    let stopped = loop {
        let page = match api_version {
            AmazonOrdersApi::V0 => api.get_orders(&marketplaces, &start, next.as_deref()).await,
            AmazonOrdersApi::V2026 => api.search_orders(&marketplaces, &start, next.as_deref()).await,
        };
        let page = match page {
            Ok(p) => p,
            Err(e) => break Some(e.to_string()),
        };
        let mut failed = None;
        for order in &page.orders {
            report.orders_seen += 1;
            seen.insert(order["AmazonOrderId"].as_str().unwrap_or_default().to_string());
            let taken = match api_version {
                AmazonOrdersApi::V0 => take_one(app, &api, c, operator, &mapping, order, &mut report).await,
                AmazonOrdersApi::V2026 => take_searched(app, c, operator, &mapping, order, &mut report).await,
            };
            if let Err(e) = taken {
                failed = Some(super::take_order::refusal_text(&e));
                break;
            }
            let changed = order.get("LastUpdateDate").or(order.get("lastUpdatedTime"));
            if let Some(changed) = normal(changed.and_then(|c| c.as_str()).unwrap_or_default()) {
                newest = newest.max(changed);
            }
        }
        if failed.is_some() {
            break failed;
        }
        match page.next_token {
            Some(t) => next = Some(t),
            None => break None,
        }
    };
    // Orders read earlier without the address Amazon held back are asked for again.
    let stopped = match stopped {
        None if api_version == AmazonOrdersApi::V0 => {
            retry_waiting(app, &api, c, &mapping, &seen, &mut report).await?;
            None
        }
        other => other,
    };
    finish_poll(app, c, start, newest, stopped, report).await
}

/// How many waiting orders one poll asks for again.
const WAITING_PER_POLL: i64 = 20;
/// How long an order may wait for Amazon to release its address before it is given up (and
/// refused in the log, for a person to enter it).
const WAITING_AT_MOST_MS: i64 = 30 * 24 * 3_600_000;

/// Asks Amazon again for the orders waiting for their address (`getOrder`), the least recently
/// asked first, and takes in those it now releases (not those this poll read already). A failure
/// ends these retries for this poll but never holds the watermark back (the pages were read).
async fn retry_waiting(
    app: &App,
    api: &SpApi,
    c: &ConnectionRow,
    mapping: &ChannelMapping,
    seen: &std::collections::BTreeSet<String>,
    report: &mut PollReport,
) -> AppResult<()> {
    let mut conn = app.db().read().await?;
    let waiting = deliveries::waiting(&mut conn, &c.id, WAITING_PER_POLL).await?;
    drop(conn);
    for w in waiting.into_iter().filter(|w| !seen.contains(&w.external_id)) {
        if app.now().0 - w.received_at > WAITING_AT_MOST_MS {
            let given_up = TakenOrder {
                outcome: DeliveryOutcome::Refused,
                order_id: None,
                detail: format!(
                    "Amazon did not release the address of order {} within 30 days: enter the order by hand",
                    w.external_id
                ),
            };
            record_taken(app, c, (&w.delivery_key, &w.external_id), &given_up, report).await?;
            continue;
        }
        let order = match api.get_order(&w.external_id).await {
            Ok(o) if o.is_object() => o,
            Ok(_) => continue,
            Err(e) => {
                tracing::warn!(connection = %c.id, order = %w.external_id, "waiting order not asked again: {e}");
                break;
            }
        };
        if let Err(e) = take_change(app, api, c, mapping, &order, &w.delivery_key, report).await {
            tracing::warn!(connection = %c.id, order = %w.external_id, "waiting order not taken: {e}");
            break;
        }
    }
    Ok(())
}

/// Takes one polled order in, once per change.
async fn take_one(
    app: &App,
    api: &SpApi,
    c: &ConnectionRow,
    operator: tradeport_domain::kernel::TenantId,
    mapping: &ChannelMapping,
    order: &serde_json::Value,
    report: &mut PollReport,
) -> AppResult<()> {
    let id = order["AmazonOrderId"].as_str().unwrap_or_default().to_string();
    let changed = order["LastUpdateDate"].as_str().unwrap_or_default();
    let key = format!("{id}@{changed}");
    if received_before(app, c, operator, ("getOrders", &key, &id)).await? {
        report.already_taken += 1;
        return Ok(());
    }
    take_change(app, api, c, mapping, order, &key, report).await
}

/// Takes in a change of an order recorded under `key`: its items read and, when Amazon held the
/// address back, the address asked for; while Amazon still holds it, the change waits.
async fn take_change(
    app: &App,
    api: &SpApi,
    c: &ConnectionRow,
    mapping: &ChannelMapping,
    order: &serde_json::Value,
    key: &str,
    report: &mut PollReport,
) -> AppResult<()> {
    let id = order["AmazonOrderId"].as_str().unwrap_or_default().to_string();
    let status = order["OrderStatus"].as_str().unwrap_or_default();
    let wanted = !matches!(status, "Pending" | "PendingAvailability" | "Canceled")
        && order["FulfillmentChannel"].as_str() != Some("AFN");
    let mut order = order.clone();
    let mut may_wait = false;
    let items = if wanted {
        let items = api.get_order_items(&id).await.map_err(|e| AppError::Conflict {
            code: "channel.unreachable",
            message: e.to_string(),
            fields: Vec::new(),
        })?;
        let has_address = order["ShippingAddress"]["AddressLine1"].as_str().is_some_and(|l| !l.is_empty());
        if !has_address {
            // Not released yet: the order waits (below). Refused (the app has no role for
            // addresses): it never will be, so the order is taken as it is and intake says what is
            // missing. Throttled or unreachable: the poll stops and this change is read again,
            // never taken without it.
            match api.get_order_address(&id).await {
                Ok(Some(address)) => order["ShippingAddress"] = address,
                Ok(None) => may_wait = true,
                Err(SpApiError::Refused(_)) => {}
                Err(e) => return Err(crate::warehouse::conflict("channel.unreachable", e.to_string())),
            }
        }
        items
    } else {
        serde_json::Value::Null
    };
    let taken = match amazon_order(&order, &items, mapping) {
        // Only a new order to fulfil waits; a change of one taken in already goes on without.
        Ok(o) if may_wait && o.state == ChannelState::Open && !known(app, c, &o).await? => TakenOrder {
            outcome: DeliveryOutcome::Waiting,
            order_id: None,
            detail: format!("Amazon has not released the address of order {id} yet; asked again each poll"),
        },
        Ok(o) => take_channel_order(app, c, o).await?,
        Err(fields) => unreadable(&fields),
    };
    record_taken(app, c, (key, &id), &taken, report).await
}

/// Takes one order of `searchOrders` in, once per change: it carries its items and address.
async fn take_searched(
    app: &App,
    c: &ConnectionRow,
    operator: tradeport_domain::kernel::TenantId,
    mapping: &ChannelMapping,
    order: &serde_json::Value,
    report: &mut PollReport,
) -> AppResult<()> {
    let id = order["orderId"].as_str().unwrap_or_default();
    let key = format!("{id}@{}", order["lastUpdatedTime"].as_str().unwrap_or_default());
    take_whole(app, c, operator, ("searchOrders", &key, id), amazon_order_2026(order, mapping), report).await
}

/// Whether the channel order is an order of the connection's merchant already.
async fn known(
    app: &App,
    c: &ConnectionRow,
    o: &tradeport_domain::channels::ChannelOrder,
) -> AppResult<bool> {
    let operator =
        c.tenant_id.parse().map_err(|_| AppError::Internal(format!("connection {} tenant", c.id)))?;
    let merchant =
        c.merchant_id.parse().map_err(|_| AppError::Internal(format!("connection {} merchant", c.id)))?;
    let mut conn = app.db().read().await?;
    // Kept as `take_channel_order` keeps it: the kind's order channel and key.
    let kind = ChannelKind::Amazon;
    let key = kind.order_key(&c.site_url, &o.external_id);
    let found = tradeport_store::orders::find_by_channel_id(
        &mut conn,
        operator,
        merchant,
        kind.order_channel(),
        &key,
    )
    .await?;
    Ok(found.is_some())
}
