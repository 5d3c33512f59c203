//! The server-rendered web UI: askama templates, htmx for progressive enhancement, every asset
//! embedded in the binary, English and Simplified Chinese.
//!
//! Every form that changes something carries the session's CSRF token and is refused without it;
//! the sign-in form, which has no session yet, uses a double-submit cookie instead.

mod access_pages;
mod aftersales_pages;
mod assets;
mod billing_pages;
mod channel_pages;
mod cookies;
mod i18n;
mod inventory_pages;
mod kpi_pages;
mod login;
mod notifications;
mod order_aftersales;
mod order_entry;
mod order_pages;
mod order_shipping;
mod payment_pages;
mod report_pages;
mod retention_pages;
mod scanner_pages;
mod service_pages;
mod shell;
mod shipping_actions;
mod shipping_pages;
mod survey_page;
mod time_limits;
mod tracking_page;
mod warehouse_actions;
mod warehouse_pages;

use askama::Template;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use tradeport_app::App;
use tradeport_app::access::{SessionPrincipal, authenticate_session};

pub use cookies::tokens_match;
pub use i18n::Tr;

/// The UI routes.
pub fn router() -> Router<App> {
    Router::new()
        .route("/assets/{file}", get(assets::serve))
        .route("/login", get(login::form).post(login::submit))
        .route("/track", get(tracking_page::find))
        .route("/track/{token}", get(tracking_page::show))
        .route("/track/{token}/request", post(tracking_page::request))
        .route("/track/{token}/evidence", post(tracking_page::evidence))
        .route("/track/{token}/offer", post(tracking_page::offer))
        .route("/track/{token}/message", post(tracking_page::message))
        .route("/track/{token}/json", get(tracking_page::json))
        .route("/survey/{token}", get(survey_page::show).post(survey_page::answer))
        .route("/logout", post(login::logout))
        .route("/lang", get(login::switch_language))
        .route("/", get(access_pages::dashboard))
        .route("/users", get(access_pages::users).post(access_pages::create_user))
        .route("/users/{id}/{action}", post(access_pages::toggle_user))
        .route("/api-keys", get(access_pages::api_keys).post(access_pages::create_api_key))
        .route("/api-keys/{id}/revoke", post(access_pages::revoke_api_key))
        .route("/settings", get(access_pages::settings).post(access_pages::save_settings))
        .route("/orders", get(order_pages::list))
        .route("/orders/export.csv", get(order_pages::export_csv))
        .route("/orders/export.xlsx", get(order_pages::export_xlsx))
        .route("/orders/new", get(order_entry::form).post(order_entry::submit))
        .route("/orders/new/suggested-total", get(order_entry::suggested_total))
        .route("/orders/bulk-approve", post(order_pages::bulk))
        .route("/orders/queue/{queue}", get(order_pages::queue))
        .route("/orders/{id}", get(order_pages::detail))
        .route("/orders/{id}/act", post(order_pages::act))
        .route("/orders/{id}/shipments/{shipment}/customs", post(order_shipping::declare))
        .route("/orders/{id}/shipments/{shipment}/clearance", post(order_shipping::clear))
        .route("/aftersales", get(aftersales_pages::show))
        .route("/reports", get(report_pages::show))
        .route("/kpis", get(kpi_pages::show))
        .route("/channels", get(channel_pages::show).post(channel_pages::connect))
        .route("/channels/{id}", get(channel_pages::detail).post(channel_pages::change))
        .route(
            "/imports",
            post(channel_pages::upload).layer(DefaultBodyLimit::max(crate::middleware::ORDER_FILE_LIMIT)),
        )
        .route("/payments", get(payment_pages::show).post(payment_pages::connect))
        .route("/service", get(service_pages::inbox))
        .route("/service/tickets/{id}", get(service_pages::detail).post(service_pages::act))
        .route("/service/tickets/{id}/viewers", get(service_pages::viewers))
        .route("/service/tickets/{id}/canned", get(service_pages::canned))
        .route(
            "/settlements",
            post(payment_pages::upload).layer(DefaultBodyLimit::max(crate::middleware::ORDER_FILE_LIMIT)),
        )
        .route("/settlements/{id}", get(payment_pages::detail))
        .route("/settlements/{id}/csv", get(payment_pages::csv))
        .route("/settlements/{id}/pdf", get(payment_pages::pdf))
        .route("/imports/{id}", get(channel_pages::import))
        .route("/imports/{id}/run", post(channel_pages::run))
        .route("/imports/{id}/errors", get(channel_pages::errors))
        .route("/reports/actions", post(report_pages::add_action))
        .route("/reports/supervision", post(report_pages::file_supervision))
        .route("/kpis/{key}/orders", get(kpi_pages::orders))
        .route("/billing", get(billing_pages::show))
        .route("/billing/credits", post(billing_pages::credit))
        .route("/billing/file", post(billing_pages::file))
        .route("/billing/agreements", post(billing_pages::agreement))
        .route("/billing/quote", post(billing_pages::quote))
        .route("/retention", get(retention_pages::show))
        .route("/retention/propose", post(retention_pages::propose))
        .route("/retention/proposals/{id}/{action}", post(retention_pages::decide))
        .route("/retention/holds", post(retention_pages::place_hold))
        .route("/retention/holds/{order}/release", post(retention_pages::release_hold))
        .route("/retention/buyer", post(retention_pages::buyer_request))
        .route("/aftersales/requests/{id}/decision", post(aftersales_pages::decide))
        .route("/aftersales/requests/{id}/inspection", post(aftersales_pages::inspect))
        .route("/aftersales/returns/receive", post(aftersales_pages::receive))
        .route("/aftersales/disposition-rules", post(aftersales_pages::save_rules))
        .route("/aftersales/requests/{id}/return-label", post(aftersales_pages::return_label))
        .route("/orders/{id}/cases", post(order_aftersales::open))
        .route("/orders/{id}/cases/{case}", post(order_aftersales::work))
        .route("/orders/{id}/cases/{case}/loss-claim", post(order_aftersales::claim_loss))
        .route("/orders/{id}/refunds", post(order_aftersales::refund))
        .route("/orders/{id}/recall", post(order_aftersales::recall))
        .route("/orders/{id}/cannot-serve", post(order_aftersales::cannot_serve))
        .route("/orders/{id}/confirmation", get(order_pages::confirmation))
        .route("/orders/{id}/confirmation.pdf", get(order_pages::confirmation_pdf))
        .route("/orders/{id}/archive.zip", get(order_pages::archive_zip))
        .route("/time-limits", get(time_limits::show))
        .route("/time-limits/calendar", post(time_limits::save_calendar))
        .route("/time-limits/closed-days", post(time_limits::import_closed_days))
        .route("/time-limits/sweep-times", post(time_limits::save_sweep_times))
        .route("/time-limits/follow-up", post(time_limits::record_follow_up))
        .route("/time-limits/limits", post(time_limits::save_limits))
        .route("/notifications", get(notifications::show))
        .route("/notifications/jobs/{id}/{action}", post(notifications::act_on_job))
        .route("/notifications/webhooks/{id}/replay", post(notifications::replay))
        .route(
            "/notifications/messages/{message}/{language}",
            get(notifications::edit).post(notifications::save),
        )
        .route("/notifications/messages/{message}/{language}/reset", post(notifications::reset))
        .route("/inventory", get(inventory_pages::show))
        .route("/inventory/adjust", post(inventory_pages::adjust))
        .route("/inventory/import", post(inventory_pages::import))
        .route("/shipping", get(shipping_pages::show))
        .route("/shipping/services", post(shipping_pages::save_service))
        .route("/shipping/import", post(shipping_pages::import))
        .route("/shipping/quote", post(shipping_pages::quote))
        .route("/shipping/lane-rules", post(shipping_actions::save_rule))
        .route("/shipping/lane-rules/{id}/delete", post(shipping_actions::delete_rule))
        .route("/shipping/sweep", post(shipping_actions::sweep))
        .route("/shipping/handovers/{id}/manifest.csv", get(shipping_actions::manifest))
        .route("/warehouse", get(warehouse_pages::show))
        .route("/warehouse/asns", post(warehouse_pages::create_asn))
        .route("/warehouse/asns/{id}", get(warehouse_pages::asn_detail))
        .route("/warehouse/asns/{id}/act", post(warehouse_pages::asn_act))
        .route("/warehouse/waves", post(warehouse_pages::create_wave))
        .route("/warehouse/put-away", post(warehouse_pages::put_away))
        .route("/warehouse/handover", post(warehouse_pages::hand_over))
        .route("/warehouse/exceptions/{line}/resolve", post(warehouse_actions::resolve))
        .route("/warehouse/exceptions/{line}/ask", post(warehouse_actions::ask))
        .route("/warehouse/exceptions/{line}/answer", post(warehouse_actions::buyer_answer))
        .route("/warehouse/inserts", post(warehouse_actions::save_insert))
        .route(
            "/warehouse/asns/{id}/photos",
            post(warehouse_actions::add_photo).layer(DefaultBodyLimit::max(crate::middleware::UPLOAD_LIMIT)),
        )
        .route("/warehouse/asns/{id}/photos/{photo}", get(warehouse_actions::photo))
        .route("/warehouse/{kind}/{id}/{document}", get(warehouse_pages::document))
        .route("/warehouse/receive", get(scanner_pages::receive).post(scanner_pages::receive_scan))
        .route("/warehouse/receive/confirm", post(scanner_pages::receive_confirm))
        .route("/warehouse/pick/{wave}", get(scanner_pages::pick).post(scanner_pages::pick_scan))
        .route("/warehouse/pick/{wave}/short", post(scanner_pages::pick_short))
        .route("/warehouse/pack", get(scanner_pages::pack).post(scanner_pages::pack_scan))
        .route("/warehouse/pack/weigh", post(scanner_pages::pack_weigh))
        .route("/warehouse/pack/label", post(scanner_pages::pack_label))
}

/// The language of a request without a session.
pub fn request_language(headers: &axum::http::HeaderMap) -> Tr {
    let accept = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    i18n::choose(cookies::get(headers, cookies::LANG), None, accept)
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage<'a> {
    t: Tr,
    title: &'a str,
    message: &'a str,
}

/// A plain page with one message and a status.
pub fn message_page(t: Tr, status: StatusCode, title_key: &str, message: &str) -> Response {
    let page = MessagePage { t, title: &t.get(title_key), message };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => (status, message.to_string()).into_response(),
    }
}

/// The HTML 404 page.
pub fn not_found_page(req: &Request) -> Response {
    let t = request_language(req.headers());
    message_page(t, StatusCode::NOT_FOUND, "error.not_found_title", &t.get("error.not_found"))
}

/// A signed-in user with the language they read; pages that need one send others to sign in.
pub struct SignedIn {
    pub session: SessionPrincipal,
    pub t: Tr,
}

impl FromRequestParts<App> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let to_login = || {
            let next = parts.uri.path_and_query().map_or("/", |p| p.as_str());
            Redirect::to(&format!("/login?next={}", percent_encode(next))).into_response()
        };
        let Some(token) = cookies::get(&parts.headers, cookies::SESSION) else {
            return Err(to_login());
        };
        let session = authenticate_session(app, token).await.map_err(|_| to_login())?;
        let accept = parts.headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
        let t =
            i18n::choose(cookies::get(&parts.headers, cookies::LANG), Some(&session.default_locale), accept)
                .in_zone(&session.time_zone);
        Ok(Self { session, t })
    }
}

impl SignedIn {
    /// The refusal of a form whose CSRF token is not this session's; `None` when it is.
    pub fn refuse_bad_csrf(&self, submitted: &str) -> Option<Response> {
        let refuse = !cookies::tokens_match(submitted, &self.session.csrf_token);
        refuse.then(|| {
            message_page(self.t, StatusCode::FORBIDDEN, "error.forbidden_title", &self.t.get("error.csrf"))
        })
    }
}

/// Everything but unreserved characters and '/' is percent-encoded in the links the UI builds.
const LINK_TEXT: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~').remove(b'/');

/// Percent-encodes `s` for a query value in a link.
pub fn percent_encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, LINK_TEXT).to_string()
}

/// Renders a template, or a 500 page when rendering fails (a bug, logged).
pub fn render(t: Tr, status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template rendering failed");
            message_page(t, StatusCode::INTERNAL_SERVER_ERROR, "error.forbidden_title", "internal error")
        }
    }
}

/// What the user is told when a use case refuses, in the user's language: each field's problem
/// (`invalid-<code>`), a conflict by its code (`conflict-<code>`), else the error's own text.
pub fn explain(t: Tr, e: &tradeport_app::AppError) -> String {
    let fields = e.fields();
    if status_of(e).is_server_error() {
        // Internal text (SQL, paths) is for the log, never for the page.
        crate::error::log_internal(e);
        let id =
            tradeport_app::RequestScope::current().map(|s| s.request_id().to_string()).unwrap_or_default();
        let key = if tradeport_app::request_committed() { "error.internal_saved" } else { "error.internal" };
        t.fill_text(key, "id", &id)
    } else if !fields.is_empty() {
        fields.iter().map(|f| t.field_error(f)).collect::<Vec<_>>().join("; ")
    } else if let tradeport_app::AppError::Conflict { code, message, .. } = e {
        t.conflict(code, message)
    } else {
        t.refusal(e).unwrap_or_else(|| e.to_string())
    }
}

/// The HTTP status of a use case's error (the API's table).
pub fn status_of(e: &tradeport_app::AppError) -> StatusCode {
    crate::error::status_of(e)
}

/// A page that says why a use case refused.
pub fn refused(user: &SignedIn, e: &tradeport_app::AppError) -> Response {
    message_page(user.t, status_of(e), "error.forbidden_title", &explain(user.t, e))
}

/// An instant for people, in the reader's time zone; "never" when absent.
pub fn format_millis(m: Option<tradeport_domain::kernel::Millis>, t: Tr) -> String {
    match m.and_then(|m| jiff::Timestamp::from_millisecond(m.0).ok()) {
        Some(ts) => in_zone(ts, t.zone),
        None => t.get("keys.never"),
    }
}

/// A moment in `zone`, with the zone named: "2026-11-28 17:58 Asia/Shanghai".
pub fn in_zone(ts: jiff::Timestamp, zone: &jiff::tz::TimeZone) -> String {
    let name = zone.iana_name().unwrap_or("UTC");
    format!("{} {name}", ts.to_zoned(zone.clone()).strftime("%Y-%m-%d %H:%M"))
}

/// The merchants staff may pick in a form (none for a merchant, who acts for itself).
pub async fn merchant_options(
    app: &tradeport_app::App,
    p: &tradeport_domain::access::Principal,
) -> Vec<(String, String)> {
    if p.is_merchant() {
        return Vec::new();
    }
    let tenants = tradeport_app::access::list_tenants(app, p).await.unwrap_or_default();
    tenants
        .into_iter()
        .filter(|t| t.kind == tradeport_domain::access::TenantKind::Merchant)
        .map(|t| (t.id.to_string(), t.name))
        .collect()
}

#[cfg(test)]
mod link_tests {
    use super::percent_encode;

    #[test]
    fn link_values_are_encoded_and_paths_kept() {
        assert_eq!(percent_encode("/orders/queue/first"), "/orders/queue/first");
        assert_eq!(percent_encode("a b&c=d?"), "a%20b%26c%3Dd%3F");
        assert_eq!(percent_encode("已批准 3 个"), "%E5%B7%B2%E6%89%B9%E5%87%86%203%20%E4%B8%AA");
    }
}
