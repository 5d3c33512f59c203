//! The retention page (DONE-3), admins only: deletion proposals to review (what goes, the orders,
//! approve or reject), legal holds to place and release, and a buyer's request to export or erase
//! what is held about them.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tradeport_app::App;
use tradeport_app::retention::{
    self, BuyerRequest, Decision, ErasureReport, LegalHoldView, ProposalStatus, ProposalView,
};

use super::shell::Shell;
use super::{SignedIn, Tr, explain, refused, render, status_of};

#[derive(Template)]
#[template(path = "retention.html")]
struct RetentionPage {
    t: Tr,
    shell: Shell,
    /// The open proposal with its orders, if one waits.
    open: Option<ProposalView>,
    proposals: Vec<ProposalView>,
    holds: Vec<LegalHoldView>,
    erasure: Option<ErasureReport>,
    notice: Option<String>,
    error: Option<String>,
}

impl RetentionPage {
    fn status_key(&self, s: &ProposalStatus) -> String {
        format!("retention.status_{}", s.as_str())
    }
}

async fn page(
    app: &App,
    user: &SignedIn,
    status: StatusCode,
    erasure: Option<ErasureReport>,
    notice: Option<String>,
    error: Option<String>,
) -> Response {
    let principal = &user.session.principal;
    let proposals = match retention::deletion_proposals(app, principal).await {
        Ok(p) => p,
        Err(e) => return refused(user, &e),
    };
    let open_id = proposals
        .iter()
        .find(|p| matches!(p.status, ProposalStatus::Proposed | ProposalStatus::Approved))
        .map(|p| p.id.clone());
    let open = match open_id {
        Some(id) => retention::deletion_proposal(app, principal, &id).await.ok(),
        None => None,
    };
    let page = RetentionPage {
        t: user.t,
        shell: Shell::new(user, "/retention"),
        open,
        proposals,
        holds: retention::legal_holds(app, principal).await.unwrap_or_default(),
        erasure,
        notice,
        error,
    };
    render(user.t, status, &page)
}

/// GET /retention
pub async fn show(State(app): State<App>, user: SignedIn) -> Response {
    page(&app, &user, StatusCode::OK, None, None, None).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CsrfForm {
    csrf_token: String,
}

/// POST /retention/propose
pub async fn propose(State(app): State<App>, user: SignedIn, Form(f): Form<CsrfForm>) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    match retention::propose_deletion(&app, &user.session.principal).await {
        Ok(Some(_)) => Redirect::to("/retention#open-proposal").into_response(),
        Ok(None) => {
            let notice = user.t.get("retention.nothing_due");
            page(&app, &user, StatusCode::OK, None, Some(notice), None).await
        }
        Err(e) => page(&app, &user, status_of(&e), None, None, Some(explain(user.t, &e))).await,
    }
}

/// POST /retention/proposals/{id}/{approve|reject}
pub async fn decide(
    State(app): State<App>,
    user: SignedIn,
    Path((id, action)): Path<(String, String)>,
    Form(f): Form<CsrfForm>,
) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    let decision = match action.as_str() {
        "approve" => Decision::Approve,
        "reject" => Decision::Reject,
        _ => return super::message_page(user.t, StatusCode::NOT_FOUND, "error.not_found_title", &action),
    };
    match retention::decide_deletion(&app, &user.session.principal, &id, decision).await {
        Ok(_) => Redirect::to("/retention#proposals").into_response(),
        Err(e) => page(&app, &user, status_of(&e), None, None, Some(explain(user.t, &e))).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct HoldForm {
    csrf_token: String,
    order: String,
    reason: String,
}

/// POST /retention/holds
pub async fn place_hold(State(app): State<App>, user: SignedIn, Form(f): Form<HoldForm>) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    match retention::place_legal_hold(&app, &user.session.principal, &f.order, &f.reason).await {
        Ok(_) => Redirect::to("/retention#holds").into_response(),
        Err(e) => page(&app, &user, status_of(&e), None, None, Some(explain(user.t, &e))).await,
    }
}

/// POST /retention/holds/{order}/release
pub async fn release_hold(
    State(app): State<App>,
    user: SignedIn,
    Path(order): Path<String>,
    Form(f): Form<CsrfForm>,
) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    match retention::release_legal_hold(&app, &user.session.principal, &order).await {
        Ok(()) => Redirect::to("/retention#holds").into_response(),
        Err(e) => page(&app, &user, status_of(&e), None, None, Some(explain(user.t, &e))).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct BuyerForm {
    csrf_token: String,
    email: String,
    phone: String,
    country: String,
    /// `export` or `erase`.
    action: String,
}

/// POST /retention/buyer: a buyer's request, exported as a file or erased.
pub async fn buyer_request(State(app): State<App>, user: SignedIn, Form(f): Form<BuyerForm>) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    let request = BuyerRequest { email: f.email, phone: f.phone, country: f.country };
    let principal = &user.session.principal;
    if f.action == "erase" {
        return match retention::erase_personal_data(&app, principal, &request).await {
            Ok(report) => page(&app, &user, StatusCode::OK, Some(report), None, None).await,
            Err(e) => page(&app, &user, status_of(&e), None, None, Some(explain(user.t, &e))).await,
        };
    }
    match retention::export_personal_data(&app, principal, &request).await {
        Ok(file) => match serde_json::to_vec_pretty(&file) {
            Ok(json) => (
                [
                    (header::CONTENT_TYPE, "application/json"),
                    (header::CONTENT_DISPOSITION, "attachment; filename=\"personal-data.json\""),
                ],
                json,
            )
                .into_response(),
            Err(e) => {
                let e = tradeport_app::AppError::Internal(e.to_string());
                page(&app, &user, status_of(&e), None, None, Some(explain(user.t, &e))).await
            }
        },
        Err(e) => page(&app, &user, status_of(&e), None, None, Some(explain(user.t, &e))).await,
    }
}
