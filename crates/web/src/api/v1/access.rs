//! `/api/v1` for the access context: who am I, tenants, users, API keys, settings, dashboard.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use tradeport_app::access::{
    self, ApiKeyView, CreateApiKey, CreateTenant, CreateUser, CreatedApiKey, TenantView, UserView,
};
use tradeport_app::reporting::{self, Dashboard};
use tradeport_app::{App, Page};
use tradeport_domain::access::{Actor, TenantSettings};
use tradeport_domain::kernel::{ApiKeyId, TenantId, UserId};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::PageQuery;
use super::settings_body::SettingsBody;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, Auth, parse_id};
use crate::middleware::ReplayBody;

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(me))
        .routes(routes!(dashboard))
        .routes(routes!(list_tenants, create_merchant))
        .routes(routes!(get_tenant))
        .routes(routes!(list_users, create_user))
        .routes(routes!(activate_user))
        .routes(routes!(deactivate_user))
        .routes(routes!(list_api_keys, create_api_key))
        .routes(routes!(revoke_api_key))
        .routes(routes!(get_settings, patch_settings))
}

/// The caller.
#[derive(Serialize, ToSchema)]
struct MeResponse {
    /// `user`, `api_key` or `system`.
    actor_kind: &'static str,
    actor_id: Option<String>,
    tenant_id: String,
    /// `operator` or `merchant`.
    tenant_kind: String,
    operator_id: String,
    role: String,
}

#[derive(Serialize, ToSchema)]
struct TenantList {
    items: Vec<TenantView>,
}

#[derive(Serialize, ToSchema)]
struct UserPage {
    items: Vec<UserView>,
    next_cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
struct ApiKeyPage {
    items: Vec<ApiKeyView>,
    next_cursor: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct CreateMerchantRequest {
    name: String,
    /// 2-40 lower-case letters, digits or '-'; unique.
    code: String,
    /// IANA time zone, e.g. `Europe/London`.
    timezone: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct CreateUserRequest {
    /// A merchant of the operator; the operator itself when absent.
    tenant_id: Option<String>,
    email: String,
    display_name: String,
    #[schema(value_type = tradeport_app::code_lists::RoleCode)]
    role: String,
    /// At least 10 characters.
    password: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct CreateApiKeyRequest {
    /// A merchant of the operator; the caller's own tenant when absent.
    tenant_id: Option<String>,
    name: String,
    #[schema(value_type = tradeport_app::code_lists::RoleCode)]
    role: String,
}

fn optional_tenant(raw: Option<String>) -> ApiResult<Option<TenantId>> {
    raw.map(|t| parse_id(&t, "tenant")).transpose()
}

#[utoipa::path(get, path = "/api/v1/me", tag = "access",
    responses((status = 200, body = MeResponse), (status = 401, body = ErrorBody)))]
async fn me(Auth(p): Auth) -> Json<MeResponse> {
    let (actor_kind, actor_id) = match p.actor {
        Actor::User(id) => ("user", Some(id.to_string())),
        Actor::ApiKey(id) => ("api_key", Some(id.to_string())),
        Actor::System => ("system", None),
    };
    Json(MeResponse {
        actor_kind,
        actor_id,
        tenant_id: p.tenant_id.to_string(),
        tenant_kind: p.tenant_kind.as_str().into(),
        operator_id: p.scope.operator_id.to_string(),
        role: p.role.as_str().into(),
    })
}

#[utoipa::path(get, path = "/api/v1/dashboard", tag = "reporting",
    responses((status = 200, body = Dashboard), (status = 401, body = ErrorBody)))]
async fn dashboard(State(app): State<App>, Auth(p): Auth) -> ApiResult<Json<Dashboard>> {
    Ok(Json(reporting::dashboard(&app, &p).await?))
}

#[utoipa::path(get, path = "/api/v1/tenants", tag = "access",
    description = "Staff see their operator and its merchants; a merchant sees itself.",
    responses((status = 200, body = TenantList), (status = 401, body = ErrorBody)))]
async fn list_tenants(State(app): State<App>, Auth(p): Auth) -> ApiResult<Json<TenantList>> {
    Ok(Json(TenantList { items: access::list_tenants(&app, &p).await? }))
}

#[utoipa::path(post, path = "/api/v1/tenants", tag = "access", description = "Creates a merchant. Admins only.",
    request_body = CreateMerchantRequest,
    responses((status = 201, body = TenantView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_merchant(
    State(app): State<App>,
    Auth(p): Auth,
    ApiJson(body): ApiJson<CreateMerchantRequest>,
) -> ApiResult<(StatusCode, Json<TenantView>)> {
    let input = CreateTenant { name: body.name, code: body.code, timezone: body.timezone };
    Ok((StatusCode::CREATED, Json(access::create_merchant(&app, &p, &input).await?)))
}

#[utoipa::path(get, path = "/api/v1/tenants/{id}", tag = "access", params(("id" = String, Path)),
    responses((status = 200, body = TenantView), (status = 404, body = ErrorBody)))]
async fn get_tenant(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<TenantView>> {
    Ok(Json(access::get_tenant(&app, &p, parse_id(&id, "tenant")?).await?))
}

#[utoipa::path(get, path = "/api/v1/users", tag = "access", params(PageQuery), description = "Admins only.",
    responses((status = 200, body = UserPage), (status = 403, body = ErrorBody)))]
async fn list_users(
    State(app): State<App>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<Page<UserView>>> {
    Ok(Json(access::list_users(&app, &p, &q.into()).await?))
}

#[utoipa::path(post, path = "/api/v1/users", tag = "access", request_body = CreateUserRequest, description = "Admins only.",
    responses((status = 201, body = UserView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_user(
    State(app): State<App>,
    Auth(p): Auth,
    ApiJson(body): ApiJson<CreateUserRequest>,
) -> ApiResult<(StatusCode, Json<UserView>)> {
    let input = CreateUser {
        tenant_id: optional_tenant(body.tenant_id)?,
        email: body.email,
        display_name: body.display_name,
        role: body.role,
        password: body.password,
    };
    Ok((StatusCode::CREATED, Json(access::create_user(&app, &p, &input).await?)))
}

#[utoipa::path(post, path = "/api/v1/users/{id}/activate", tag = "access", params(("id" = String, Path)),
    responses((status = 200, body = UserView), (status = 404, body = ErrorBody)))]
async fn activate_user(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<UserView>> {
    let id: UserId = parse_id(&id, "user")?;
    Ok(Json(access::set_user_active(&app, &p, id, true).await?))
}

#[utoipa::path(post, path = "/api/v1/users/{id}/deactivate", tag = "access", params(("id" = String, Path)),
    description = "The user can no longer sign in; open sessions end at once.",
    responses((status = 200, body = UserView), (status = 404, body = ErrorBody)))]
async fn deactivate_user(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<UserView>> {
    let id: UserId = parse_id(&id, "user")?;
    Ok(Json(access::set_user_active(&app, &p, id, false).await?))
}

#[utoipa::path(get, path = "/api/v1/api-keys", tag = "access", params(PageQuery),
    responses((status = 200, body = ApiKeyPage), (status = 403, body = ErrorBody)))]
async fn list_api_keys(
    State(app): State<App>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<Page<ApiKeyView>>> {
    Ok(Json(access::list_api_keys(&app, &p, &q.into()).await?))
}

#[utoipa::path(post, path = "/api/v1/api-keys", tag = "access", request_body = CreateApiKeyRequest,
    description = "The response holds the key's secret, shown this once.",
    responses((status = 201, body = CreatedApiKey), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_api_key(
    State(app): State<App>,
    Auth(p): Auth,
    ApiJson(body): ApiJson<CreateApiKeyRequest>,
) -> ApiResult<Response> {
    let input =
        CreateApiKey { tenant_id: optional_tenant(body.tenant_id)?, name: body.name, role: body.role };
    let created = access::create_api_key(&app, &p, &input).await?;
    Ok(ReplayBody::secret_once(StatusCode::CREATED, &created, &created.key))
}

#[utoipa::path(delete, path = "/api/v1/api-keys/{id}", tag = "access", params(("id" = String, Path)),
    description = "Revokes the key: it is refused from the next request on.",
    responses((status = 200, body = ApiKeyView), (status = 404, body = ErrorBody)))]
async fn revoke_api_key(
    State(app): State<App>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<ApiKeyView>> {
    let id: ApiKeyId = parse_id(&id, "API key")?;
    Ok(Json(access::revoke_api_key(&app, &p, id).await?))
}

#[utoipa::path(get, path = "/api/v1/settings", tag = "access", description = "The operator's settings. Staff only.",
    responses((status = 200, body = SettingsBody), (status = 403, body = ErrorBody)))]
async fn get_settings(State(app): State<App>, Auth(p): Auth) -> ApiResult<Json<TenantSettings>> {
    Ok(Json(access::get_settings(&app, &p).await?))
}

#[utoipa::path(patch, path = "/api/v1/settings", tag = "access", request_body = SettingsBody,
    description = "Changes the settings named in the body; the others keep their values. Admins only.",
    responses((status = 200, body = SettingsBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn patch_settings(
    State(app): State<App>,
    Auth(p): Auth,
    ApiJson(body): ApiJson<SettingsBody>,
) -> ApiResult<Json<TenantSettings>> {
    let patch = serde_json::to_value(body).map_err(|e| tradeport_app::AppError::Internal(e.to_string()))?;
    Ok(Json(access::update_settings(&app, &p, patch).await?))
}
