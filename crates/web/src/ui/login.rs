//! Sign-in, sign-out and the language switch.

use askama::Template;
use axum::Extension;
use axum::Form;
use axum::extract::{Query, State};

use crate::security::ClientContext;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tradeport_app::access::new_form_token;
use tradeport_app::{App, AppError};
use tradeport_domain::access::AccessError;

use super::{Tr, cookies, message_page, render, request_language};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    t: Tr,
    csrf_token: String,
    next: String,
    email: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// Only local paths, so the sign-in page cannot send anyone to another site.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".to_string(),
    }
}

fn login_page(
    ctx: &ClientContext,
    headers: &HeaderMap,
    status: StatusCode,
    next: String,
    email: String,
    error: Option<String>,
) -> Response {
    let t = request_language(headers);
    let csrf_token = cookies::get(headers, cookies::LOGIN_CSRF)
        .filter(|c| c.len() == 48)
        .map_or_else(new_form_token, str::to_string);
    let mut response =
        render(t, status, &LoginPage { t, csrf_token: csrf_token.clone(), next, email, error });
    response
        .headers_mut()
        .append(header::SET_COOKIE, cookies::set(ctx, cookies::LOGIN_CSRF, &csrf_token, 3600));
    response
}

/// GET /login
pub async fn form(
    Extension(ctx): Extension<ClientContext>,
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> Response {
    login_page(&ctx, &headers, StatusCode::OK, safe_next(q.next.as_deref()), String::new(), None)
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    next: String,
}

/// POST /login
pub async fn submit(
    State(app): State<App>,
    Extension(ctx): Extension<ClientContext>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let t = request_language(&headers);
    let cookie_token = cookies::get(&headers, cookies::LOGIN_CSRF).unwrap_or("");
    if !cookies::tokens_match(cookie_token, &form.csrf_token) {
        return message_page(t, StatusCode::FORBIDDEN, "error.forbidden_title", &t.get("login.csrf"));
    }
    let next = safe_next(Some(&form.next));
    match tradeport_app::access::sign_in(&app, &form.email, &form.password, &ctx.ip).await {
        Ok(signed_in) => {
            let mut response = Redirect::to(&next).into_response();
            let cookie =
                cookies::set(&ctx, cookies::SESSION, &signed_in.session_token, signed_in.max_age_secs);
            response.headers_mut().append(header::SET_COOKIE, cookie);
            response
        }
        Err(AppError::Access(AccessError::Throttled { retry_after_minutes })) => {
            let message = t.fill("login.throttled", "minutes", retry_after_minutes);
            login_page(&ctx, &headers, StatusCode::TOO_MANY_REQUESTS, next, form.email, Some(message))
        }
        Err(AppError::Access(AccessError::BadCredentials)) => {
            let message = t.get("login.bad_credentials");
            login_page(&ctx, &headers, StatusCode::UNAUTHORIZED, next, form.email, Some(message))
        }
        Err(e) => crate::error::ApiError::from(e).into_response(),
    }
}

#[derive(Deserialize)]
pub struct LogoutForm {
    #[serde(default)]
    csrf_token: String,
}

/// POST /logout
pub async fn logout(
    State(app): State<App>,
    Extension(ctx): Extension<ClientContext>,
    user: super::SignedIn,
    headers: HeaderMap,
    Form(form): Form<LogoutForm>,
) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&form.csrf_token) {
        return refused;
    }
    if let Some(token) = cookies::get(&headers, cookies::SESSION)
        && let Err(e) = tradeport_app::access::sign_out(&app, token).await
    {
        return crate::error::ApiError::from(e).into_response();
    }
    let mut response = Redirect::to("/login").into_response();
    response.headers_mut().append(header::SET_COOKIE, cookies::set(&ctx, cookies::SESSION, "", 0));
    response
}

#[derive(Deserialize)]
pub struct LangQuery {
    to: Option<String>,
}

/// GET /lang?to=zh-CN: remembers the language for a year and goes back.
pub async fn switch_language(
    Extension(ctx): Extension<ClientContext>,
    headers: HeaderMap,
    Query(q): Query<LangQuery>,
) -> Response {
    let t = Tr::for_locale(q.to.as_deref().unwrap_or("en"));
    let back = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.find("://").and_then(|i| r[i + 3..].find('/').map(|j| &r[i + 3 + j..])))
        .map_or_else(|| "/".to_string(), |p| safe_next(Some(p)));
    let mut response = Redirect::to(&back).into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, cookies::set(&ctx, cookies::LANG, t.locale, 365 * 24 * 3600));
    response
}
