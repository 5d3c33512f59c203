//! `/api/v1` for reports: the monthly exception report as JSON, CSV and PDF, and the supervision
//! group's improvement actions on it.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use tradeport_app::App;
use tradeport_app::reporting::{self, ExceptionReport, ImprovementAction, NewImprovementAction, ReportQuery};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::warehouse::pdf_response;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, Auth};

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(exception_report))
        .routes(routes!(exception_report_csv))
        .routes(routes!(exception_report_pdf))
        .routes(routes!(add_improvement_action))
        .routes(routes!(kpis))
        .routes(routes!(kpi_orders))
        .routes(routes!(supervision_reports))
        .routes(routes!(supervision_report, file_supervision_report))
        .routes(routes!(supervision_report_file))
}

#[utoipa::path(get, path = "/api/v1/reports/supervision", tag = "reports",
    description = "The operator's filed monthly supervision reports (KPI-1), newest first, with where to download each \
                   as PDF and XLSX and who it was e-mailed to. Staff; a merchant gets none.",
    responses((status = 200, body = Vec<reporting::FiledReport>), (status = 403, body = ErrorBody)))]
async fn supervision_reports(
    State(app): State<App>,
    Auth(p): Auth,
) -> ApiResult<Json<Vec<reporting::FiledReport>>> {
    Ok(Json(reporting::list_reports(&app, &p).await?))
}

#[utoipa::path(get, path = "/api/v1/reports/supervision/{month}", tag = "reports", params(("month" = String, Path, description = "YYYY-MM")),
    description = "A filed supervision report's figures: the KPIs against their targets for the operation and per \
                   department, time limits met per step (timeliness, target 98%), satisfaction (target 90%), the worst \
                   steps and the people furthest off a target, and the month's exception report with the supervisors' \
                   improvement actions. 404 until the month is filed.",
    responses((status = 200, body = reporting::SupervisionReport), (status = 404, body = ErrorBody)))]
async fn supervision_report(
    State(app): State<App>,
    Auth(p): Auth,
    Path(month): Path<String>,
) -> ApiResult<Json<reporting::SupervisionReport>> {
    Ok(Json(reporting::get_report(&app, &p, &month).await?))
}

#[utoipa::path(post, path = "/api/v1/reports/supervision/{month}", tag = "reports", params(("month" = String, Path, description = "YYYY-MM")),
    description = "Files a month's supervision report now (the nightly job files last month's on the month's first \
                   night): rendered as PDF and XLSX, kept, and e-mailed to the operator's supervisors and admins. A \
                   month is filed once; asking again answers the filed report. Supervisors and admins; 422 \
                   `month_not_over` for a month not over yet.",
    responses((status = 200, body = reporting::FiledReport), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn file_supervision_report(
    State(app): State<App>,
    Auth(p): Auth,
    Path(month): Path<String>,
) -> ApiResult<Json<reporting::FiledReport>> {
    Ok(Json(reporting::file_report(&app, &p, &month).await?))
}

#[utoipa::path(get, path = "/api/v1/reports/supervision/{month}/{format}", tag = "reports",
    params(("month" = String, Path, description = "YYYY-MM"), ("format" = String, Path, description = "pdf or xlsx")),
    description = "A filed supervision report as it was filed: the PDF, or the XLSX workbook (a summary sheet, then \
                   steps, departments, people and exceptions).",
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = ErrorBody)))]
async fn supervision_report_file(
    State(app): State<App>,
    Auth(p): Auth,
    Path((month, format)): Path<(String, String)>,
) -> ApiResult<Response> {
    let (name, bytes) = reporting::report_file(&app, &p, &month, &format).await?;
    Ok(crate::download::report_file(&name, bytes))
}

#[utoipa::path(get, path = "/api/v1/kpis", tag = "reports", params(reporting::KpiQuery),
    description = "The KPIs of a period (KPI-2 … KPI-4), from the events' daily roll-ups (kept current by the workers \
                   within a minute of the events): completion rate, time to ship (hours), damage, exception and \
                   complaint rates, each with numerator, denominator, target and whether it is met; `by` also gives \
                   them per day, merchant, department or person (staff). A merchant gets its own figures only.",
    responses((status = 200, body = reporting::KpiReport), (status = 422, body = ErrorBody)))]
async fn kpis(
    State(app): State<App>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<reporting::KpiQuery>,
) -> ApiResult<Json<reporting::KpiReport>> {
    Ok(Json(reporting::kpis(&app, &p, &q).await?))
}

#[utoipa::path(get, path = "/api/v1/kpis/{key}/orders", tag = "reports",
    params(("key" = String, Path, description = "a KPI's key, e.g. damage_rate"), reporting::KpiOrdersQuery),
    description = "Drill-down: the orders behind a KPI's numerator (or `side=denominator`) in the period, each with                    the event that counted, its amount, department and person; `department` and `person` narrow it to                    a group's. At most 500 (`truncated` says when there are more). A merchant: its own orders.",
    responses((status = 200, body = reporting::KpiOrders), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn kpi_orders(
    State(app): State<App>,
    Auth(p): Auth,
    Path(key): Path<String>,
    ApiQuery(q): ApiQuery<reporting::KpiOrdersQuery>,
) -> ApiResult<Json<reporting::KpiOrders>> {
    Ok(Json(reporting::kpi_orders(&app, &p, &key, &q).await?))
}

#[utoipa::path(get, path = "/api/v1/reports/exceptions", tag = "reports", params(ReportQuery),
    description = "The month's exception report (EXC-7), in the operator's time zone: cases by type, the most frequent \
                   causes, mean hours to resolve, after-sales requests by type and reason, refunds paid per currency, and \
                   the supervisors' improvement actions. Staff choose a merchant or get all; a merchant gets its own.",
    responses((status = 200, body = ExceptionReport), (status = 422, body = ErrorBody)))]
async fn exception_report(
    State(app): State<App>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> ApiResult<Json<ExceptionReport>> {
    Ok(Json(reporting::exception_report(&app, &p, &q).await?))
}

#[utoipa::path(get, path = "/api/v1/reports/exceptions.csv", tag = "reports", params(ReportQuery),
    description = "The same report as CSV (`section,key,value`, UTF-8 with a byte-order mark).",
    responses((status = 200, content_type = "text/csv", body = String), (status = 422, body = ErrorBody)))]
async fn exception_report_csv(
    State(app): State<App>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> ApiResult<Response> {
    let r = reporting::exception_report(&app, &p, &q).await?;
    let disposition = format!("attachment; filename=\"exception-report-{}.csv\"", r.month);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        reporting::report_csv(&r),
    )
        .into_response())
}

#[utoipa::path(get, path = "/api/v1/reports/exceptions.pdf", tag = "reports", params(ReportQuery),
    description = "The same report as a PDF.",
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 422, body = ErrorBody)))]
async fn exception_report_pdf(
    State(app): State<App>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> ApiResult<Response> {
    let r = reporting::exception_report(&app, &p, &q).await?;
    Ok(pdf_response(reporting::report_pdf(&r)?))
}

#[utoipa::path(post, path = "/api/v1/reports/exceptions/actions", tag = "reports", request_body = NewImprovementAction,
    description = "Enters an improvement action on a month's report, for the operation or one merchant. Supervisors and admins.",
    responses((status = 200, body = ImprovementAction), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_improvement_action(
    State(app): State<App>,
    Auth(p): Auth,
    ApiJson(body): ApiJson<NewImprovementAction>,
) -> ApiResult<Json<ImprovementAction>> {
    Ok(Json(reporting::add_improvement_action(&app, &p, &body).await?))
}
