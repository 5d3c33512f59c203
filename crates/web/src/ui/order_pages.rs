//! Order pages: the list with filters, review queues with bulk approval, the order with its
//! timeline and actions, the confirmation document and the CSV export.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tradeport_app::inventory::{WarehouseView, list_warehouses};
use tradeport_app::orders::{self, ConfirmationDocument, OrderQuery, OrderView, ReviewAction};
use tradeport_app::{App, AppResult, parse_id};
use tradeport_domain::access::{Permission, Role};
use tradeport_domain::kernel::{Currency, Millis, OrderId};
use tradeport_domain::orders::OrderStatus;

use super::order_aftersales::{AftersalesPanel, aftersales_panel};
use super::order_shipping::{ShippingPanel, shipping_panel};
use super::shell::Shell;
use super::{SignedIn, Tr, explain, format_millis, refused, render};

/// A row of an order table.
pub struct OrderLine {
    pub id: String,
    pub number: String,
    pub channel: String,
    pub buyer: String,
    pub country: String,
    pub total: String,
    pub status_key: String,
    /// The stock state, in words.
    pub allocation: String,
    /// Flags for a person, in words.
    pub flags: Vec<String>,
    /// Why it is held, in words, with the fix.
    pub holds: Vec<String>,
    pub urgent: bool,
    /// The review actions the user may take on it now: (form value, label key, button class).
    pub actions: Vec<OfferedAction>,
}

/// A button for an action the state machine and the user's role allow.
pub struct OfferedAction {
    pub value: &'static str,
    pub label_key: String,
    pub class: &'static str,
}

/// The buttons for an order in `status` (as stored, e.g. `on_hold`) that `role` may press.
pub fn offered_actions(role: Role, status: &str, second_review_due: bool) -> Vec<OfferedAction> {
    let Some(status) = OrderStatus::parse(status) else { return Vec::new() };
    ReviewAction::offered(role, status, second_review_due)
        .into_iter()
        .map(|a| OfferedAction {
            value: a.as_str(),
            label_key: format!("orders.{}", a.as_str().replace('-', "_")),
            class: match a {
                ReviewAction::Approve => "approve",
                ReviewAction::Reject | ReviewAction::Cancel => "danger",
                _ => "secondary",
            },
        })
        .collect()
}

/// The filter fields as shown back in the form.
#[derive(Default)]
pub struct ShownQuery {
    pub q: String,
    pub status: String,
    pub channel: String,
    pub country: String,
}

#[derive(Template)]
#[template(path = "orders.html")]
struct OrdersPage {
    t: Tr,
    shell: Shell,
    title_key: &'static str,
    rows: Vec<OrderLine>,
    q: ShownQuery,
    query_string: String,
    statuses: Vec<(&'static str, String)>,
    queue: bool,
    can_review: bool,
    /// Whether the rows may be approved together (not on hold: those are released one by one).
    can_bulk_approve: bool,
    can_create: bool,
    back: String,
    next_page: Option<String>,
    notice: Option<String>,
    error: Option<String>,
    /// What a bulk action did to each order it was given.
    results: Vec<BulkLine>,
}

/// One order's outcome of a bulk action.
pub struct BulkLine {
    pub id: String,
    pub number: String,
    pub outcome: String,
    pub ok: bool,
}

pub(super) fn money(currency: &str, minor: i64) -> String {
    Currency::parse_stored(currency).map_or_else(|| minor.to_string(), |c| c.format(minor))
}

fn status_options() -> Vec<(&'static str, String)> {
    OrderStatus::ALL.iter().map(|s| (s.as_str(), format!("status.{}", s.as_str()))).collect()
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListParams {
    q: String,
    status: String,
    channel: String,
    country: String,
    merchant_id: String,
    cursor: String,
    notice: String,
}

impl ListParams {
    fn query(&self) -> OrderQuery {
        let some = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
        OrderQuery {
            status: some(&self.status),
            merchant_id: some(&self.merchant_id),
            channel: some(&self.channel),
            country: some(&self.country),
            q: some(&self.q),
            limit: Some(50),
            cursor: some(&self.cursor),
            ..Default::default()
        }
    }
}

async fn orders_page(
    app: &App,
    user: &SignedIn,
    p: &ListParams,
    raw: &str,
    queue: Option<&str>,
    results: Vec<BulkLine>,
) -> Response {
    let (title_key, statuses) = match queue {
        Some("first") => ("orders.queue_first", "pending_review"),
        Some("second") => ("orders.queue_second", "pending_second_review"),
        Some("hold") => ("orders.queue_hold", "on_hold"),
        Some(_) => return refused(user, &tradeport_app::AppError::NotFound("queue")),
        None => ("orders.title", ""),
    };
    let mut query = p.query();
    if queue.is_some() {
        query.status = Some(statuses.to_string());
    }
    let page = match orders::list_orders(app, &user.session.principal, &query).await {
        Ok(page) => page,
        Err(e) => return refused(user, &e),
    };
    let rows = page
        .items
        .iter()
        .map(|o| OrderLine {
            id: o.id.clone(),
            number: o.order_no.clone().unwrap_or_else(|| o.channel_order_id.clone()),
            channel: o.channel.clone(),
            buyer: o.buyer_name.clone(),
            country: o.ship_country.clone(),
            total: format!("{} {}", money(&o.currency, o.total_minor), o.currency),
            status_key: format!("status.{}", o.status),
            allocation: user.t.word("allocation", &o.allocation),
            flags: o.flags.iter().map(|f| user.t.word("flag", f)).collect(),
            holds: o.holds.iter().map(|h| user.t.hold(h)).collect(),
            urgent: o.urgent,
            actions: offered_actions(user.session.principal.role, &o.status, o.second_review_due),
        })
        .collect();
    let base = queue.map_or_else(|| "/orders".to_string(), |q| format!("/orders/queue/{q}"));
    let without_cursor: Vec<&str> = raw
        .split('&')
        .filter(|kv| !kv.starts_with("cursor=") && !kv.starts_with("notice=") && !kv.is_empty())
        .collect();
    let next_page = page.next_cursor.map(|c| {
        let mut parts = without_cursor.clone();
        let cursor = format!("cursor={c}");
        parts.push(&cursor);
        format!("{base}?{}", parts.join("&"))
    });
    let p_role = user.session.principal.role;
    let notice = (!p.notice.is_empty()).then(|| p.notice.clone());
    let page = OrdersPage {
        t: user.t,
        shell: Shell::new(user, "/orders"),
        title_key,
        rows,
        q: ShownQuery {
            q: p.q.clone(),
            status: p.status.clone(),
            channel: p.channel.clone(),
            country: p.country.clone(),
        },
        query_string: without_cursor.join("&"),
        statuses: status_options(),
        queue: queue.is_some(),
        can_review: p_role.can(Permission::ReviewOrders),
        can_bulk_approve: queue != Some("hold"),
        can_create: p_role.can(Permission::CreateOrders),
        back: base,
        next_page,
        notice,
        error: None,
        results,
    };
    render(user.t, StatusCode::OK, &page)
}

/// GET /orders
pub async fn list(
    State(app): State<App>,
    user: SignedIn,
    Query(p): Query<ListParams>,
    RawQuery(raw): RawQuery,
) -> Response {
    orders_page(&app, &user, &p, raw.as_deref().unwrap_or(""), None, Vec::new()).await
}

/// GET /orders/queue/{queue}
pub async fn queue(
    State(app): State<App>,
    user: SignedIn,
    Path(queue): Path<String>,
    Query(p): Query<ListParams>,
    RawQuery(raw): RawQuery,
) -> Response {
    orders_page(&app, &user, &p, raw.as_deref().unwrap_or(""), Some(&queue), Vec::new()).await
}

/// GET /orders/export.csv
pub async fn export_csv(State(app): State<App>, user: SignedIn, Query(p): Query<ListParams>) -> Response {
    export(&app, &user, &p, orders::ExportFormat::Csv).await
}

/// GET /orders/export.xlsx
pub async fn export_xlsx(State(app): State<App>, user: SignedIn, Query(p): Query<ListParams>) -> Response {
    export(&app, &user, &p, orders::ExportFormat::Xlsx).await
}

async fn export(app: &App, user: &SignedIn, p: &ListParams, format: orders::ExportFormat) -> Response {
    match orders::export_orders(app, &user.session.principal, &p.query(), format).await {
        Ok(f) => crate::download::export_file(f),
        Err(e) => refused(user, &e),
    }
}

#[derive(Template)]
#[template(path = "order_detail.html")]
struct OrderDetailPage {
    t: Tr,
    shell: Shell,
    o: OrderView,
    number: String,
    status_key: String,
    /// When the order was completed (DONE-1), for people.
    completed: Option<String>,
    address: String,
    events: Vec<TimelineRow>,
    /// Step key, due, stopped (or paused / running), how late in minutes (empty when on time).
    clocks: Vec<(String, String, String, String)>,
    warehouses: Vec<WarehouseView>,
    actions: Vec<OfferedAction>,
    can_act: bool,
    shipping: ShippingPanel,
    aftersales: AftersalesPanel,
    /// The order's payments at its providers (ORD-5).
    payments: Vec<tradeport_app::payments::PaymentView>,
    error: Option<String>,
}

impl OrderDetailPage {
    fn money(&self, minor: &i64) -> String {
        money(&self.o.summary.currency, *minor)
    }

    fn money_in(&self, currency: &str, minor: &i64) -> String {
        money(currency, *minor)
    }
}

/// A step of an order's timeline for people.
pub struct TimelineRow {
    /// When, in the reader's time zone.
    pub at: String,
    /// What happened, in the reader's language.
    pub what: String,
    /// Who: a user's name, an API key's name, or what the system did.
    pub who: String,
    /// The actor's id, shown on hover.
    pub who_id: String,
    pub reason: String,
}

/// The order's timeline for people: when, what, who (by name), why.
pub(super) async fn timeline(app: &App, user: &SignedIn, o: &OrderView) -> AppResult<Vec<TimelineRow>> {
    let t = user.t;
    let actors = o.events.iter().map(|e| (e.actor_kind.as_str(), e.actor_id.as_deref()));
    let names = tradeport_app::access::actor_names(app, &user.session.principal, actors).await?;
    let rows = o.events.iter().map(|e| {
        let id = e.actor_id.clone().unwrap_or_default();
        let name = names.get(&id).cloned().unwrap_or_else(|| id.clone());
        let who = match e.actor_kind.as_str() {
            "user" => name,
            "api_key" => t.fill_text("actor.api_key", "name", &name),
            _ => t.named("actor-system", &e.kind).unwrap_or_else(|| t.get("actor.system")),
        };
        TimelineRow {
            at: format_millis(Some(Millis(e.at)), t),
            what: t.named("event", &e.kind).unwrap_or_else(|| e.kind.clone()),
            who,
            who_id: id,
            reason: e.reason.clone().unwrap_or_default(),
        }
    });
    Ok(rows.collect())
}

/// The order's time limits for people: step key, due, stopped (or paused / running), how late.
pub(super) fn clock_rows(o: &OrderView, t: Tr) -> Vec<(String, String, String, String)> {
    o.clocks
        .iter()
        .map(|c| {
            let state = match (c.stopped_at, c.paused_at) {
                (Some(at), _) => format_millis(Some(Millis(at)), t),
                (None, Some(_)) => t.get("sla.paused"),
                (None, None) => t.get("sla.running"),
            };
            let late = c.late_by_ms.map(|ms| t.fill("sla.late_by", "minutes", (ms + 59_999) / 60_000));
            (
                format!("sla.{}", c.step),
                format_millis(Some(Millis(c.due_at)), t),
                state,
                late.unwrap_or_default(),
            )
        })
        .collect()
}

pub(super) async fn detail_page(
    app: &App,
    user: &SignedIn,
    id: OrderId,
    status: StatusCode,
    error: Option<String>,
) -> Response {
    let p = &user.session.principal;
    let o = match orders::get_order(app, p, id).await {
        Ok(o) => o,
        Err(e) => return refused(user, &e),
    };
    let a = &o.shipping_address;
    let address = [&a.name, &a.company, &a.line1, &a.line2, &a.city, &a.state, &a.postcode, &a.country]
        .iter()
        .filter(|s| !s.trim().is_empty())
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let events = match timeline(app, user, &o).await {
        Ok(events) => events,
        Err(e) => return refused(user, &e),
    };
    let clocks = clock_rows(&o, user.t);
    let page = OrderDetailPage {
        t: user.t,
        shell: Shell::new(user, "/orders"),
        number: o.summary.order_no.clone().unwrap_or_else(|| o.summary.channel_order_id.clone()),
        status_key: format!("status.{}", o.summary.status),
        completed: o
            .completed_at
            .map(|m| super::format_millis(Some(tradeport_domain::kernel::Millis(m)), user.t)),
        address,
        events,
        clocks,
        warehouses: list_warehouses(app, p).await.unwrap_or_default(),
        can_act: p.role.can(Permission::ReviewOrders) || p.role.can(Permission::ChangeOrders),
        actions: offered_actions(p.role, &o.summary.status, o.summary.second_review_due),
        shipping: match shipping_panel(app, p, id).await {
            Ok(panel) => panel,
            Err(e) => return refused(user, &e),
        },
        aftersales: match aftersales_panel(app, p, id, &o.summary.status).await {
            Ok(panel) => panel,
            Err(e) => return refused(user, &e),
        },
        payments: match tradeport_app::payments::order_payments(app, p, &id.to_string()).await {
            Ok(payments) => payments,
            Err(e) => return refused(user, &e),
        },
        o,
        error,
    };
    render(user.t, status, &page)
}

/// GET /orders/{id}
pub async fn detail(State(app): State<App>, user: SignedIn, Path(id): Path<String>) -> Response {
    match order_id(&id) {
        Ok(id) => detail_page(&app, &user, id, StatusCode::OK, None).await,
        Err(e) => refused(&user, &e),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ActForm {
    csrf_token: String,
    action: String,
    reason: String,
    warehouse_id: String,
    back: String,
}

/// POST /orders/{id}/act: one review action, then back to where the form was.
pub async fn act(
    State(app): State<App>,
    user: SignedIn,
    Path(id): Path<String>,
    Form(f): Form<ActForm>,
) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    let Some(action) = ReviewAction::parse(&f.action) else {
        return refused(&user, &tradeport_app::AppError::NotFound("action"));
    };
    let reason = Some(f.reason.as_str()).filter(|r| !r.trim().is_empty());
    let warehouse = Some(f.warehouse_id.as_str()).filter(|w| !w.is_empty());
    let order = match order_id(&id) {
        Ok(order) => order,
        Err(e) => return refused(&user, &e),
    };
    match orders::review_order(&app, &user.session.principal, order, action, reason, warehouse).await {
        Ok(_) => Redirect::to(&safe_back(&f.back, order)).into_response(),
        Err(e) => detail_page(&app, &user, order, super::status_of(&e), Some(explain(user.t, &e))).await,
    }
}

/// The order id of a page's path.
pub(super) fn order_id(raw: &str) -> AppResult<OrderId> {
    parse_id(raw, "order")
}

fn safe_back(back: &str, id: OrderId) -> String {
    if back.starts_with("/orders") && !back.contains("//") {
        back.to_string()
    } else {
        format!("/orders/{id}")
    }
}

/// POST /orders/bulk-approve (form fields `ids`, repeated).
pub async fn bulk(State(app): State<App>, user: SignedIn, body: String) -> Response {
    let mut csrf = String::new();
    let mut back = "/orders/queue/first".to_string();
    let mut ids = Vec::new();
    // `ids` repeats, which a struct-shaped form extractor cannot take.
    for (k, v) in form_urlencoded::parse(body.as_bytes()) {
        match k.as_ref() {
            "csrf_token" => csrf = v.into_owned(),
            "ids" => ids.push(v.into_owned()),
            "back" => back = v.into_owned(),
            _ => {}
        }
    }
    if let Some(refused) = user.refuse_bad_csrf(&csrf) {
        return refused;
    }
    let results = match orders::bulk_approve(&app, &user.session.principal, &ids).await {
        Ok(results) => results,
        Err(e) => return refused(&user, &e),
    };
    let t = user.t;
    let approved = results.iter().filter(|r| r.error.is_none()).count();
    let lines = results
        .into_iter()
        .map(|r| BulkLine {
            number: r.number.clone().unwrap_or_else(|| r.id.clone()),
            ok: r.error.is_none(),
            outcome: match (&r.status, &r.error) {
                (_, Some(error)) => error.clone(),
                (Some(status), None) => t.get(&format!("status.{status}")),
                (None, None) => String::new(),
            },
            id: r.id,
        })
        .collect();
    let queue =
        back.strip_prefix("/orders/queue/").filter(|q| ["first", "second"].contains(q)).unwrap_or("first");
    let p = ListParams { notice: t.fill("orders.bulk_done", "count", approved as i64), ..Default::default() };
    let mut page = orders_page(&app, &user, &p, "", Some(queue), lines).await;
    // The outcomes are shown once, on the queue's own address (a reload shows the queue).
    if let Ok(url) = axum::http::HeaderValue::from_str(&format!("/orders/queue/{queue}")) {
        page.headers_mut().insert("hx-replace-url", url);
    }
    page
}

#[derive(Template)]
#[template(path = "confirmation.html")]
struct ConfirmationPage {
    t: Tr,
    d: ConfirmationDocument,
    confirmed: String,
    dispatch: String,
}

/// GET /orders/{id}/confirmation
pub async fn confirmation(State(app): State<App>, user: SignedIn, Path(id): Path<String>) -> Response {
    let document = match order_id(&id) {
        Ok(id) => orders::confirmation_document(&app, &user.session.principal, id).await,
        Err(e) => Err(e),
    };
    match document {
        Ok(d) => {
            let confirmed = format_millis(Some(Millis(d.confirmed_at)), user.t);
            let dispatch = format_millis(Some(Millis(d.estimated_dispatch_at)), user.t);
            render(user.t, StatusCode::OK, &ConfirmationPage { t: user.t, d, confirmed, dispatch })
        }
        Err(e) => refused(&user, &e),
    }
}

/// GET /orders/{id}/archive.zip: the archived file (DONE-2).
pub async fn archive_zip(State(app): State<App>, user: SignedIn, Path(id): Path<String>) -> Response {
    match tradeport_app::archive::order_package(&app, &user.session.principal, &id).await {
        Ok(p) => crate::download::zip_attachment(&p.file_name, p.bytes),
        Err(e) => refused(&user, &e),
    }
}

/// GET /orders/{id}/confirmation.pdf
pub async fn confirmation_pdf(State(app): State<App>, user: SignedIn, Path(id): Path<String>) -> Response {
    let document = match order_id(&id) {
        Ok(id) => orders::confirmation_document(&app, &user.session.principal, id).await,
        Err(e) => Err(e),
    };
    match document.and_then(|d| d.to_pdf()) {
        Ok(pdf) => ([(header::CONTENT_TYPE, "application/pdf")], pdf).into_response(),
        Err(e) => refused(&user, &e),
    }
}
