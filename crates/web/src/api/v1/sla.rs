//! `/api/v1/sla`: the follow-up queue of steps running past their time limits (SLA-2).

use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use tradeport_app::App;
use tradeport_app::sla::{self, DueStep, FollowUpInput, FollowUpView, SweepReport, SweepSchedule};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, Auth};

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(due_steps))
        .routes(routes!(sweep_schedules, set_sweep_times))
        .routes(routes!(list_sweeps))
        .routes(routes!(get_sweep))
        .routes(routes!(record_follow_up))
}

#[derive(Serialize, ToSchema)]
struct DueList {
    items: Vec<DueStep>,
}

/// How far ahead to look.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct DueQuery {
    /// 0 (the default): steps already overdue; 60: also those due within the hour.
    #[param(minimum = 0, maximum = 10080)]
    within_minutes: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/sla/due", tag = "sla", params(DueQuery),
    description = "Running steps past their limit (or due within `within_minutes`), soonest due first, at most 200. \
                   Admins, order managers and reviewers.",
    responses((status = 200, body = DueList), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn due_steps(
    State(app): State<App>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<DueQuery>,
) -> ApiResult<Json<DueList>> {
    Ok(Json(DueList { items: sla::due_steps(&app, &p, q.within_minutes.unwrap_or(0)).await? }))
}

#[derive(Serialize, ToSchema)]
struct ScheduleList {
    items: Vec<SweepSchedule>,
}

#[utoipa::path(get, path = "/api/v1/sla/sweep-schedules", tag = "sla",
    description = "When the follow-up sweeps run: one for the operator (orders not in a warehouse yet) and one per warehouse, each in its own time zone.",
    responses((status = 200, body = ScheduleList), (status = 403, body = ErrorBody)))]
async fn sweep_schedules(State(app): State<App>, Auth(p): Auth) -> ApiResult<Json<ScheduleList>> {
    Ok(Json(ScheduleList { items: sla::sweep_schedules(&app, &p).await? }))
}

/// When the sweeps run.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct SweepTimes {
    /// Five-field cron read in each place's own time zone, e.g. `0 9,15 * * *` (the default).
    cron: String,
}

#[utoipa::path(put, path = "/api/v1/sla/sweep-schedules", tag = "sla", request_body = SweepTimes,
    description = "Sets when every sweep runs, in each place's own time zone. Admins.",
    responses((status = 200, body = ScheduleList), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn set_sweep_times(
    State(app): State<App>,
    Auth(p): Auth,
    ApiJson(body): ApiJson<SweepTimes>,
) -> ApiResult<Json<ScheduleList>> {
    Ok(Json(ScheduleList { items: sla::set_sweep_times(&app, &p, &body.cron).await? }))
}

#[derive(Serialize, ToSchema)]
struct SweepList {
    items: Vec<SweepReport>,
}

#[utoipa::path(get, path = "/api/v1/sla/sweeps", tag = "sla",
    description = "The latest sweep reports, newest first (at most 100): every overdue step at each scheduled check, by department.",
    responses((status = 200, body = SweepList), (status = 403, body = ErrorBody)))]
async fn list_sweeps(State(app): State<App>, Auth(p): Auth) -> ApiResult<Json<SweepList>> {
    Ok(Json(SweepList { items: sla::list_sweeps(&app, &p).await? }))
}

#[utoipa::path(get, path = "/api/v1/sla/sweeps/{id}", tag = "sla", params(("id" = String, Path)),
    responses((status = 200, body = SweepReport), (status = 404, body = ErrorBody)))]
async fn get_sweep(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<SweepReport>> {
    Ok(Json(sla::get_sweep(&app, &p, &id).await?))
}

#[derive(Serialize, ToSchema)]
struct FollowUpList {
    items: Vec<FollowUpView>,
}

#[utoipa::path(post, path = "/api/v1/sla/follow-ups", tag = "sla", request_body = FollowUpInput,
    description = "Records what was done about an overdue step (who, what, the new promise); answers with the order's follow-ups.",
    responses((status = 201, body = FollowUpList), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn record_follow_up(
    State(app): State<App>,
    Auth(p): Auth,
    ApiJson(body): ApiJson<FollowUpInput>,
) -> ApiResult<(axum::http::StatusCode, Json<FollowUpList>)> {
    let items = sla::record_follow_up(&app, &p, &body).await?;
    Ok((axum::http::StatusCode::CREATED, Json(FollowUpList { items })))
}
