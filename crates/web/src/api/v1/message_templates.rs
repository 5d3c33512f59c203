//! `/api/v1/message-templates`: the buyer messages in every language, their values, the
//! operator's own wording with a preview, and the way back to the catalogue's (SLA-3).

use axum::Json;
use axum::extract::{Path, State};
use serde::Serialize;
use tradeport_app::App;
use tradeport_app::notifications::{self, PreviewView, TemplateView, WordingInput};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, Auth, OptionalJson};

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(list_templates))
        .routes(routes!(get_template, save_template, reset_template))
        .routes(routes!(preview_template))
}

#[derive(Serialize, ToSchema)]
struct TemplateList {
    items: Vec<TemplateView>,
}

#[utoipa::path(get, path = "/api/v1/message-templates", tag = "notifications",
    description = "Every buyer message in every buyer language (en, zh-CN, es, de, fr, ja): the values its wording may use, the wording in use and the catalogue's. Staff who see settings.",
    responses((status = 200, body = TemplateList), (status = 403, body = ErrorBody)))]
async fn list_templates(State(app): State<App>, Auth(p): Auth) -> ApiResult<Json<TemplateList>> {
    Ok(Json(TemplateList { items: notifications::list_templates(&app, &p).await? }))
}

#[utoipa::path(get, path = "/api/v1/message-templates/{message}/{language}", tag = "notifications",
    params(("message" = String, Path, description = "e.g. order-confirmed"), ("language" = String, Path, description = "e.g. de")),
    responses((status = 200, body = TemplateView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn get_template(
    State(app): State<App>,
    Auth(p): Auth,
    Path((message, language)): Path<(String, String)>,
) -> ApiResult<Json<TemplateView>> {
    Ok(Json(notifications::get_template(&app, &p, &message, &language).await?))
}

#[utoipa::path(put, path = "/api/v1/message-templates/{message}/{language}", tag = "notifications",
    params(("message" = String, Path), ("language" = String, Path)), request_body = WordingInput,
    description = "Keeps the operator's wording (Fluent: `{ $order_no }`, plural selectors) once it renders; every problem names the part (subject, body, sms), the line and the fix. Admins.",
    responses((status = 200, body = TemplateView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn save_template(
    State(app): State<App>,
    Auth(p): Auth,
    Path((message, language)): Path<(String, String)>,
    ApiJson(body): ApiJson<WordingInput>,
) -> ApiResult<Json<TemplateView>> {
    Ok(Json(notifications::save_template(&app, &p, &message, &language, &body).await?))
}

#[utoipa::path(delete, path = "/api/v1/message-templates/{message}/{language}", tag = "notifications",
    params(("message" = String, Path), ("language" = String, Path)),
    description = "Goes back to the catalogue's wording. Admins.",
    responses((status = 200, body = TemplateView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn reset_template(
    State(app): State<App>,
    Auth(p): Auth,
    Path((message, language)): Path<(String, String)>,
) -> ApiResult<Json<TemplateView>> {
    Ok(Json(notifications::reset_template(&app, &p, &message, &language).await?))
}

#[utoipa::path(post, path = "/api/v1/message-templates/{message}/{language}/preview", tag = "notifications",
    params(("message" = String, Path), ("language" = String, Path)), request_body(content = Option<WordingInput>, description = "The wording to try; leave the body out to preview the one in use."),
    description = "Renders a wording with example values (money and dates written the language's way) without keeping it.",
    responses((status = 200, body = PreviewView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn preview_template(
    State(app): State<App>,
    Auth(p): Auth,
    Path((message, language)): Path<(String, String)>,
    OptionalJson(body): OptionalJson<Option<WordingInput>>,
) -> ApiResult<Json<PreviewView>> {
    Ok(Json(notifications::preview_template(&app, &p, &message, &language, body.as_ref()).await?))
}
