//! `/api/v1` for exceptions: the lane rules, the cases they open, and running the sweep now.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use tradeport_app::App;
use tradeport_app::exceptions::{self, CaseView, LaneRuleView, TrackingSweep};
use tradeport_domain::exceptions::LaneRuleInput;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::warehouse::Items;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, Auth};

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(list_lane_rules, save_lane_rule))
        .routes(routes!(delete_lane_rule))
        .routes(routes!(list_cases))
        .routes(routes!(run_sweep))
}

#[utoipa::path(get, path = "/api/v1/lane-rules", tag = "exceptions", responses((status = 200, body = Items<LaneRuleView>)))]
async fn list_lane_rules(State(app): State<App>, Auth(p): Auth) -> ApiResult<Json<Items<LaneRuleView>>> {
    Ok(Json(Items { items: exceptions::list_lane_rules(&app, &p).await? }))
}

#[utoipa::path(post, path = "/api/v1/lane-rules", tag = "exceptions", request_body = LaneRuleInput,
    description = "An exception rule for a lane (origin warehouse → destination country × service; empty means any): \
                   no_update (hours), stuck (days), returned_to_sender, customs_refused, delivery_failed (attempts), \
                   past_promised_date (days). A rule of the same kind on the same lane is replaced. The first rule \
                   schedules the hourly sweep.",
    responses((status = 200, body = LaneRuleView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn save_lane_rule(
    State(app): State<App>,
    Auth(p): Auth,
    ApiJson(body): ApiJson<LaneRuleInput>,
) -> ApiResult<Json<LaneRuleView>> {
    Ok(Json(exceptions::save_lane_rule(&app, &p, &body).await?))
}

#[utoipa::path(delete, path = "/api/v1/lane-rules/{id}", tag = "exceptions", params(("id" = String, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn delete_lane_rule(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    exceptions::delete_lane_rule(&app, &p, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A page of cases.
#[derive(serde::Serialize, utoipa::ToSchema)]
struct CasePage {
    items: Vec<CaseView>,
    next_cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/exception-cases", tag = "exceptions", params(exceptions::CaseQuery),
    description = "Exception cases newest first, by status, department and order; a merchant sees its own.",
    responses((status = 200, body = CasePage), (status = 422, body = ErrorBody)))]
async fn list_cases(
    State(app): State<App>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<exceptions::CaseQuery>,
) -> ApiResult<Json<tradeport_app::Page<CaseView>>> {
    Ok(Json(exceptions::list_cases(&app, &p, &q).await?))
}

#[utoipa::path(post, path = "/api/v1/tracking/sweep", tag = "exceptions",
    description = "Applies the time-based lane rules to every parcel on its way now (the hourly job does the same).",
    responses((status = 200, body = TrackingSweep), (status = 403, body = ErrorBody)))]
async fn run_sweep(State(app): State<App>, Auth(p): Auth) -> ApiResult<Json<TrackingSweep>> {
    Ok(Json(exceptions::sweep_now(&app, &p).await?))
}
