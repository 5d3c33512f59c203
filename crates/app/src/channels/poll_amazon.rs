//! Amazon orders polled (ORD-1): every order changed since the connection's watermark, page by
//! page, each taken in once per change (its delivery key is the order id with its change time),
//! its items read and, when Amazon held the address back, the address asked for, then the same
//! intake as every other order. The watermark moves only when every page was read, so a poll that
//! Amazon throttles to a stop resumes where the last full poll ended: no gap, and what it takes
//! again is recognised, not made twice.

use std::collections::BTreeMap;

use serde::Serialize;
use tradeport_connectors::amazon_spapi::{SpApi, SpApiAccess};
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::channels::{
    ChannelKind, ChannelMapping, ConnectionStatus, DeliveryOutcome, amazon_order,
};
use tradeport_store::channels::connections::{self, ConnectionRow};
use tradeport_store::channels::deliveries::{self, DeliveryRow};

use super::seal_context;
use super::take_order::{TakenOrder, take_channel_order};
use crate::{App, AppError, AppResult};

/// Where a first poll starts: orders changed in the last week.
const FIRST_POLL_MS: i64 = 7 * 24 * 3_600_000;
/// How far behind now the watermark stays.
const SETTLE_MS: i64 = 5 * 60_000;
/// The regional endpoint when the connection names none.
const NORTH_AMERICA: &str = "https://sellingpartnerapi-na.amazon.com";

/// What one poll did.
#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct PollReport {
    pub orders_seen: u64,
    pub created: u64,
    pub updated: u64,
    /// Orders refused by intake (their reasons are in the delivery log).
    pub refused: u64,
    /// Not taken: not ready, cancelled before they reached us, fulfilled by Amazon.
    pub ignored: u64,
    /// Changes taken before (a poll that resumed).
    pub already_taken: u64,
    /// Where the next poll starts.
    pub watermark: String,
    /// Why the poll stopped early, when it did (the watermark stayed).
    pub error: Option<String>,
}

fn iso(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

/// Polls one Amazon connection now. Admins, order managers, the merchant.
pub async fn poll_connection(app: &App, principal: &Principal, id: &str) -> AppResult<PollReport> {
    principal.require(Permission::ManageChannels)?;
    let mut conn = app.db().read().await?;
    let c = connections::get(&mut conn, principal.scope.operator_id, principal.scope.merchant_id, id)
        .await?
        .ok_or(AppError::NotFound("connection"))?;
    drop(conn);
    if c.status == ConnectionStatus::Paused.as_str() {
        return Err(AppError::Conflict {
            code: "channel.paused",
            message: "the connection is paused: resume it to take its orders in".into(),
            fields: Vec::new(),
        });
    }
    if c.kind != ChannelKind::Amazon.as_str() {
        return Err(AppError::Conflict {
            code: "channel.not_polled",
            message: "only Amazon connections are polled; shops deliver their orders by webhook".into(),
            fields: Vec::new(),
        });
    }
    poll(app, &c).await
}

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
    let (token_url, backoff) = app.amazon();
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
    let start = if c.watermark.is_empty() { iso(app.now().0 - FIRST_POLL_MS) } else { c.watermark.clone() };
    let mut report = PollReport { watermark: start.clone(), ..Default::default() };
    let mut newest = start.clone();
    let mut next: Option<String> = None;
    let stopped = loop {
        let page = match api.get_orders(&marketplaces, &start, next.as_deref()).await {
            Ok(p) => p,
            Err(e) => break Some(e.to_string()),
        };
        let mut failed = None;
        for order in &page.orders {
            report.orders_seen += 1;
            if let Err(e) = take_one(app, &api, c, operator, &mapping, order, &mut report).await {
                failed = Some(super::take_order::refusal_text(&e));
                break;
            }
            // ISO 8601 instants in UTC compare as text.
            let changed = order["LastUpdateDate"].as_str().unwrap_or_default();
            if changed > newest.as_str() {
                newest = changed.to_string();
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
    let now = app.now();
    let mut tx = app.begin().await?;
    // A full poll moves the watermark to the newest change it saw, but never past five minutes
    // ago: Amazon may show a change late with an earlier time (what is read again is recognised).
    // One that stopped keeps its start (a first poll's too, so the next begins at the same
    // instant).
    let settled = iso(now.0 - SETTLE_MS);
    let watermark = if stopped.is_none() { newest.min(settled).max(start.clone()) } else { start };
    connections::set_watermark_in_tx(&mut tx, &c.id, &watermark).await?;
    report.watermark = watermark;
    connections::record_health_in_tx(&mut tx, &c.id, now, stopped.as_deref()).await?;
    tx.commit().await?;
    report.error = stopped;
    Ok(report)
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
    let record = DeliveryRow {
        id: app.new_uuid().to_string(),
        connection_id: c.id.clone(),
        delivery_key: key.clone(),
        topic: "getOrders".into(),
        external_id: id.clone(),
        received_at: app.now().0,
        outcome: DeliveryOutcome::Received.as_str().into(),
        order_id: None,
        detail: String::new(),
        finished_at: None,
    };
    let mut tx = app.begin().await?;
    let earlier = deliveries::receive(&mut tx, operator, &record).await?;
    tx.commit().await?;
    if earlier.is_some_and(|e| DeliveryOutcome::parse(&e.outcome).is_some_and(DeliveryOutcome::is_final)) {
        report.already_taken += 1;
        return Ok(());
    }
    let status = order["OrderStatus"].as_str().unwrap_or_default();
    let wanted = !matches!(status, "Pending" | "PendingAvailability" | "Canceled")
        && order["FulfillmentChannel"].as_str() != Some("AFN");
    let mut order = order.clone();
    let items = if wanted {
        let items = api.get_order_items(&id).await.map_err(|e| AppError::Conflict {
            code: "channel.unreachable",
            message: e.to_string(),
            fields: Vec::new(),
        })?;
        let has_address = order["ShippingAddress"]["AddressLine1"].as_str().is_some_and(|l| !l.is_empty());
        if !has_address && let Some(address) = api.get_order_address(&id).await.ok().flatten() {
            order["ShippingAddress"] = address;
        }
        items
    } else {
        serde_json::Value::Null
    };
    let taken = match amazon_order(&order, &items, mapping) {
        Ok(o) => take_channel_order(app, c, o).await?,
        Err(fields) => TakenOrder {
            outcome: DeliveryOutcome::Refused,
            order_id: None,
            detail: fields
                .iter()
                .map(|f| format!("{}: {}", f.field, f.message))
                .collect::<Vec<_>>()
                .join("; "),
        },
    };
    match taken.outcome {
        DeliveryOutcome::Created => report.created += 1,
        DeliveryOutcome::Updated | DeliveryOutcome::Cancelled => report.updated += 1,
        DeliveryOutcome::Refused => report.refused += 1,
        _ => report.ignored += 1,
    }
    let mut tx = app.begin().await?;
    let outcome = deliveries::Outcome {
        outcome: taken.outcome.as_str(),
        external_id: &id,
        order_id: taken.order_id.as_deref(),
        detail: &taken.detail,
    };
    deliveries::finish(&mut tx, &c.id, &key, &outcome, app.now()).await?;
    tx.commit().await?;
    Ok(())
}
