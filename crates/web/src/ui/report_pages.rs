//! The monthly exception report page (EXC-7): the month and merchant chosen, the figures as
//! tables, the causes as an accessible SVG bar chart, CSV and PDF downloads, and the form where
//! supervisors enter improvement actions; and the filed monthly supervision reports (KPI-1).

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tradeport_app::App;
use tradeport_app::reporting::{self, ExceptionReport, NewImprovementAction, ReportQuery};
use tradeport_domain::access::Permission;

use super::shell::Shell;
use super::{SignedIn, Tr, explain, refused, render, status_of};

#[derive(Template)]
#[template(path = "reports.html")]
struct ReportPage {
    t: Tr,
    shell: Shell,
    report: ExceptionReport,
    /// The query string of the downloads.
    query: String,
    merchants: Vec<(String, String)>,
    can_supervise: bool,
    /// One bar per cause: label, y, width (at most 400 px), count.
    bars: Vec<(String, usize, usize, usize)>,
    /// The filed monthly supervision reports (staff only).
    filed: Vec<reporting::FiledReport>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReportParams {
    month: String,
    merchant_id: String,
}

impl ReportParams {
    fn query(&self) -> ReportQuery {
        let some = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        ReportQuery { month: some(&self.month), merchant_id: some(&self.merchant_id) }
    }
}

async fn page(
    app: &App,
    user: &SignedIn,
    p: ReportParams,
    status: StatusCode,
    error: Option<String>,
) -> Response {
    let principal = &user.session.principal;
    let report = match reporting::exception_report(app, principal, &p.query()).await {
        Ok(r) => r,
        Err(e) => return refused(user, &e),
    };
    let most = report.top_causes.iter().map(|c| c.count).max().unwrap_or(1).max(1);
    let bars = report
        .top_causes
        .iter()
        .enumerate()
        .map(|(n, c)| (c.key.clone(), n * 24, c.count * 400 / most, c.count))
        .collect();
    let query = format!(
        "month={}&merchant_id={}",
        super::percent_encode(&report.month),
        super::percent_encode(report.merchant_id.as_deref().unwrap_or(""))
    );
    let page = ReportPage {
        t: user.t,
        shell: Shell::new(user, "/reports"),
        merchants: super::merchant_options(app, principal).await,
        can_supervise: principal.role.can(Permission::SuperviseOperations),
        filed: reporting::list_reports(app, principal).await.unwrap_or_default(),
        report,
        query,
        bars,
        error,
    };
    render(user.t, status, &page)
}

/// GET /reports?month=…&merchant_id=…
pub async fn show(State(app): State<App>, user: SignedIn, Query(p): Query<ReportParams>) -> Response {
    page(&app, &user, p, StatusCode::OK, None).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ActionForm {
    csrf_token: String,
    month: String,
    merchant_id: String,
    action: String,
}

/// POST /reports/actions
pub async fn add_action(State(app): State<App>, user: SignedIn, Form(f): Form<ActionForm>) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    let a =
        NewImprovementAction { month: f.month.clone(), merchant_id: f.merchant_id.clone(), action: f.action };
    let back = ReportParams { month: f.month, merchant_id: f.merchant_id };
    match reporting::add_improvement_action(&app, &user.session.principal, &a).await {
        Ok(_) => Redirect::to(&format!(
            "/reports?month={}&merchant_id={}",
            super::percent_encode(&back.month),
            super::percent_encode(&back.merchant_id)
        ))
        .into_response(),
        Err(e) => page(&app, &user, back, status_of(&e), Some(explain(user.t, &e))).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct FileForm {
    csrf_token: String,
    month: String,
}

/// POST /reports/supervision: files a month's supervision report now (supervisors).
pub async fn file_supervision(State(app): State<App>, user: SignedIn, Form(f): Form<FileForm>) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    match reporting::file_report(&app, &user.session.principal, &f.month).await {
        Ok(_) => Redirect::to("/reports#supervision").into_response(),
        Err(e) => page(&app, &user, ReportParams::default(), status_of(&e), Some(explain(user.t, &e))).await,
    }
}
