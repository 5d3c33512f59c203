//! The shipping page (SHP-1): the carrier-service catalogue, a form to add or change a service
//! (lists written as in the CSV import), the CSV import itself, and a quote for a parcel showing
//! the choice, every option and the reason each other service was left out; the shipments, the
//! exception rules per lane and the open cases, carrier performance as a table and a chart, and
//! the manifest history.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use std::collections::HashMap;
use tradeport_app::App;
use tradeport_app::exceptions::{self, CaseQuery, CaseView, LaneRuleView};
use tradeport_app::inventory::{self, WarehouseView};
use tradeport_app::shipping::{
    self, LanePerformance, ManifestEntry, PerformanceQuery, QuoteRequest, QuoteView, ServiceView,
};
use tradeport_domain::access::Permission;

use super::shell::Shell;
use super::{SignedIn, Tr, explain, refused, render, status_of};

#[derive(Template)]
#[template(path = "shipping.html")]
struct ShippingPage {
    t: Tr,
    shell: Shell,
    services: Vec<ServiceView>,
    warehouses: Vec<WarehouseView>,
    manage: bool,
    /// The newest shipments by the filter (at most 100).
    shipments: Vec<tradeport_app::shipping::ShipmentView>,
    filter: tradeport_app::shipping::ShipmentQuery,
    quote: Option<QuoteView>,
    /// The exception rules per lane, the open cases, the lanes' figures, the latest hand-overs.
    rules: Vec<LaneRuleView>,
    cases: Vec<CaseView>,
    lanes: Vec<LanePerformance>,
    chart: Vec<ChartBar>,
    manifests: Vec<ManifestEntry>,
    error: Option<String>,
    notice: Option<String>,
}

/// What a role may not see shows as nothing; any other error stays one.
fn staff_only<T>(r: tradeport_app::AppResult<Vec<T>>) -> tradeport_app::AppResult<Vec<T>> {
    match r {
        Err(tradeport_app::AppError::Access(_)) => Ok(Vec::new()),
        other => other,
    }
}

/// One bar of the carrier-performance chart: a lane's mean transit days.
struct ChartBar {
    label: String,
    y: usize,
    width: usize,
    text: String,
}

/// Widths at most 400 px for the slowest lane; 24 px a row.
fn chart(lanes: &[LanePerformance]) -> Vec<ChartBar> {
    let slowest = lanes.iter().filter_map(|l| l.mean_transit_days).fold(0.0_f64, f64::max);
    lanes
        .iter()
        .filter_map(|l| l.mean_transit_days.map(|d| (l, d)))
        .enumerate()
        .map(|(n, (l, days))| ChartBar {
            label: format!("{} {} → {}", l.service, l.origin, l.destination),
            y: n * 24,
            width: if slowest > 0.0 { ((days / slowest) * 400.0).round().max(1.0) as usize } else { 1 },
            text: format!("{days} d · {}%", l.exception_pct),
        })
        .collect()
}

pub(super) async fn page(
    app: &App,
    user: &SignedIn,
    status: StatusCode,
    quote: Option<QuoteView>,
    error: Option<String>,
    notice: Option<String>,
) -> Response {
    listed(app, user, status, (quote, error, notice), tradeport_app::shipping::ShipmentQuery::default()).await
}

async fn listed(
    app: &App,
    user: &SignedIn,
    status: StatusCode,
    (quote, error, notice): (Option<QuoteView>, Option<String>, Option<String>),
    filter: tradeport_app::shipping::ShipmentQuery,
) -> Response {
    let p = &user.session.principal;
    let asked = tradeport_app::shipping::ShipmentQuery { limit: Some(100), ..filter.clone() };
    let (services, warehouses, shipments) = match (
        shipping::list_services(app, p).await,
        inventory::list_warehouses(app, p).await,
        shipping::list_shipments(app, p, &asked).await,
    ) {
        (Ok(s), Ok(w), Ok(sh)) => (s, w, sh.items),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return refused(user, &e),
    };
    let open = CaseQuery { status: Some("open".into()), limit: Some(50), ..CaseQuery::default() };
    // The rules and the hand-overs are the operator's: a merchant (or a role without them) sees none.
    let (rules, cases, lanes, manifests) = match (
        staff_only(exceptions::list_lane_rules(app, p).await),
        exceptions::list_cases(app, p, &open).await,
        shipping::carrier_performance(app, p, &PerformanceQuery::default()).await,
        staff_only(shipping::manifest_history(app, p, 20).await),
    ) {
        (Ok(r), Ok(c), Ok(l), Ok(m)) => (r, c.items, l, m),
        (Err(e), ..) | (_, Err(e), ..) | (_, _, Err(e), _) | (.., Err(e)) => return refused(user, &e),
    };
    let page = ShippingPage {
        t: user.t,
        shell: Shell::new(user, "/shipping"),
        services,
        warehouses,
        manage: p.role.can(Permission::ManageCarriers),
        shipments,
        filter,
        quote,
        rules,
        cases,
        chart: chart(&lanes),
        lanes,
        manifests,
        error,
        notice,
    };
    render(user.t, status, &page)
}

/// GET /shipping: the catalogue, the quote form and the shipments by the filter in the query.
pub async fn show(
    State(app): State<App>,
    user: SignedIn,
    axum::extract::Query(filter): axum::extract::Query<tradeport_app::shipping::ShipmentQuery>,
) -> Response {
    listed(&app, &user, StatusCode::OK, (None, None, None), filter).await
}

/// POST /shipping/services: the form's cells, read as a CSV row is.
pub async fn save_service(
    State(app): State<App>,
    user: SignedIn,
    Form(cells): Form<HashMap<String, String>>,
) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(cells.get("csrf_token").map_or("", String::as_str)) {
        return refused;
    }
    // A field the form does not show keeps the stored service's value (numbering, surcharges …).
    let code = cells.get("code").map_or(String::new(), |c| c.trim().to_uppercase());
    let stored: HashMap<&str, String> = match shipping::list_services(&app, &user.session.principal).await {
        Ok(all) => all
            .into_iter()
            .find(|s| s.service.code == code)
            .map(|s| shipping::cells_of(&s.service).into_iter().collect())
            .unwrap_or_default(),
        Err(e) => return refused(&user, &e),
    };
    // Left empty, the numbering stays as it is (a changed price must not renumber a service).
    let numbering = ["numbers", "number_prefix", "number_country", "easypost_service"];
    let get = |name: &str| {
        cells
            .get(name)
            .filter(|v| !(numbering.contains(&name) && v.trim().is_empty()))
            .or_else(|| stored.get(name))
            .map_or(String::new(), |v| v.trim().to_string())
    };
    let (input, unreadable) = shipping::input_from_cells(&get);
    let done = if unreadable.is_empty() {
        shipping::save_service(&app, &user.session.principal, &input).await
    } else {
        Err(tradeport_app::AppError::Invalid(unreadable))
    };
    match done {
        Ok(s) => {
            page(
                &app,
                &user,
                StatusCode::OK,
                None,
                None,
                Some(format!("{} · {}", s.service.code, s.service.name)),
            )
            .await
        }
        Err(e) => page(&app, &user, status_of(&e), None, Some(explain(user.t, &e)), None).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ImportForm {
    csrf_token: String,
    csv: String,
}

/// POST /shipping/import
pub async fn import(State(app): State<App>, user: SignedIn, Form(f): Form<ImportForm>) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    match shipping::import_services_csv(&app, &user.session.principal, &f.csv).await {
        Ok(r) if r.errors.is_empty() => {
            let notice = user.t.fill("shipping.imported", "count", r.saved as i64);
            page(&app, &user, StatusCode::OK, None, None, Some(notice)).await
        }
        Ok(r) => {
            let lines: Vec<String> =
                r.errors.iter().map(|e| format!("row {} · {}: {}", e.row, e.field, e.message)).collect();
            page(&app, &user, StatusCode::UNPROCESSABLE_ENTITY, None, Some(lines.join("; ")), None).await
        }
        Err(e) => page(&app, &user, status_of(&e), None, Some(explain(user.t, &e)), None).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct QuoteForm {
    csrf_token: String,
    warehouse_id: String,
    country: String,
    postcode: String,
    weight_g: String,
    length_mm: String,
    width_mm: String,
    height_mm: String,
    traits: String,
    strategy: String,
    deadline_days: String,
    service: String,
}

/// POST /shipping/quote
pub async fn quote(State(app): State<App>, user: SignedIn, Form(f): Form<QuoteForm>) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    // A number that cannot be read becomes 0, which the quote's checks refuse by field.
    let n = |v: &str| v.trim().parse::<i64>().unwrap_or(0);
    let r = QuoteRequest {
        warehouse_id: f.warehouse_id,
        country: f.country,
        postcode: f.postcode,
        weight_g: n(&f.weight_g),
        length_mm: n(&f.length_mm),
        width_mm: n(&f.width_mm),
        height_mm: n(&f.height_mm),
        traits: f.traits.split([',', '|', ' ']).filter(|t| !t.is_empty()).map(String::from).collect(),
        strategy: f.strategy,
        deadline_days: f.deadline_days.trim().parse().ok(),
        service: f.service,
        ..QuoteRequest::default()
    };
    match shipping::quote_parcel(&app, &user.session.principal, &r).await {
        Ok(q) => page(&app, &user, StatusCode::OK, Some(q), None, None).await,
        Err(e) => page(&app, &user, status_of(&e), None, Some(explain(user.t, &e)), None).await,
    }
}
