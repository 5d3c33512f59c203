//! The monthly exception report (EXC-7) per operator and merchant: cases by type and the most
//! frequent causes, the time they took to resolve, the after-sales requests by type and reason,
//! the refunds paid, and the improvement actions the supervision group entered. As JSON, CSV and
//! PDF; the month runs in the operator's time zone.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use tradeport_connectors::pdf::{PdfLine, render_pdf};
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::kernel::{Millis, TenantId};
use tradeport_store::exceptions::report::{self, ActionRow, Span};

use crate::warehouse::{invalid, rfc3339};
use crate::words::{actor_text, money_text};
use crate::{App, AppError, AppResult};

/// Which report.
#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ReportQuery {
    /// `YYYY-MM`; left out: the current month.
    pub month: Option<String>,
    /// Staff: one merchant's report (a merchant always gets its own).
    pub merchant_id: Option<String>,
}

/// A key and how often it happened.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Count {
    pub key: String,
    pub count: usize,
}

/// An improvement action as the report shows it.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ImprovementAction {
    pub action: String,
    /// Empty: for the whole operation.
    pub merchant_id: String,
    pub by: String,
    pub at: String,
}

/// The report.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ExceptionReport {
    pub month: String,
    pub merchant_id: Option<String>,
    pub cases_opened: usize,
    pub cases_closed: usize,
    /// Cases by type, most first.
    pub by_type: Vec<Count>,
    /// The ten most frequent causes (from the operator's list; `unset` while none was given).
    pub top_causes: Vec<Count>,
    /// Mean hours from opening to closing, of the month's cases that closed.
    pub mean_hours_to_resolve: Option<f64>,
    pub requests: usize,
    pub requests_by_type: Vec<Count>,
    pub requests_by_reason: Vec<Count>,
    /// Refunds paid (store credit included), per currency, written out.
    pub refunds_paid: Vec<String>,
    pub improvement_actions: Vec<ImprovementAction>,
}

fn counted(keys: impl Iterator<Item = String>) -> Vec<Count> {
    let mut by: BTreeMap<String, usize> = BTreeMap::new();
    for k in keys {
        *by.entry(k).or_default() += 1;
    }
    let mut out: Vec<Count> = by.into_iter().map(|(key, count)| Count { key, count }).collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then(a.key.cmp(&b.key)));
    out
}

/// The month asked for (or the current one) and its bounds in the operator's time zone.
pub(crate) fn month_bounds(
    month: Option<&str>,
    timezone: &str,
    now: Millis,
) -> AppResult<(String, Millis, Millis)> {
    let tz = jiff::tz::TimeZone::get(timezone).unwrap_or(jiff::tz::TimeZone::UTC);
    let bad = || invalid("month", "invalid_month", "month is written YYYY-MM, e.g. 2026-11");
    let first = match month.map(str::trim).filter(|m| !m.is_empty()) {
        Some(m) => jiff::civil::Date::strptime("%Y-%m-%d", format!("{m}-01")).map_err(|_| bad())?,
        None => {
            let today =
                jiff::Timestamp::from_millisecond(now.0).map_err(|_| bad())?.to_zoned(tz.clone()).date();
            today.first_of_month()
        }
    };
    let next = first.checked_add(jiff::Span::new().months(1)).map_err(|_| bad())?;
    let at = |d: jiff::civil::Date| -> AppResult<Millis> {
        Ok(Millis(d.to_zoned(tz.clone()).map_err(|_| bad())?.timestamp().as_millisecond()))
    };
    Ok((first.strftime("%Y-%m").to_string(), at(first)?, at(next)?))
}

/// The merchant the report is about: a merchant's own; staff's choice (or every merchant).
fn merchant_of(principal: &Principal, asked: Option<&str>) -> AppResult<Option<TenantId>> {
    match (principal.scope.merchant_id, asked.map(str::trim).filter(|m| !m.is_empty())) {
        (Some(own), _) => Ok(Some(own)),
        (None, Some(m)) => Ok(Some(
            m.parse().map_err(|_| invalid("merchant_id", "invalid_id", "merchant_id is a tenant id"))?,
        )),
        (None, None) => Ok(None),
    }
}

/// The month's report for the operator, or one merchant.
pub async fn exception_report(
    app: &App,
    principal: &Principal,
    q: &ReportQuery,
) -> AppResult<ExceptionReport> {
    principal.require(Permission::ViewOrders)?;
    let operator = principal.scope.operator_id;
    let merchant = merchant_of(principal, q.merchant_id.as_deref())?;
    let merchant_key = merchant.map(|m| m.to_string());
    let mut conn = app.db().read().await?;
    let timezone = crate::access::operator_row(&mut conn, operator).await?.timezone;
    let (month, from, to) = month_bounds(q.month.as_deref(), &timezone, app.now())?;
    let span = Span { tenant_id: operator, merchant: merchant_key.as_deref(), from, to };
    let cases = report::cases(&mut conn, span).await?;
    let requests = report::requests(&mut conn, span).await?;
    let paid = report::refunds_paid(&mut conn, span).await?;
    let actions = report::actions(&mut conn, operator, &month, merchant_key.as_deref()).await?;
    let closed: Vec<i64> =
        cases.iter().filter_map(|(_, _, opened, closed)| closed.map(|c| c.0 - opened.0)).collect();
    let mut top_causes = counted(
        cases.iter().map(|(_, cause, ..)| if cause.is_empty() { "unset".to_string() } else { cause.clone() }),
    );
    top_causes.truncate(10);
    Ok(ExceptionReport {
        month,
        merchant_id: merchant_key,
        cases_opened: cases.len(),
        cases_closed: closed.len(),
        by_type: counted(cases.iter().map(|(t, ..)| t.clone())),
        top_causes,
        mean_hours_to_resolve: (!closed.is_empty()).then(|| {
            let mean_ms = closed.iter().sum::<i64>() as f64 / closed.len() as f64;
            (mean_ms / 36_000.0).round() / 100.0
        }),
        requests: requests.len(),
        requests_by_type: counted(requests.iter().map(|(t, _)| t.clone())),
        requests_by_reason: counted(requests.iter().map(|(_, r)| r.clone())),
        refunds_paid: paid.iter().map(|(currency, minor)| money_text(*minor, currency)).collect(),
        improvement_actions: actions
            .into_iter()
            .map(|a| ImprovementAction {
                action: a.action,
                merchant_id: a.merchant_key,
                by: a.actor,
                at: rfc3339(a.at),
            })
            .collect(),
    })
}

/// An improvement action to enter.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct NewImprovementAction {
    /// `YYYY-MM`: the report it belongs to.
    pub month: String,
    /// The merchant it is about; empty: the whole operation.
    pub merchant_id: String,
    pub action: String,
}

/// Enters an improvement action on a month's report. Supervisors and admins.
pub async fn add_improvement_action(
    app: &App,
    principal: &Principal,
    a: &NewImprovementAction,
) -> AppResult<ImprovementAction> {
    principal.require(Permission::SuperviseOperations)?;
    let text = a.action.trim();
    if text.is_empty() || text.chars().count() > 2000 {
        return Err(invalid("action", "required", "say what will be done better (at most 2,000 characters)"));
    }
    let (month, ..) = month_bounds(Some(&a.month), "UTC", app.now())?;
    let merchant = merchant_of(principal, Some(&a.merchant_id))?.map(|m| m.to_string()).unwrap_or_default();
    let row = ActionRow {
        id: app.new_uuid().to_string(),
        merchant_key: merchant,
        month,
        action: text.to_string(),
        actor: actor_text(principal.actor),
        at: app.now(),
    };
    let mut tx = app.begin().await?;
    report::add_action_in_tx(&mut tx, principal.scope.operator_id, &row).await?;
    tx.commit().await?;
    Ok(ImprovementAction {
        action: row.action,
        merchant_id: row.merchant_key,
        by: row.actor,
        at: rfc3339(row.at),
    })
}

/// The report as CSV: one row per figure (`section,key,value`), with a byte-order mark so that
/// spreadsheet programs read it as UTF-8.
pub fn report_csv(r: &ExceptionReport) -> String {
    let mut out = String::from("\u{feff}section,key,value\n");
    let cell = |s: &str| {
        if s.contains([',', '"', '\n']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
    };
    let mut row = |section: &str, key: &str, value: String| {
        out.push_str(&format!("{},{},{}\n", cell(section), cell(key), cell(&value)));
    };
    row("month", &r.month, r.merchant_id.clone().unwrap_or_else(|| "all merchants".into()));
    row("cases", "opened", r.cases_opened.to_string());
    row("cases", "closed", r.cases_closed.to_string());
    row("cases", "mean_hours_to_resolve", r.mean_hours_to_resolve.map_or(String::new(), |h| h.to_string()));
    for (section, counts) in [
        ("case_type", &r.by_type),
        ("top_cause", &r.top_causes),
        ("request_type", &r.requests_by_type),
        ("request_reason", &r.requests_by_reason),
    ] {
        for c in counts {
            row(section, &c.key, c.count.to_string());
        }
    }
    for p in &r.refunds_paid {
        row("refunds_paid", "", p.clone());
    }
    for a in &r.improvement_actions {
        row("improvement_action", &a.at, a.action.clone());
    }
    out
}

/// The report as a PDF.
pub fn report_pdf(r: &ExceptionReport) -> AppResult<crate::warehouse::Document> {
    let who = r.merchant_id.as_deref().map_or("all merchants".to_string(), |m| format!("merchant {m}"));
    let mut lines = vec![
        PdfLine::heading(format!("Exception report {} · {who}", r.month)),
        PdfLine::text(format!(
            "Cases opened {} · closed {} · mean time to resolve {}",
            r.cases_opened,
            r.cases_closed,
            r.mean_hours_to_resolve.map_or("-".to_string(), |h| format!("{h} h"))
        )),
    ];
    for (title, counts) in [
        ("Cases by type", &r.by_type),
        ("Most frequent causes", &r.top_causes),
        ("After-sales requests by type", &r.requests_by_type),
        ("After-sales requests by reason", &r.requests_by_reason),
    ] {
        lines.push(PdfLine::heading(title));
        lines.extend(counts.iter().map(|c| PdfLine::text(format!("{}: {}", c.key, c.count))));
    }
    lines.push(PdfLine::heading("Refunds paid"));
    lines.push(PdfLine::text(if r.refunds_paid.is_empty() {
        "none".to_string()
    } else {
        r.refunds_paid.join(" · ")
    }));
    lines.push(PdfLine::heading("Improvement actions"));
    lines.extend(r.improvement_actions.iter().map(|a| PdfLine::text(format!("{} · {}", a.at, a.action))));
    let pdf = render_pdf(&format!("Exception report {}", r.month), &lines)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(crate::warehouse::Document { file_name: format!("exception-report-{}.pdf", r.month), pdf })
}
