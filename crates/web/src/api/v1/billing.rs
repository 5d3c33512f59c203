//! Merchant agreements, monthly statements and quotes (#14: the contract's charging standard).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use tradeport_app::App;
use tradeport_app::billing::{
    self, AgreementView, NewAgreement, NewCredit, QuoteRequest, QuoteView, StatementView,
};
use tradeport_app::warehouse::Document;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, Auth};

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(list_agreements, create_agreement))
        .routes(routes!(get_statement))
        .routes(routes!(statement_csv))
        .routes(routes!(statement_pdf))
        .routes(routes!(credit))
        .routes(routes!(file_statement))
        .routes(routes!(quote))
}

/// The agreements.
#[derive(Serialize, ToSchema)]
struct AgreementList {
    items: Vec<AgreementView>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct AgreementQuery {
    /// One merchant's (staff).
    merchant_id: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/agreements", tag = "billing", params(AgreementQuery),
    description = "Merchants' agreements, newest first (a merchant: its own): validity, promised time limits, fee \
                   schedule. Admins, finance, supervisors, merchants.",
    responses((status = 200, body = AgreementList), (status = 403, body = ErrorBody)))]
async fn list_agreements(
    State(app): State<App>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<AgreementQuery>,
) -> ApiResult<Json<AgreementList>> {
    Ok(Json(AgreementList { items: billing::list_agreements(&app, &p, q.merchant_id.as_deref()).await? }))
}

#[utoipa::path(post, path = "/api/v1/agreements", tag = "billing", request_body = NewAgreement,
    description = "Records a merchant's agreement: valid from a day (to a day, or open), the time limits promised, \
                   and the fee schedule in minor units of one currency (inbound per carton and pallet, storage per \
                   m³ or pallet per day by age tier, pick and pack per order and per extra item, packaging per box \
                   code, labels, returns, disposals, and a markup in basis points on carrier charges). A newer \
                   agreement covering the same days supersedes the older; none is changed. Admins and finance.",
    responses((status = 201, body = AgreementView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_agreement(
    State(app): State<App>,
    Auth(p): Auth,
    ApiJson(body): ApiJson<NewAgreement>,
) -> ApiResult<(StatusCode, Json<AgreementView>)> {
    Ok((StatusCode::CREATED, Json(billing::create_agreement(&app, &p, &body).await?)))
}

#[utoipa::path(get, path = "/api/v1/statements/{merchant_id}/{month}", tag = "billing",
    params(("merchant_id" = String, Path), ("month" = String, Path, description = "YYYY-MM")),
    description = "The merchant's statement of the month: each line's quantity, price, amount and the facts it \
                   charges (inbound notices, days of stock, order and tracking numbers, RMAs), under the agreement in \
                   force on each fact's day; corrections as credit lines; totals per currency. Reading never files: \
                   the nightly job files last month's on the first night of the next (or finance, below), and a \
                   filed statement never changes; until then `filed_at` is null and the lines are as the facts \
                   stand; a month not over is a `draft`. A merchant: its own.",
    responses((status = 200, body = StatementView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn get_statement(
    State(app): State<App>,
    Auth(p): Auth,
    Path((merchant, month)): Path<(String, String)>,
) -> ApiResult<Json<StatementView>> {
    Ok(Json(billing::statement(&app, &p, &merchant, &month).await?))
}

#[utoipa::path(get, path = "/api/v1/statements/{merchant_id}/{month}/csv", tag = "billing",
    params(("merchant_id" = String, Path), ("month" = String, Path)),
    description = "The statement as CSV, one row per line with its sources, then the totals.",
    responses((status = 200, content_type = "text/csv"), (status = 404, body = ErrorBody)))]
async fn statement_csv(
    State(app): State<App>,
    Auth(p): Auth,
    Path((merchant, month)): Path<(String, String)>,
) -> ApiResult<Response> {
    let s = billing::statement(&app, &p, &merchant, &month).await?;
    Ok(crate::download::csv_attachment(&format!("statement-{}.csv", s.month), billing::statement_csv(&s)?))
}

#[utoipa::path(get, path = "/api/v1/statements/{merchant_id}/{month}/pdf", tag = "billing",
    params(("merchant_id" = String, Path), ("month" = String, Path)),
    description = "The statement as a PDF.",
    responses((status = 200, content_type = "application/pdf"), (status = 404, body = ErrorBody)))]
async fn statement_pdf(
    State(app): State<App>,
    Auth(p): Auth,
    Path((merchant, month)): Path<(String, String)>,
) -> ApiResult<Response> {
    let s = billing::statement(&app, &p, &merchant, &month).await?;
    let pdf = billing::statement_pdf(&s)?;
    Ok(crate::download::pdf_response(Document { file_name: format!("statement-{}.pdf", s.month), pdf }))
}

#[utoipa::path(post, path = "/api/v1/statements/{merchant_id}/{month}/credits", tag = "billing",
    params(("merchant_id" = String, Path), ("month" = String, Path)), request_body = NewCredit,
    description = "Credits a filed statement: a line of its own with the reason; the lines charged stay as they \
                   were. 409 `statement.not_filed` before it is filed; the currency is one of the statement's. Admins and finance.",
    responses((status = 200, body = StatementView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn credit(
    State(app): State<App>,
    Auth(p): Auth,
    Path((merchant, month)): Path<(String, String)>,
    ApiJson(body): ApiJson<NewCredit>,
) -> ApiResult<Json<StatementView>> {
    Ok(Json(billing::add_credit(&app, &p, &merchant, &month, &body).await?))
}

#[utoipa::path(post, path = "/api/v1/quotes", tag = "billing", request_body = QuoteRequest,
    description = "Prices a prospective merchant's expected month (the pre-sales step) with a fee schedule, by the \
                   same arithmetic as a statement. Admins and finance.",
    responses((status = 200, body = QuoteView), (status = 422, body = ErrorBody)))]
async fn quote(
    State(_app): State<App>,
    Auth(p): Auth,
    ApiJson(body): ApiJson<QuoteRequest>,
) -> ApiResult<Json<QuoteView>> {
    Ok(Json(billing::quote_for(&p, &body)?))
}

#[utoipa::path(post, path = "/api/v1/statements/{merchant_id}/{month}/file", tag = "billing",
    params(("merchant_id" = String, Path), ("month" = String, Path)),
    description = "Files the statement of a month that is over, now (the nightly job does on the first night of \
                   the next month); filing again changes nothing. 409 `statement.draft` before the month is over. \
                   Admins and finance.",
    responses((status = 200, body = StatementView), (status = 409, body = ErrorBody)))]
async fn file_statement(
    State(app): State<App>,
    Auth(p): Auth,
    Path((merchant, month)): Path<(String, String)>,
) -> ApiResult<Json<StatementView>> {
    Ok(Json(billing::file_statement(&app, &p, &merchant, &month).await?))
}
