//! Customer service in the portal (CS-1 … CS-4, SLA-4): the inbox with its views (mine,
//! unassigned, overdue, escalated, all; by category and channel; search), and the ticket page: the
//! conversation beside the order (its timeline and time limits, parcels, cases, requests and the
//! policy that applies, with resending tracking, opening a case and filing a request), its clocks
//! and what was asked for, with the answer form (canned
//! replies filled in the buyer's language), notes, taking, solving and sending up. Two agents on
//! one ticket see each other; keyboard shortcuts come from `/assets/service.js`.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tradeport_app::App;
use tradeport_app::aftersales::{AppliedPolicy, ClaimInput, FileRequest};
use tradeport_app::exceptions::OpenCase;
use tradeport_app::tickets::{
    self, AnswerRequest, EscalateRequest, PromiseRequest, TicketChange, TicketContext, TicketQuery,
    TicketView,
};
use tradeport_domain::kernel::Millis;
use tradeport_domain::tickets::{Category, TicketChannel};

use super::order_pages::{TimelineRow, clock_rows, money, timeline};
use super::shell::Shell;
use super::{SignedIn, Tr, explain, format_millis, refused, render, status_of};

#[derive(Template)]
#[template(path = "service.html")]
struct InboxPage {
    t: Tr,
    shell: Shell,
    tickets: Vec<TicketView>,
    view: String,
    category: String,
    channel: String,
    q: String,
    categories: [Category; 7],
    channels: [TicketChannel; 5],
    error: Option<String>,
}

impl InboxPage {
    fn when(&self, at: &Option<i64>) -> String {
        format_millis(at.map(Millis), self.t)
    }
}

/// GET /service
pub async fn inbox(State(app): State<App>, user: SignedIn, Query(q): Query<TicketQuery>) -> Response {
    let (tickets, status, error) = match tickets::list_tickets(&app, &user.session.principal, &q).await {
        Ok(list) => (list, StatusCode::OK, None),
        Err(tradeport_app::AppError::Access(e)) => return refused(&user, &e.into()),
        Err(e) => (Vec::new(), status_of(&e), Some(explain(user.t, &e))),
    };
    let value = |v: &Option<String>| v.clone().unwrap_or_default();
    let page = InboxPage {
        t: user.t,
        shell: Shell::new(&user, "/service"),
        tickets,
        view: q.view.clone().filter(|v| !v.is_empty()).unwrap_or_else(|| "all".into()),
        category: value(&q.category),
        channel: value(&q.channel),
        q: value(&q.q),
        categories: Category::ALL,
        channels: TicketChannel::ALL,
        error,
    };
    render(user.t, status, &page)
}

#[derive(Template)]
#[template(path = "ticket.html")]
struct TicketPage {
    t: Tr,
    shell: Shell,
    ticket: TicketView,
    canned: Vec<String>,
    others: Vec<String>,
    categories: [Category; 7],
    /// The order, parcels, cases, requests and policies beside the conversation (SLA-4).
    context: TicketContext,
    /// The order's latest steps, newest first: when, what, who, why.
    events: Vec<TimelineRow>,
    /// The order's time limits: step key, due, stopped, how late.
    clocks: Vec<(String, String, String, String)>,
    error: Option<String>,
}

/// How many of the order's latest steps the ticket page shows.
const TIMELINE_STEPS: usize = 8;

impl TicketPage {
    fn when(&self, at: &Option<i64>) -> String {
        format_millis(at.map(Millis), self.t)
    }

    fn at(&self, at: &i64) -> String {
        format_millis(Some(Millis(*at)), self.t)
    }

    /// A policy's window and, once delivered, the days left of it.
    fn window(&self, a: &AppliedPolicy) -> String {
        let days = a.policy.as_ref().map_or(0, |p| i64::from(p.window_days));
        let window = self.t.fill("service.window_days", "days", days);
        match a.days_left {
            Some(left) if left < 0 => format!("{window} · {}", self.t.get("service.window_passed")),
            Some(left) => format!("{window} · {}", self.t.fill("service.days_left", "days", left)),
            None => window,
        }
    }

    /// An RFC 3339 instant (a parcel's delivery) in the viewer's words and time zone.
    fn instant(&self, at: &str) -> String {
        at.parse::<jiff::Timestamp>()
            .map_or_else(|_| at.to_string(), |t| format_millis(Some(Millis(t.as_millisecond())), self.t))
    }

    /// The linked order's total, in its currency.
    fn total(&self) -> String {
        self.context
            .order
            .as_ref()
            .map_or_else(String::new, |o| money(&o.summary.currency, o.summary.total_minor))
    }
}

async fn ticket_page(
    app: &App,
    user: &SignedIn,
    id: &str,
    status: StatusCode,
    error: Option<String>,
) -> Response {
    let p = &user.session.principal;
    let ticket = match tickets::ticket_detail(app, p, id).await {
        Ok(t) => t,
        Err(e) => return refused(user, &e),
    };
    let mut canned: Vec<String> =
        tickets::list_canned(app, p).await.unwrap_or_default().into_iter().map(|c| c.name).collect();
    canned.dedup();
    // The conversation shows even when what is beside it cannot be read.
    let context = tickets::ticket_context(app, p, &ticket.id).await.unwrap_or_else(|e| {
        tracing::warn!(ticket = %ticket.id, error = %e, "the ticket's order and parcels could not be read");
        TicketContext::default()
    });
    let (mut events, clocks) = match &context.order {
        Some(o) => match timeline(app, user, o).await {
            Ok(events) => (events, clock_rows(o, user.t)),
            Err(e) => return refused(user, &e),
        },
        None => (Vec::new(), Vec::new()),
    };
    events.reverse();
    events.truncate(TIMELINE_STEPS);
    let page = TicketPage {
        t: user.t,
        shell: Shell::new(user, "/service"),
        others: tickets::viewing_ticket(app, p, &ticket.id).await.unwrap_or_default(),
        ticket,
        canned,
        categories: Category::ALL,
        context,
        events,
        clocks,
        error,
    };
    render(user.t, status, &page)
}

/// GET /service/tickets/{id}
pub async fn detail(State(app): State<App>, user: SignedIn, Path(id): Path<String>) -> Response {
    ticket_page(&app, &user, &id, StatusCode::OK, None).await
}

/// What the page shows of someone else on the ticket.
#[derive(Template)]
#[template(source = "<p class=\"warning\" id=\"collision\">{{ text }}</p>", ext = "html")]
struct Collision {
    text: String,
}

/// GET /service/tickets/{id}/viewers: who else has the ticket open (polled by the page).
pub async fn viewers(State(app): State<App>, user: SignedIn, Path(id): Path<String>) -> Response {
    match tickets::viewing_ticket(&app, &user.session.principal, &id).await {
        Ok(others) if others.is_empty() => axum::response::Html(String::new()).into_response(),
        Ok(others) => {
            let text = user.t.get("service.also_open").replace("{names}", &others.join(", "));
            render(user.t, StatusCode::OK, &Collision { text })
        }
        Err(e) => refused(&user, &e),
    }
}

#[derive(Deserialize)]
pub struct CannedQuery {
    #[serde(default)]
    canned: String,
}

/// GET /service/tickets/{id}/canned?canned=name: the answer box with the reply filled in.
pub async fn canned(
    State(app): State<App>,
    user: SignedIn,
    Path(id): Path<String>,
    Query(q): Query<CannedQuery>,
) -> Response {
    let body = match q.canned.trim() {
        "" => String::new(),
        name => match tickets::preview_canned(&app, &user.session.principal, &id, name).await {
            Ok(p) => p.body,
            Err(e) => return refused(&user, &e),
        },
    };
    render(user.t, StatusCode::OK, &ReplyBox { body })
}

/// The answer box, filled.
#[derive(Template)]
#[template(
    source = "<textarea name=\"body\" id=\"reply-body\" rows=\"6\" required>{{ body }}</textarea>",
    ext = "html"
)]
struct ReplyBox {
    body: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ActForm {
    csrf_token: String,
    /// reply, note, phone, solve, take, escalate, promise, category, resend_tracking, case,
    /// aftersales.
    action: String,
    body: String,
    reason: String,
    category: String,
    within_hours: i64,
    case_type: String,
    request_type: String,
    request_reason: String,
    sku: String,
    quantity: i64,
}

/// POST /service/tickets/{id}: an answer, a note, a phone note, taking, solving, sending up, a
/// promise or a new category.
pub async fn act(
    State(app): State<App>,
    user: SignedIn,
    Path(id): Path<String>,
    Form(f): Form<ActForm>,
) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    let p = &user.session.principal;
    let done = match f.action.as_str() {
        "solve" => tickets::solve_ticket(&app, p, &id).await,
        "take" => {
            let change = TicketChange { assignee_id: Some("me".into()), ..Default::default() };
            tickets::update_ticket(&app, p, &id, &change).await
        }
        "category" => {
            let change = TicketChange { category: Some(f.category.clone()), ..Default::default() };
            tickets::update_ticket(&app, p, &id, &change).await
        }
        "escalate" => {
            tickets::escalate_ticket(&app, p, &id, &EscalateRequest { reason: f.reason.clone() }).await
        }
        "resend_tracking" => tickets::resend_tracking(&app, p, &id).await,
        "case" => {
            let case = OpenCase {
                case_type: f.case_type.clone(),
                description: f.body.clone(),
                ..Default::default()
            };
            tickets::open_case_from_ticket(&app, p, &id, &case).await
        }
        "aftersales" => {
            let request = FileRequest {
                request_type: f.request_type.clone(),
                reason: f.request_reason.clone(),
                description: f.body.clone(),
                lines: vec![ClaimInput { sku: f.sku.clone(), quantity: f.quantity }],
                ..Default::default()
            };
            tickets::file_from_ticket(&app, p, &id, &request).await
        }
        "promise" => {
            let promise = PromiseRequest { within_hours: f.within_hours, note: f.reason.clone() };
            tickets::promise_answer(&app, p, &id, &promise).await
        }
        kind => {
            let answer = AnswerRequest { kind: kind.into(), body: f.body.clone(), ..Default::default() };
            tickets::answer_ticket(&app, p, &id, &answer).await
        }
    };
    match done {
        Ok(t) => Redirect::to(&format!("/service/tickets/{}", t.id)).into_response(),
        Err(e) => ticket_page(&app, &user, &id, status_of(&e), Some(explain(user.t, &e))).await,
    }
}
