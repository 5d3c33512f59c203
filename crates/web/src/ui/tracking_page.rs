//! The buyer's tracking page (SLA-4): public, no account. `/track/{token}` shows one order's
//! parcels and their events in the buyer's language (English or Chinese, `?lang=` to switch);
//! `/track/{token}/json` is the same for a merchant's own site; `/track` finds the page by order
//! number and the buyer's e-mail or postcode. A changed or guessed token is simply not found.

use askama::Template;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tradeport_app::App;
use tradeport_app::shipping::{self, PublicTracking};

use super::{Tr, render};

#[derive(Template)]
#[template(path = "track.html")]
struct TrackPage {
    t: Tr,
    tracking: Option<PublicTracking>,
    /// The token, for the language switch.
    token: String,
    not_found: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TrackQuery {
    lang: String,
    order: String,
    contact: String,
}

/// The page's language: the one asked for, else the buyer's (Chinese for `zh…`), else English.
fn language(asked: &str, buyer: &str) -> Tr {
    let pick = if asked.is_empty() { buyer } else { asked };
    Tr::for_locale(if pick.to_ascii_lowercase().starts_with("zh") { "zh-CN" } else { "en" })
}

/// GET /track: the look-up form, or the page found by number and e-mail or postcode.
pub async fn find(State(app): State<App>, Query(q): Query<TrackQuery>) -> Response {
    let t = language(&q.lang, "");
    if q.order.trim().is_empty() {
        return render(
            t,
            StatusCode::OK,
            &TrackPage { t, tracking: None, token: String::new(), not_found: false },
        );
    }
    match shipping::find_tracking(&app, &q.order, &q.contact).await {
        Ok(token) => Redirect::to(&format!("/track/{token}")).into_response(),
        Err(_) => render(
            t,
            StatusCode::NOT_FOUND,
            &TrackPage { t, tracking: None, token: String::new(), not_found: true },
        ),
    }
}

/// GET /track/{token}
pub async fn show(
    State(app): State<App>,
    Path(token): Path<String>,
    Query(q): Query<TrackQuery>,
) -> Response {
    match shipping::public_tracking(&app, &token).await {
        Ok(tracking) => {
            let t = language(&q.lang, &tracking.language);
            render(t, StatusCode::OK, &TrackPage { t, tracking: Some(tracking), token, not_found: false })
        }
        Err(_) => {
            let t = language(&q.lang, "");
            render(
                t,
                StatusCode::NOT_FOUND,
                &TrackPage { t, tracking: None, token: String::new(), not_found: true },
            )
        }
    }
}

/// GET /track/{token}/json
pub async fn json(State(app): State<App>, Path(token): Path<String>) -> Response {
    match shipping::public_tracking(&app, &token).await {
        Ok(tracking) => Json(tracking).into_response(),
        Err(_) => (
            StatusCode::NOT_FOUND,
            Json(serde_json::json!({"error": {"code": "not_found", "message": "no such tracking page"}})),
        )
            .into_response(),
    }
}
