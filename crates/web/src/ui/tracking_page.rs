//! The buyer's tracking page (SLA-4): public, no account. `/track/{token}` shows one order's
//! parcels and their events in the buyer's language (English or Chinese, `?lang=` to switch);
//! `/track/{token}/json` is the same for a merchant's own site; `/track` finds the page by order
//! number and the buyer's e-mail or postcode. A changed or guessed token is simply not found.
//! The page also publishes the shop's return policies for the buyer's market and takes the
//! buyer's after-sales request (AFS-6, AFS-7): the link is the buyer's key, no account.

use askama::Template;
use axum::Form;
use axum::Json;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tradeport_app::App;
use tradeport_app::aftersales::{self, BuyerAftersales, ClaimInput, FileRequest};
use tradeport_app::shipping::{self, PublicTracking};
use tradeport_app::tickets::{self, BuyerMessageForm, TicketView};

use super::{Tr, render};

#[derive(Template)]
#[template(path = "track.html")]
struct TrackPage {
    t: Tr,
    tracking: Option<PublicTracking>,
    /// The token, for the language switch.
    token: String,
    not_found: bool,
    aftersales: Option<BuyerAftersales>,
    /// The request just filed (its RMA number), or why it was refused.
    filed: Option<String>,
    error: Option<String>,
    /// The buyer's conversation about the order (CS-1), and whether a message was just sent.
    tickets: Vec<TicketView>,
    sent: bool,
    /// A fresh key for the message form: sent twice, the same message.
    submission_key: String,
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
        return render(t, StatusCode::OK, &TrackPage { not_found: false, ..TrackPage::empty(t) });
    }
    match shipping::find_tracking(&app, &q.order, &q.contact).await {
        Ok(token) => Redirect::to(&format!("/track/{token}")).into_response(),
        Err(_) => render(t, StatusCode::NOT_FOUND, &TrackPage { not_found: true, ..TrackPage::empty(t) }),
    }
}

impl TrackPage {
    /// What a buyer may ask for on the page.
    fn request_types(&self) -> [&'static str; 4] {
        ["return_and_refund", "refund_only", "exchange", "repair"]
    }

    fn reasons(&self) -> [&'static str; 6] {
        ["quality", "logistics", "wrong_or_missing", "size_or_colour", "not_as_described", "changed_mind"]
    }

    fn empty(t: Tr) -> Self {
        Self {
            t,
            tracking: None,
            token: String::new(),
            not_found: false,
            aftersales: None,
            filed: None,
            error: None,
            tickets: Vec::new(),
            sent: false,
            submission_key: uuid::Uuid::new_v4().simple().to_string(),
        }
    }

    fn when(&self, at: &i64) -> String {
        super::format_millis(Some(tradeport_domain::kernel::Millis(*at)), self.t)
    }
}

/// The page of a token, with the request just filed (its RMA number) or why it was refused.
async fn page(app: &App, token: String, lang: &str, outcome: (Option<String>, Option<String>)) -> Response {
    let found = match shipping::public_tracking(app, &token).await {
        Ok(tracking) => aftersales::buyer_aftersales(app, &token).await.map(|a| (tracking, a)),
        Err(e) => Err(e),
    };
    match found {
        Ok((tracking, aftersales)) => {
            let t = language(lang, &tracking.language);
            let status = if outcome.1.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
            let (filed, error) = outcome;
            let sent = filed.as_deref() == Some(MESSAGE_SENT);
            let page = TrackPage {
                tracking: Some(tracking),
                tickets: tickets::buyer_tickets(app, &token).await.unwrap_or_default(),
                token,
                aftersales: Some(aftersales),
                filed: filed.filter(|_| !sent),
                error,
                sent,
                ..TrackPage::empty(t)
            };
            render(t, status, &page)
        }
        Err(_) => {
            let t = language(lang, "");
            render(t, StatusCode::NOT_FOUND, &TrackPage { not_found: true, ..TrackPage::empty(t) })
        }
    }
}

/// GET /track/{token}
pub async fn show(
    State(app): State<App>,
    Path(token): Path<String>,
    Query(q): Query<TrackQuery>,
) -> Response {
    page(&app, token, &q.lang, (None, None)).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RequestForm {
    lang: String,
    request_type: String,
    reason: String,
    sku: String,
    quantity: String,
    description: String,
}

/// POST /track/{token}/request: the buyer's after-sales request.
pub async fn request(
    State(app): State<App>,
    Path(token): Path<String>,
    Form(f): Form<RequestForm>,
) -> Response {
    let Ok(quantity) = f.quantity.trim().parse::<i64>() else {
        return page(&app, token, &f.lang, (None, Some("quantity: write how many, e.g. 1".into()))).await;
    };
    let input = FileRequest {
        request_type: f.request_type,
        reason: f.reason,
        description: f.description,
        lines: vec![ClaimInput { sku: f.sku, quantity }],
        ..FileRequest::default()
    };
    let outcome = match aftersales::file_from_tracking(&app, &token, &input).await {
        Ok(filed) => (Some(filed.rma_no), None),
        Err(e) => (None, Some(super::explain(language(&f.lang, ""), &e))),
    };
    page(&app, token, &f.lang, outcome).await
}

/// The outcome that says the buyer's message was taken (not an RMA number).
const MESSAGE_SENT: &str = "message-sent";

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MessageForm {
    lang: String,
    message: String,
    submission_key: String,
}

/// POST /track/{token}/message: the buyer writes to customer service about the order (CS-1).
pub async fn message(
    State(app): State<App>,
    Path(token): Path<String>,
    Form(f): Form<MessageForm>,
) -> Response {
    let form = BuyerMessageForm { message: f.message, submission_key: f.submission_key };
    let outcome = match tickets::submit_from_tracking(&app, &token, &form).await {
        Ok(_) => (Some(MESSAGE_SENT.to_string()), None),
        Err(e) => (None, Some(super::explain(language(&f.lang, ""), &e))),
    };
    page(&app, token, &f.lang, outcome).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OfferForm {
    lang: String,
    choice: String,
}

/// POST /track/{token}/offer: the buyer's answer when the order cannot be fulfilled.
pub async fn offer(State(app): State<App>, Path(token): Path<String>, Form(f): Form<OfferForm>) -> Response {
    let outcome = match tradeport_app::exceptions::answer_offer(&app, &token, &f.choice).await {
        Ok(_) => (None, None),
        Err(e) => (None, Some(super::explain(language(&f.lang, ""), &e))),
    };
    page(&app, token, &f.lang, outcome).await
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

/// POST /track/{token}/evidence: the buyer's photo with one of their requests (multipart: `lang`,
/// `rma_no`, `photo`).
pub async fn evidence(State(app): State<App>, Path(token): Path<String>, mut parts: Multipart) -> Response {
    let (mut lang, mut rma_no, mut file_name, mut bytes) =
        (String::new(), String::new(), String::new(), Vec::new());
    loop {
        let field = match parts.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return page(&app, token, &lang, (None, Some(e.body_text()))).await,
        };
        let name = field.name().unwrap_or_default().to_string();
        if name == "photo" {
            file_name = field.file_name().unwrap_or_default().to_string();
            match field.bytes().await {
                Ok(b) => bytes = b.to_vec(),
                Err(e) => return page(&app, token, &lang, (None, Some(e.body_text()))).await,
            }
        } else {
            let value = field.text().await.unwrap_or_default();
            match name.as_str() {
                "lang" => lang = value,
                "rma_no" => rma_no = value,
                _ => {}
            }
        }
    }
    let outcome =
        match aftersales::add_evidence_from_tracking(&app, &token, &rma_no, &file_name, &bytes).await {
            Ok(()) => (Some(rma_no), None),
            Err(e) => (None, Some(super::explain(language(&lang, ""), &e))),
        };
    page(&app, token, &lang, outcome).await
}
