//! `/api/v1` for reports: the monthly exception report as JSON, CSV and PDF, and the supervision
//! group's improvement actions on it.

use axum::Json;
use axum::extract::State;
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
