//! `/api/v1/jobs`: the job queue as staff see it: jobs by state, dead ones with their last error,
//! retry and cancel (admins).

use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use tradeport_app::jobs::{self, JobView};
use tradeport_app::{App, Page, PageRequest};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiQuery, Auth};

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new().routes(routes!(list_jobs)).routes(routes!(retry_job)).routes(routes!(cancel_job))
}

#[derive(Serialize, ToSchema)]
struct JobPage {
    items: Vec<JobView>,
    next_cursor: Option<String>,
}

/// Which jobs, and which page of them.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct JobQuery {
    /// queued, running, done, dead or cancelled.
    state: String,
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u32>,
    cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/jobs", tag = "jobs", params(JobQuery),
    description = "The operator's jobs in one state, newest first. Admins only.",
    responses((status = 200, body = JobPage), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn list_jobs(
    State(app): State<App>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<JobQuery>,
) -> ApiResult<Json<Page<JobView>>> {
    let page = PageRequest { limit: q.limit, cursor: q.cursor };
    Ok(Json(jobs::list_jobs(&app, &p, &q.state, &page).await?))
}

#[utoipa::path(post, path = "/api/v1/jobs/{id}/retry", tag = "jobs", params(("id" = String, Path)),
    description = "Puts a dead or cancelled job back in the queue, to run now with all its attempts.",
    responses((status = 200, body = JobView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn retry_job(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<JobView>> {
    Ok(Json(jobs::retry_job(&app, &p, &id).await?))
}

#[utoipa::path(post, path = "/api/v1/jobs/{id}/cancel", tag = "jobs", params(("id" = String, Path)),
    description = "Cancels a queued job.",
    responses((status = 200, body = JobView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn cancel_job(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<JobView>> {
    Ok(Json(jobs::cancel_job(&app, &p, &id).await?))
}
