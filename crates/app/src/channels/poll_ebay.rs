//! eBay orders polled (ORD-1) through the Sell Fulfillment API, as [`super::poll`] describes.
//! eBay pages by offset, so a poll reads a closed window, from the watermark to five minutes ago:
//! no order can join it while the pages are read, and an order changed meanwhile leaves it (its
//! new change is in the next window). When fewer orders were read than the window held at first,
//! one may have been skipped by the shift, so the window is read again at once, up to three
//! times, and then the watermark stays for the next poll (what was taken is recognised).

use std::collections::BTreeSet;

use tradeport_connectors::ebay_fulfillment::EbayFulfillment;
use tradeport_connectors::ebay_oauth::EbayAccess;
use tradeport_domain::channels::{ChannelMapping, ebay_order};
use tradeport_domain::kernel::TenantId;
use tradeport_store::channels::connections::ConnectionRow;

use super::poll::{PollReport, SETTLE_MS, finish_poll, iso, start_of, take_whole};
use crate::{App, AppError, AppResult};

/// eBay's API host when the connection names none.
const EBAY_API: &str = "https://api.ebay.com";

/// A client of connection `c`'s eBay account, made by `make` from its sealed credentials.
pub(crate) fn ebay_client<T>(
    app: &App,
    c: &ConnectionRow,
    make: impl FnOnce(&EbayAccess<'_>) -> Result<T, String>,
) -> AppResult<T> {
    let creds = super::credentials(app, c).map_err(AppError::Internal)?;
    let get = |k: &str| creds.get(k).map(String::as_str).unwrap_or_default();
    let access = EbayAccess {
        base_url: if c.site_url.is_empty() { EBAY_API } else { &c.site_url },
        // The first marketplace's site (checked when the connection was saved); none: the US site.
        site_id: c
            .marketplace_ids
            .split(',')
            .next()
            .and_then(tradeport_connectors::ebay_trading::site_id)
            .unwrap_or(0),
        client_id: get("client_id"),
        client_secret: get("client_secret"),
        refresh_token: get("refresh_token"),
        scopes: get("scopes"),
    };
    make(&access).map_err(|why| crate::warehouse::conflict("channel.credentials_missing", why))
}

pub(super) async fn poll(app: &App, c: &ConnectionRow) -> AppResult<PollReport> {
    let backoff = app.poll_backoff();
    let api = ebay_client(app, c, |access| EbayFulfillment::new(access, backoff, 5))?;
    let operator: TenantId =
        c.tenant_id.parse().map_err(|_| AppError::Internal(format!("connection {} tenant", c.id)))?;
    let mapping: ChannelMapping = serde_json::from_str(&c.mapping).unwrap_or_default();
    let start = start_of(app, c);
    let end = iso(app.now().0 - SETTLE_MS).max(start.clone());
    let mut report = PollReport::default();
    // A window that shrank while it was read is read again at once (what was taken is
    // recognised); after three such passes the watermark stays for the next poll.
    let mut whole = false;
    let mut stopped = None;
    for _ in 0..3 {
        match read_window(app, &api, c, (operator, &mapping), (&start, &end), &mut report).await {
            Ok(true) => {
                whole = true;
                break;
            }
            Ok(false) => {}
            Err(why) => {
                stopped = Some(why);
                break;
            }
        }
    }
    let newest = if whole { end } else { start.clone() };
    finish_poll(app, c, start, newest, stopped, report).await
}

/// Reads the window page by page: whether it was read whole (as many orders as it held at first),
/// or why the reading stopped.
async fn read_window(
    app: &App,
    api: &EbayFulfillment,
    c: &ConnectionRow,
    (operator, mapping): (TenantId, &ChannelMapping),
    window: (&str, &str),
    report: &mut PollReport,
) -> Result<bool, String> {
    let mut seen = BTreeSet::new();
    let mut held = None;
    let mut offset = 0;
    loop {
        let page = api.get_orders(window, offset).await.map_err(|e| e.to_string())?;
        held.get_or_insert(page.total);
        for order in &page.orders {
            report.orders_seen += 1;
            seen.insert(order["orderId"].as_str().unwrap_or_default().to_string());
            take_one(app, c, operator, mapping, order, report)
                .await
                .map_err(|e| super::take_order::refusal_text(&e))?;
        }
        match page.next_offset {
            Some(next) => offset = next,
            None => return Ok((seen.len() as u64) >= held.unwrap_or(0)),
        }
    }
}

/// Takes one polled order in, once per change.
async fn take_one(
    app: &App,
    c: &ConnectionRow,
    operator: TenantId,
    mapping: &ChannelMapping,
    order: &serde_json::Value,
    report: &mut PollReport,
) -> AppResult<()> {
    let id = order["orderId"].as_str().unwrap_or_default();
    let key = format!("{id}@{}", order["lastModifiedDate"].as_str().unwrap_or_default());
    take_whole(app, c, operator, ("getOrders", &key, id), ebay_order(order, mapping), report).await
}
