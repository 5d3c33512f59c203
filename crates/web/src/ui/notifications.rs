//! The notifications page (SLA-3): the buyer messages in every language with the operator's own
//! wording and a preview, the job queue with retry and cancel, and the webhook delivery log with
//! replay.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use tradeport_app::notifications::{self, BUYER_LANGUAGES, PreviewView, TemplateView, WordingInput};
use tradeport_app::{App, AppError, PageRequest, jobs};
use tradeport_domain::access::Permission;
use tradeport_domain::jobs::JobState;
use tradeport_domain::kernel::Millis;
use tradeport_domain::notifications::BuyerMessage;

use super::shell::Shell;
use super::{SignedIn, Tr, explain, format_millis, render, status_of};

/// One buyer message as the grid lists it: per language, whether the operator wrote its own.
struct MessageRow {
    name: &'static str,
    name_key: String,
    sent_today: bool,
    cells: Vec<(&'static str, bool)>,
}

struct JobLine {
    id: String,
    kind: String,
    to: String,
    attempts: String,
    run_at: String,
    last_error: String,
    can_retry: bool,
    can_cancel: bool,
}

struct DeliveryLine {
    outbox_id: String,
    when: String,
    topic: String,
    attempt: i64,
    answer: String,
    duration_ms: i64,
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    t: Tr,
    shell: Shell,
    languages: [&'static str; 6],
    messages: Vec<MessageRow>,
    can_jobs: bool,
    job_states: Vec<(&'static str, String)>,
    job_state: String,
    jobs: Vec<JobLine>,
    can_webhooks: bool,
    endpoints: Vec<notifications::EndpointView>,
    /// The endpoint whose log is shown: id and URL.
    endpoint: Option<(String, String)>,
    deliveries: Vec<DeliveryLine>,
    error: Option<String>,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PageQuery {
    state: String,
    endpoint: String,
}

async fn page(
    app: &App,
    user: &SignedIn,
    q: &PageQuery,
    status: StatusCode,
    outcome: Result<String, String>,
) -> Response {
    let p = &user.session.principal;
    let t = user.t;
    let can_messages = p.role.can(Permission::ViewSettings);
    let can_jobs = p.role.can(Permission::ManageSettings);
    let can_webhooks = p.role.can(Permission::ManageApiKeys);
    if !can_messages
        && !can_webhooks
        && let Err(e) = p.require(Permission::ViewSettings)
    {
        return super::refused(user, &e.into());
    }
    let templates = if can_messages {
        notifications::list_templates(app, p).await.unwrap_or_default()
    } else {
        Vec::new()
    };
    let messages = BuyerMessage::ALL
        .iter()
        .filter(|_| can_messages)
        .map(|m| MessageRow {
            name: m.as_str(),
            name_key: format!("notify.m.{}", m.as_str()),
            sent_today: m.is_sent(),
            cells: BUYER_LANGUAGES
                .iter()
                .map(|l| {
                    (
                        *l,
                        templates.iter().any(|v| v.message == m.as_str() && v.language == *l && v.customised),
                    )
                })
                .collect(),
        })
        .collect();
    let job_state = JobState::parse(&q.state).map_or("dead", |s| s.as_str()).to_string();
    let jobs = if can_jobs {
        let first = PageRequest { limit: Some(50), cursor: None };
        jobs::list_jobs(app, p, &job_state, &first).await.map(|page| page.items).unwrap_or_default()
    } else {
        Vec::new()
    };
    let endpoints = if can_webhooks {
        notifications::list_endpoints(app, p).await.unwrap_or_default()
    } else {
        Vec::new()
    };
    let endpoint = endpoints.iter().find(|e| e.id == q.endpoint).map(|e| (e.id.clone(), e.url.clone()));
    let deliveries = match &endpoint {
        Some((id, _)) => notifications::list_deliveries(app, p, id).await.unwrap_or_default(),
        None => Vec::new(),
    };
    let (error, notice) = match outcome {
        Ok(n) if n.is_empty() => (None, None),
        Ok(n) => (None, Some(n)),
        Err(e) => (Some(e), None),
    };
    let when = |m: i64| format_millis(Some(Millis(m)), t);
    let page = NotificationsPage {
        t,
        shell: Shell::new(user, "/notifications"),
        languages: BUYER_LANGUAGES,
        messages,
        can_jobs,
        job_states: JobState::ALL
            .iter()
            .map(|s| (s.as_str(), format!("notify.state.{}", s.as_str())))
            .collect(),
        jobs: jobs
            .iter()
            .map(|j| {
                let state = JobState::parse(&j.state);
                JobLine {
                    id: j.id.clone(),
                    kind: j.kind.clone(),
                    to: [j.payload["topic"].as_str(), j.payload["to"].as_str()]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(" → "),
                    attempts: format!("{}/{}", j.attempts, j.max_attempts),
                    run_at: when(j.run_at),
                    last_error: j.last_error.clone().unwrap_or_default(),
                    can_retry: state.is_some_and(|s| s.can_retry()),
                    can_cancel: state.is_some_and(|s| s.can_cancel()),
                }
            })
            .collect(),
        job_state,
        can_webhooks,
        endpoints,
        endpoint,
        deliveries: deliveries
            .into_iter()
            .map(|d| DeliveryLine {
                when: when(d.at),
                topic: d.topic,
                attempt: d.attempt,
                answer: match (d.status_code, d.error) {
                    (Some(code), _) => code.to_string(),
                    (None, Some(e)) => e,
                    (None, None) => String::new(),
                },
                duration_ms: d.duration_ms,
                outbox_id: d.outbox_id,
            })
            .collect(),
        error,
        notice,
    };
    render(t, status, &page)
}

/// GET /notifications
pub async fn show(State(app): State<App>, user: SignedIn, Query(q): Query<PageQuery>) -> Response {
    page(&app, &user, &q, StatusCode::OK, Ok(String::new())).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ActionForm {
    csrf_token: String,
    outbox_id: String,
}

/// The page after an action: its notice, or the refusal with its status.
async fn after(app: &App, user: &SignedIn, done: Result<String, AppError>) -> Response {
    let q = PageQuery::default();
    match done {
        Ok(notice) => page(app, user, &q, StatusCode::OK, Ok(notice)).await,
        Err(e) => page(app, user, &q, status_of(&e), Err(explain(user.t, &e))).await,
    }
}

/// POST /notifications/jobs/{id}/{retry|cancel}
pub async fn act_on_job(
    State(app): State<App>,
    user: SignedIn,
    Path((id, action)): Path<(String, String)>,
    Form(f): Form<ActionForm>,
) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    let p = &user.session.principal;
    let done = match action.as_str() {
        "retry" => jobs::retry_job(&app, p, &id).await.map(|_| user.t.get("notify.retried")),
        "cancel" => jobs::cancel_job(&app, p, &id).await.map(|_| user.t.get("notify.cancelled")),
        _ => Err(AppError::NotFound("job action")),
    };
    after(&app, &user, done).await
}

/// POST /notifications/webhooks/{id}/replay
pub async fn replay(
    State(app): State<App>,
    user: SignedIn,
    Path(id): Path<String>,
    Form(f): Form<ActionForm>,
) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    let done = notifications::replay_delivery(&app, &user.session.principal, &id, &f.outbox_id)
        .await
        .map(|_| user.t.get("notify.replayed"));
    after(&app, &user, done).await
}

#[derive(Template)]
#[template(path = "message_edit.html")]
struct MessageEditPage {
    t: Tr,
    shell: Shell,
    name_key: String,
    language: &'static str,
    view: TemplateView,
    /// What the form shows: the wording in use, or what was typed.
    wording: WordingInput,
    preview: Option<PreviewView>,
    can_manage: bool,
    error: Option<String>,
    notice: Option<String>,
}

struct Outcome {
    typed: Option<WordingInput>,
    preview: Option<PreviewView>,
    error: Option<String>,
    notice: Option<String>,
}

async fn editor(
    app: &App,
    user: &SignedIn,
    message: &str,
    language: &str,
    status: StatusCode,
    o: Outcome,
) -> Response {
    let p = &user.session.principal;
    let view = match notifications::get_template(app, p, message, language).await {
        Ok(v) => v,
        Err(e) => return super::refused(user, &e),
    };
    let page = MessageEditPage {
        t: user.t,
        shell: Shell::new(user, "/notifications"),
        name_key: format!("notify.m.{}", view.message),
        language: view.language,
        wording: o.typed.unwrap_or_else(|| view.wording.clone()),
        view,
        preview: o.preview,
        can_manage: p.role.can(Permission::ManageSettings),
        error: o.error,
        notice: o.notice,
    };
    render(user.t, status, &page)
}

/// GET /notifications/messages/{message}/{language}
pub async fn edit(
    State(app): State<App>,
    user: SignedIn,
    Path((message, language)): Path<(String, String)>,
) -> Response {
    let o = Outcome { typed: None, preview: None, error: None, notice: None };
    editor(&app, &user, &message, &language, StatusCode::OK, o).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct WordingForm {
    csrf_token: String,
    intent: String,
    subject: String,
    body: String,
    sms: String,
}

/// POST /notifications/messages/{message}/{language}: preview what was typed, or keep it (and
/// show its preview).
pub async fn save(
    State(app): State<App>,
    user: SignedIn,
    Path((message, language)): Path<(String, String)>,
    Form(f): Form<WordingForm>,
) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    let p = &user.session.principal;
    let typed = WordingInput { subject: f.subject, body: f.body, sms: f.sms };
    let outcome = async {
        let notice = match f.intent.as_str() {
            "save" => {
                notifications::save_template(&app, p, &message, &language, &typed).await?;
                Some(user.t.get("notify.saved"))
            }
            _ => None,
        };
        let preview = notifications::preview_template(&app, p, &message, &language, Some(&typed)).await?;
        Ok::<_, AppError>((notice, preview))
    }
    .await;
    let (status, o) = match outcome {
        Ok((notice, preview)) => {
            (StatusCode::OK, Outcome { typed: Some(typed), preview: Some(preview), error: None, notice })
        }
        Err(e) => (
            status_of(&e),
            Outcome { typed: Some(typed), preview: None, error: Some(explain(user.t, &e)), notice: None },
        ),
    };
    editor(&app, &user, &message, &language, status, o).await
}

/// POST /notifications/messages/{message}/{language}/reset
pub async fn reset(
    State(app): State<App>,
    user: SignedIn,
    Path((message, language)): Path<(String, String)>,
    Form(f): Form<ActionForm>,
) -> Response {
    if let Some(refused) = user.refuse_bad_csrf(&f.csrf_token) {
        return refused;
    }
    let (status, o) =
        match notifications::reset_template(&app, &user.session.principal, &message, &language).await {
            Ok(_) => (
                StatusCode::OK,
                Outcome {
                    typed: None,
                    preview: None,
                    error: None,
                    notice: Some(user.t.get("notify.reset_done")),
                },
            ),
            Err(e) => (
                status_of(&e),
                Outcome { typed: None, preview: None, error: Some(explain(user.t, &e)), notice: None },
            ),
        };
    editor(&app, &user, &message, &language, status, o).await
}
