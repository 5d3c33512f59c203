//! Pages of the access context: dashboard, users, API keys and settings.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tradeport_app::access::{self, CreateApiKey, CreateUser, TenantView};
use tradeport_app::reporting::{self, Dashboard};
use tradeport_app::{App, AppError, PageRequest};
use tradeport_domain::access::{LOCALES, Role, TenantSettings};

use super::shell::{Shell, role_key};
use super::{SignedIn, Tr, explain, format_millis, refused, render, status_of};

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    t: Tr,
    shell: Shell,
    d: Dashboard,
    merchant: bool,
}

/// GET /
pub async fn dashboard(State(app): State<App>, user: SignedIn) -> Response {
    match reporting::dashboard(&app, &user.session.principal).await {
        Ok(d) => {
            let page = DashboardPage {
                t: user.t,
                shell: Shell::new(&user, "/"),
                d,
                merchant: user.session.principal.is_merchant(),
            };
            render(user.t, StatusCode::OK, &page)
        }
        Err(e) => refused(&user, &e),
    }
}

/// A row of the users table.
struct UserLine {
    id: String,
    email: String,
    display_name: String,
    role_key: String,
    tenant_name: String,
    active: bool,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    t: Tr,
    shell: Shell,
    users: Vec<UserLine>,
    tenants: Vec<TenantView>,
    roles: Vec<(&'static str, String)>,
    error: Option<String>,
    notice: Option<String>,
}

fn role_options() -> Vec<(&'static str, String)> {
    Role::ALL.iter().map(|r| (r.as_str(), role_key(*r))).collect()
}

fn tenant_names(tenants: &[TenantView]) -> HashMap<String, String> {
    tenants.iter().map(|t| (t.id.to_string(), t.name.clone())).collect()
}

async fn users_page(
    app: &App,
    user: &SignedIn,
    status: StatusCode,
    error: Option<String>,
    notice: Option<String>,
) -> Response {
    let p = &user.session.principal;
    let listing = access::list_users(app, p, &PageRequest { limit: Some(200), cursor: None }).await;
    let tenants = access::list_tenants(app, p).await;
    let (listing, tenants) = match (listing, tenants) {
        (Ok(l), Ok(t)) => (l, t),
        (Err(e), _) | (_, Err(e)) => return refused(user, &e),
    };
    let names = tenant_names(&tenants);
    let users = listing
        .items
        .into_iter()
        .map(|u| UserLine {
            id: u.id.to_string(),
            tenant_name: names.get(&u.tenant_id.to_string()).cloned().unwrap_or_default(),
            email: u.email,
            display_name: u.display_name,
            role_key: role_key(u.role),
            active: u.active,
        })
        .collect();
    let page = UsersPage {
        t: user.t,
        shell: Shell::new(user, "/settings"),
        users,
        tenants,
        roles: role_options(),
        error,
        notice,
    };
    render(user.t, status, &page)
}

/// GET /users
pub async fn users(State(app): State<App>, user: SignedIn) -> Response {
    users_page(&app, &user, StatusCode::OK, None, None).await
}

#[derive(Deserialize)]
pub struct CreateUserForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    tenant_id: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    password: String,
}

/// POST /users
pub async fn create_user(State(app): State<App>, user: SignedIn, Form(f): Form<CreateUserForm>) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    let input = CreateUser {
        tenant_id: f.tenant_id.parse().ok(),
        email: f.email,
        display_name: f.display_name,
        role: f.role,
        password: f.password,
    };
    match access::create_user(&app, &user.session.principal, &input).await {
        Ok(_) => users_page(&app, &user, StatusCode::OK, None, Some(user.t.get("users.created"))).await,
        Err(e) => users_page(&app, &user, status_of(&e), Some(explain(user.t, &e)), None).await,
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf_token: String,
}

/// POST /users/{id}/activate and /users/{id}/deactivate
pub async fn toggle_user(
    State(app): State<App>,
    user: SignedIn,
    Path((id, action)): Path<(String, String)>,
    Form(f): Form<CsrfForm>,
) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    let (Ok(id), Some(active)) = (
        id.parse(),
        match action.as_str() {
            "activate" => Some(true),
            "deactivate" => Some(false),
            _ => None,
        },
    ) else {
        return refused(&user, &AppError::NotFound("user"));
    };
    match access::set_user_active(&app, &user.session.principal, id, active).await {
        Ok(_) => Redirect::to("/users").into_response(),
        Err(e) => users_page(&app, &user, status_of(&e), Some(explain(user.t, &e)), None).await,
    }
}

/// A row of the API keys table.
struct KeyLine {
    id: String,
    name: String,
    prefix: String,
    role_key: String,
    tenant_name: String,
    last_used: String,
    revoked: bool,
}

#[derive(Template)]
#[template(path = "api_keys.html")]
struct ApiKeysPage {
    t: Tr,
    shell: Shell,
    keys: Vec<KeyLine>,
    tenants: Vec<TenantView>,
    roles: Vec<(&'static str, String)>,
    error: Option<String>,
    new_secret: Option<String>,
}

async fn api_keys_page(
    app: &App,
    user: &SignedIn,
    status: StatusCode,
    error: Option<String>,
    new_secret: Option<String>,
) -> Response {
    let p = &user.session.principal;
    let listing = access::list_api_keys(app, p, &PageRequest { limit: Some(200), cursor: None }).await;
    let tenants = access::list_tenants(app, p).await;
    let (listing, tenants) = match (listing, tenants) {
        (Ok(l), Ok(t)) => (l, t),
        (Err(e), _) | (_, Err(e)) => return refused(user, &e),
    };
    let names = tenant_names(&tenants);
    let keys = listing
        .items
        .into_iter()
        .map(|k| KeyLine {
            id: k.id.to_string(),
            tenant_name: names.get(&k.tenant_id.to_string()).cloned().unwrap_or_default(),
            last_used: format_millis(k.last_used_at, user.t),
            name: k.name,
            prefix: k.prefix,
            role_key: role_key(k.role),
            revoked: k.revoked_at.is_some(),
        })
        .collect();
    let roles = if p.is_merchant() {
        vec![(Role::Merchant.as_str(), role_key(Role::Merchant))]
    } else {
        role_options()
    };
    let shell_at = if p.is_merchant() { "/api-keys" } else { "/settings" };
    let page =
        ApiKeysPage { t: user.t, shell: Shell::new(user, shell_at), keys, tenants, roles, error, new_secret };
    render(user.t, status, &page)
}

/// GET /api-keys
pub async fn api_keys(State(app): State<App>, user: SignedIn) -> Response {
    api_keys_page(&app, &user, StatusCode::OK, None, None).await
}

#[derive(Deserialize)]
pub struct CreateKeyForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    tenant_id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
}

/// POST /api-keys: shows the new key's secret once.
pub async fn create_api_key(
    State(app): State<App>,
    user: SignedIn,
    Form(f): Form<CreateKeyForm>,
) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    let input = CreateApiKey { tenant_id: f.tenant_id.parse().ok(), name: f.name, role: f.role };
    match access::create_api_key(&app, &user.session.principal, &input).await {
        Ok(created) => api_keys_page(&app, &user, StatusCode::OK, None, Some(created.secret)).await,
        Err(e) => api_keys_page(&app, &user, status_of(&e), Some(explain(user.t, &e)), None).await,
    }
}

/// POST /api-keys/{id}/revoke
pub async fn revoke_api_key(
    State(app): State<App>,
    user: SignedIn,
    Path(id): Path<String>,
    Form(f): Form<CsrfForm>,
) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    let Ok(id) = id.parse() else {
        return refused(&user, &AppError::NotFound("API key"));
    };
    match access::revoke_api_key(&app, &user.session.principal, id).await {
        Ok(_) => Redirect::to("/api-keys").into_response(),
        Err(e) => api_keys_page(&app, &user, status_of(&e), Some(explain(user.t, &e)), None).await,
    }
}

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    t: Tr,
    shell: Shell,
    s: TenantSettings,
    locales: [&'static str; 2],
    can_edit: bool,
    error: Option<String>,
    notice: Option<String>,
}

fn settings_page(
    user: &SignedIn,
    status: StatusCode,
    s: TenantSettings,
    error: Option<String>,
    notice: Option<String>,
) -> Response {
    let can_edit = user.session.principal.role.can(tradeport_domain::access::Permission::ManageSettings);
    let page = SettingsPage {
        t: user.t,
        shell: Shell::new(user, "/settings"),
        s,
        locales: LOCALES,
        can_edit,
        error,
        notice,
    };
    render(user.t, status, &page)
}

/// GET /settings
pub async fn settings(State(app): State<App>, user: SignedIn) -> Response {
    match access::get_settings(&app, &user.session.principal).await {
        Ok(s) => settings_page(&user, StatusCode::OK, s, None, None),
        Err(e) => refused(&user, &e),
    }
}

#[derive(Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    default_locale: String,
    #[serde(default)]
    session_hours: String,
    #[serde(default)]
    login_max_failures: String,
    #[serde(default)]
    login_window_minutes: String,
    #[serde(default)]
    second_review_threshold_minor: String,
    /// `GBP=80000, USD=100000`: a threshold per currency.
    #[serde(default)]
    second_review_thresholds: String,
    #[serde(default)]
    auto_approve: String,
    #[serde(default)]
    auto_confirm: String,
    #[serde(default)]
    allocation_policy: String,
    #[serde(default)]
    shortage_policy: String,
    /// The service-level rows: `level{n}_code`, `_fee`, `_fees` (per currency), `_special`.
    #[serde(flatten)]
    levels: std::collections::BTreeMap<String, String>,
}

/// `GBP=80000, USD=100000` as a map; an unparsable amount becomes -1, which validation refuses
/// naming the currency.
fn currency_amounts(text: &str) -> std::collections::BTreeMap<String, i64> {
    let number = |v: &str| v.trim().parse::<i64>().unwrap_or(-1);
    text.split(',')
        .filter_map(|pair| pair.split_once('='))
        .map(|(c, v)| (c.trim().to_string(), number(v)))
        .collect()
}

/// The service levels of the form's rows, in order; a row without a code is dropped (so a
/// level is removed by clearing its code). `None` when the form has no rows at all.
fn service_levels(rows: &std::collections::BTreeMap<String, String>) -> Option<Vec<serde_json::Value>> {
    let field = |n: usize, name: &str| rows.get(&format!("level{n}_{name}")).map(|v| v.trim().to_string());
    field(0, "code")?;
    let levels = (0..)
        .map_while(|n| field(n, "code").map(|code| (n, code)))
        .filter(|(_, code)| !code.is_empty())
        .map(|(n, code)| {
            serde_json::json!({
                "code": code,
                "min_shipping_fee_minor": field(n, "fee").unwrap_or_default().parse::<i64>().unwrap_or(-1),
                "min_shipping_fees": currency_amounts(&field(n, "fees").unwrap_or_default()),
                "special": field(n, "special").as_deref() == Some("1"),
            })
        })
        .collect();
    Some(levels)
}

/// POST /settings
pub async fn save_settings(State(app): State<App>, user: SignedIn, Form(f): Form<SettingsForm>) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    // An unparsable number becomes -1, which validation rejects with a message naming the field.
    let number = |v: &str| v.trim().parse::<i64>().unwrap_or(-1);
    let mut patch = serde_json::json!({
        "default_locale": f.default_locale,
        "session_hours": number(&f.session_hours),
        "login_max_failures": number(&f.login_max_failures),
        "login_window_minutes": number(&f.login_window_minutes),
        "second_review_threshold_minor": number(&f.second_review_threshold_minor),
        "second_review_thresholds": currency_amounts(&f.second_review_thresholds),
        "auto_approve": f.auto_approve == "1",
        "auto_confirm": f.auto_confirm == "1",
        "allocation_policy": f.allocation_policy,
        "shortage_policy": f.shortage_policy,
    });
    if let Some(levels) = service_levels(&f.levels) {
        patch["service_levels"] = serde_json::Value::Array(levels);
    }
    match access::update_settings(&app, &user.session.principal, patch.clone()).await {
        Ok(saved) => settings_page(&user, StatusCode::OK, saved, None, Some(user.t.get("settings.saved"))),
        Err(e) => {
            // The page shows what was typed over what is saved, so fixing one field and saving
            // again changes only what was meant (never the defaults).
            let saved = access::get_settings(&app, &user.session.principal).await.unwrap_or_default();
            let mut shown = serde_json::to_value(&saved).unwrap_or_default();
            if let (Some(shown), Some(typed)) = (shown.as_object_mut(), patch.as_object()) {
                shown.extend(typed.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
            let shown: TenantSettings = serde_json::from_value(shown).unwrap_or(saved);
            settings_page(&user, status_of(&e), shown, Some(explain(user.t, &e)), None)
        }
    }
}
