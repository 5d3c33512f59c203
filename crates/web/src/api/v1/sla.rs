//! `/api/v1/sla`: the follow-up queue of steps running past their time limits (SLA-2).

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use tradeport_app::App;
use tradeport_app::sla::{self, DueStep};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiQuery, Auth};

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new().routes(routes!(due_steps))
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
