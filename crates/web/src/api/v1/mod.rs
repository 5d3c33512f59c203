//! `/api/v1`: one module per context.

mod access;
mod aftersales;
mod aftersales_requests;
mod archives;
mod audit;
mod billing;
mod calendar_body;
mod calendars;
mod channels;
mod customs;
mod disputes;
mod exceptions;
mod inventory;
mod inventory_requests;
mod jobs;
mod message_templates;
mod order_request;
mod orders;
mod payments;
mod reports;
mod retention;
mod settings_body;
mod shipping;
mod sla;
mod tickets;
mod warehouse;
mod webhooks;

use serde::Deserialize;
use tradeport_app::{App, PageRequest};
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;

/// Cursor pagination: at most `limit` items (1-200, default 50) after `cursor`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct PageQuery {
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u32>,
    cursor: Option<String>,
}

impl From<PageQuery> for PageRequest {
    fn from(q: PageQuery) -> Self {
        Self { limit: q.limit, cursor: q.cursor }
    }
}

/// Every v1 route.
/// Routes without an API key: webhooks that carriers, shops and payment providers send (each
/// checks its sender's signature), and the buyer's side of a tracking link (the link is the key).
pub fn signed_hooks() -> OpenApiRouter<App> {
    shipping::signed_hooks()
        .merge(channels::signed_hooks())
        .merge(payments::signed_hooks())
        .merge(tickets::public())
}

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .merge(access::routes())
        .merge(aftersales::routes())
        .merge(aftersales_requests::routes())
        .merge(audit::routes())
        .merge(billing::routes())
        .merge(archives::routes())
        .merge(calendars::routes())
        .merge(channels::routes())
        .merge(customs::routes())
        .merge(exceptions::routes())
        .merge(inventory::routes())
        .merge(jobs::routes())
        .merge(message_templates::routes())
        .merge(orders::routes())
        .merge(payments::routes())
        .merge(reports::routes())
        .merge(retention::routes())
        .merge(shipping::routes())
        .merge(sla::routes())
        .merge(tickets::routes())
        .merge(disputes::routes())
        .merge(warehouse::routes())
        .merge(webhooks::routes())
}
