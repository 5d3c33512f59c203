//! The KPI dashboard (KPI-2 … KPI-4): a period's figures against their targets, the chosen KPI's
//! daily trend against its target line and its value per department, merchant or person, as
//! accessible SVG drawn here (no script, no CDN); a merchant sees its own figures.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use tradeport_app::App;
use tradeport_app::reporting::{self, KpiFigure, KpiQuery, KpiReport};

use super::shell::Shell;
use super::{SignedIn, Tr, refused, render};

/// The chart's drawing area, in SVG units.
const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 160.0;

#[derive(Template)]
#[template(path = "kpis.html")]
struct KpiPage {
    t: Tr,
    shell: Shell,
    report: KpiReport,
    /// The KPI charted.
    chosen: String,
    by: String,
    merchants: Vec<(String, String)>,
    merchant_id: String,
    staff: bool,
    /// The trend: the polyline's points, the target line's height (if any), the days charted.
    trend: String,
    target_y: Option<f64>,
    days: usize,
    /// One bar per group: label, y, width, value text.
    bars: Vec<(String, usize, usize, String)>,
}

impl KpiPage {
    /// What the figures may be grouped by: per person for staff only.
    fn groupings(&self) -> Vec<&'static str> {
        let all = ["department", "merchant", "person", "day"];
        all.into_iter().filter(|b| *b != "person" || self.staff).collect()
    }

    /// A figure's value in its unit, `–` without one.
    fn shown(&self, f: &KpiFigure) -> String {
        match (f.value, f.unit.as_str()) {
            (None, _) => "–".into(),
            (Some(v), "hours") => format!("{v:.2} h"),
            (Some(v), _) => format!("{v:.2}%"),
        }
    }

    fn target_text(&self, f: &KpiFigure) -> String {
        let unit = if f.unit == "hours" { " h" } else { "%" };
        match (f.direction.as_deref(), f.target) {
            (Some("at_least"), Some(t)) => format!("≥ {t}{unit}"),
            (Some(_), Some(t)) => format!("≤ {t}{unit}"),
            _ => "–".into(),
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct KpiParams {
    from: String,
    to: String,
    by: String,
    kpi: String,
    merchant_id: String,
}

fn figure_of<'a>(figures: &'a [KpiFigure], key: &str) -> Option<&'a KpiFigure> {
    figures.iter().find(|f| f.key == key)
}

/// GET /kpis?from=…&to=…&by=…&kpi=…&merchant_id=…
pub async fn show(State(app): State<App>, user: SignedIn, Query(p): Query<KpiParams>) -> Response {
    let principal = &user.session.principal;
    let some = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    let by = some(&p.by).unwrap_or_else(|| "department".into());
    let query = |by: &str| KpiQuery {
        from: some(&p.from),
        to: some(&p.to),
        by: Some(by.to_string()),
        merchant_id: some(&p.merchant_id),
    };
    let (report, daily) = match (
        reporting::kpis(&app, principal, &query(&by)).await,
        reporting::kpis(&app, principal, &query("day")).await,
    ) {
        (Ok(r), Ok(d)) => (r, d),
        (Err(e), _) | (_, Err(e)) => return refused(&user, &e),
    };
    let chosen = some(&p.kpi)
        .filter(|k| report.figures.iter().any(|f| &f.key == k))
        .unwrap_or_else(|| "time_to_ship".into());
    // One point per day of the period (a day without figures leaves a gap), so the x axis is days.
    let by_day: std::collections::BTreeMap<&str, Option<f64>> = daily
        .groups
        .iter()
        .map(|g| (g.key.as_str(), figure_of(&g.figures, &chosen).and_then(|f| f.value)))
        .collect();
    let (first, last) = (report.from.parse::<jiff::civil::Date>(), report.to.parse::<jiff::civil::Date>());
    let values: Vec<Option<f64>> = match (first, last) {
        (Ok(first), Ok(last)) => first
            .series(jiff::Span::new().days(1))
            .take_while(|d| *d <= last)
            .map(|d| by_day.get(d.to_string().as_str()).copied().flatten())
            .collect(),
        _ => by_day.values().copied().collect(),
    };
    let values_len = values.len();
    let target = figure_of(&report.figures, &chosen).and_then(|f| f.target);
    let top = values.iter().flatten().copied().chain(target).fold(0.0_f64, f64::max).max(1.0) * 1.1;
    let step = if values.len() > 1 { WIDTH / (values.len() - 1) as f64 } else { 0.0 };
    let trend = values
        .iter()
        .enumerate()
        .filter_map(|(n, v)| v.map(|v| format!("{:.1},{:.1}", n as f64 * step, HEIGHT - v / top * HEIGHT)))
        .collect::<Vec<_>>()
        .join(" ");
    let group_values: Vec<(String, Option<f64>)> = report
        .groups
        .iter()
        .map(|g| (g.key.clone(), figure_of(&g.figures, &chosen).and_then(|f| f.value)))
        .collect();
    let most = group_values.iter().filter_map(|(_, v)| *v).fold(0.0_f64, f64::max).max(1e-9);
    let bars = group_values
        .into_iter()
        .enumerate()
        .map(|(n, (key, v))| {
            let label = if key.is_empty() { "–".to_string() } else { key };
            let width = v.map_or(0, |v| (v / most * 380.0).round() as usize);
            (label, n * 24, width, v.map_or("–".to_string(), |v| format!("{v:.2}")))
        })
        .collect();
    let page = KpiPage {
        t: user.t,
        shell: Shell::new(&user, "/kpis"),
        days: values_len,
        target_y: target.map(|t| HEIGHT - t / top * HEIGHT),
        trend,
        bars,
        chosen,
        by,
        merchants: super::merchant_options(&app, principal).await,
        merchant_id: p.merchant_id.trim().to_string(),
        staff: !principal.is_merchant(),
        report,
    };
    render(user.t, StatusCode::OK, &page)
}

#[derive(Template)]
#[template(path = "kpi_orders.html")]
struct KpiOrdersPage {
    t: Tr,
    shell: Shell,
    drill: reporting::KpiOrders,
}

/// GET /kpis/{key}/orders?from=…&to=…&side=…&merchant_id=…: the orders behind a figure.
pub async fn orders(
    State(app): State<App>,
    user: SignedIn,
    axum::extract::Path(key): axum::extract::Path<String>,
    Query(q): Query<reporting::KpiOrdersQuery>,
) -> Response {
    match reporting::kpi_orders(&app, &user.session.principal, &key, &q).await {
        Ok(drill) => render(
            user.t,
            StatusCode::OK,
            &KpiOrdersPage { t: user.t, shell: Shell::new(&user, "/kpis"), drill },
        ),
        Err(e) => refused(&user, &e),
    }
}
