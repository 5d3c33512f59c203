//! `/api/v1/calendars`: working calendars (SLA-1): the operator's default (`default`), which the
//! review steps' clocks count in, and one per warehouse (its id); closed days imported from an
//! iCalendar feed or a CSV; when a limit falls due.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};
use tradeport_app::App;
use tradeport_app::sla::{self, CalendarOwner, CalendarView, ClosedDaysFormat, DuePreview, ImportReport};
use tradeport_domain::sla::CalendarInput;

use super::calendar_body::CalendarBody;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, Auth};

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(list_calendars))
        .routes(routes!(get_calendar, put_calendar))
        .routes(routes!(import_closed_days))
        .routes(routes!(due))
}

#[derive(Serialize, ToSchema)]
struct CalendarList {
    items: Vec<CalendarView>,
}

#[utoipa::path(get, path = "/api/v1/calendars", tag = "sla",
    description = "The operator's working calendars, the default first. Staff who see settings.",
    responses((status = 200, body = CalendarList), (status = 403, body = ErrorBody)))]
async fn list_calendars(State(app): State<App>, Auth(p): Auth) -> ApiResult<Json<CalendarList>> {
    Ok(Json(CalendarList { items: sla::list_calendars(&app, &p).await? }))
}

#[utoipa::path(get, path = "/api/v1/calendars/{owner}", tag = "sla", params(("owner" = String, Path, description = "`default` or a warehouse id")),
    responses((status = 200, body = CalendarView), (status = 404, body = ErrorBody)))]
async fn get_calendar(
    State(app): State<App>,
    Auth(p): Auth,
    Path(owner): Path<String>,
) -> ApiResult<Json<CalendarView>> {
    Ok(Json(sla::get_calendar(&app, &p, CalendarOwner::parse(&owner)?).await?))
}

#[utoipa::path(put, path = "/api/v1/calendars/{owner}", tag = "sla", params(("owner" = String, Path, description = "`default` or a warehouse id")),
    request_body = CalendarBody,
    description = "Sets the calendar (replacing the one the owner has). New clocks count in it; running ones keep their due time until they resume from a pause. Admins.",
    responses((status = 200, body = CalendarView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn put_calendar(
    State(app): State<App>,
    Auth(p): Auth,
    Path(owner): Path<String>,
    ApiJson(body): ApiJson<CalendarBody>,
) -> ApiResult<Json<CalendarView>> {
    Ok(Json(sla::put_calendar(&app, &p, CalendarOwner::parse(&owner)?, &CalendarInput::from(body)).await?))
}

#[utoipa::path(post, path = "/api/v1/calendars/{owner}/closed-days", tag = "sla", params(("owner" = String, Path, description = "`default` or a warehouse id")),
    request_body(content((String = "text/calendar"), (String = "text/csv")), description = "An iCalendar feed (`Content-Type: text/calendar`): its all-day events, yearly ones repeated; or a CSV (`text/csv`) of `date,name` rows"),
    description = "Adds closed days from a file to an existing calendar and says what it left out. Admins.",
    responses((status = 200, body = ImportReport), (status = 409, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn import_closed_days(
    State(app): State<App>,
    Auth(p): Auth,
    Path(owner): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<Json<ImportReport>> {
    let content_type = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("");
    let format = match content_type.split(';').next().unwrap_or("").trim() {
        "text/calendar" => ClosedDaysFormat::Ics,
        "text/csv" => ClosedDaysFormat::Csv,
        other => {
            let message = format!(
                "'{other}' cannot be read; send an iCalendar feed as text/calendar or a CSV as text/csv"
            );
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "request.unsupported_media_type",
                message,
            ));
        }
    };
    let text = std::str::from_utf8(&body).map_err(|_| {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", "the file is not UTF-8 text")
            .with_field("file", "not_utf8", "save the file as UTF-8 and send it again")
    })?;
    Ok(Json(sla::import_closed_days(&app, &p, CalendarOwner::parse(&owner)?, format, text).await?))
}

/// A limit and when it starts.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct DueQuery {
    /// RFC 3339, e.g. `2026-03-20T17:30:00+01:00`.
    from: String,
    /// The limit in minutes of working time.
    #[param(minimum = 0, maximum = 527040)]
    minutes: i64,
}

#[utoipa::path(get, path = "/api/v1/calendars/{owner}/due", tag = "sla", params(("owner" = String, Path, description = "`default` or a warehouse id"), DueQuery),
    description = "When a limit of `minutes` of working time started at `from` falls due in this calendar.",
    responses((status = 200, body = DuePreview), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn due(
    State(app): State<App>,
    Auth(p): Auth,
    Path(owner): Path<String>,
    ApiQuery(q): ApiQuery<DueQuery>,
) -> ApiResult<Json<DuePreview>> {
    Ok(Json(sla::due_in_calendar(&app, &p, CalendarOwner::parse(&owner)?, &q.from, q.minutes).await?))
}
