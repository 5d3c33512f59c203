//! The Shipping page's forms for exception rules (SHP-6): save a lane rule, remove one, check the
//! parcels now; and the manifest CSV of a hand-over for the signed-in user.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tradeport_app::App;
use tradeport_app::exceptions;
use tradeport_domain::exceptions::LaneRuleInput;

use super::shipping_pages::page;
use super::{SignedIn, explain, refused, status_of};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RuleForm {
    csrf_token: String,
    origin: String,
    destination: String,
    service: String,
    kind: String,
    threshold: String,
    department: String,
}

/// POST /shipping/lane-rules
pub async fn save_rule(State(app): State<App>, user: SignedIn, Form(f): Form<RuleForm>) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    let threshold = f.threshold.trim();
    let Ok(threshold) = (if threshold.is_empty() { Ok(0) } else { threshold.parse::<i64>() }) else {
        let why = user.t.get("shipping.threshold_number");
        return page(&app, &user, StatusCode::UNPROCESSABLE_ENTITY, None, Some(why), None).await;
    };
    let input = LaneRuleInput {
        origin: f.origin,
        destination: f.destination,
        service: f.service,
        kind: f.kind,
        threshold,
        department: f.department,
    };
    match exceptions::save_lane_rule(&app, &user.session.principal, &input).await {
        Ok(r) => page(&app, &user, StatusCode::OK, None, None, Some(r.summary)).await,
        Err(e) => page(&app, &user, status_of(&e), None, Some(explain(user.t, &e)), None).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CsrfOnly {
    csrf_token: String,
}

/// POST /shipping/lane-rules/{id}/delete
pub async fn delete_rule(
    State(app): State<App>,
    user: SignedIn,
    Path(id): Path<String>,
    Form(f): Form<CsrfOnly>,
) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    match exceptions::delete_lane_rule(&app, &user.session.principal, &id).await {
        Ok(()) => page(&app, &user, StatusCode::OK, None, None, None).await,
        Err(e) => page(&app, &user, status_of(&e), None, Some(explain(user.t, &e)), None).await,
    }
}

/// POST /shipping/sweep: the time-based rules applied now.
pub async fn sweep(State(app): State<App>, user: SignedIn, Form(f): Form<CsrfOnly>) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    match exceptions::sweep_now(&app, &user.session.principal).await {
        Ok(done) => {
            let said = user.t.fill("shipping.swept", "opened", done.opened as i64);
            page(&app, &user, StatusCode::OK, None, None, Some(said)).await
        }
        Err(e) => page(&app, &user, status_of(&e), None, Some(explain(user.t, &e)), None).await,
    }
}

/// GET /shipping/handovers/{id}/manifest.csv
pub async fn manifest(State(app): State<App>, user: SignedIn, Path(id): Path<String>) -> Response {
    match tradeport_app::shipping::manifest_csv(&app, &user.session.principal, &id).await {
        Ok(csv) => {
            let disposition = format!("attachment; filename=\"manifest-{}.csv\"", id.replace('"', ""));
            (
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                    (header::CONTENT_DISPOSITION, disposition),
                ],
                csv,
            )
                .into_response()
        }
        Err(e) => refused(&user, &e),
    }
}
