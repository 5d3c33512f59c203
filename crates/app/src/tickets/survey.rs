//! Satisfaction (CS-6, SYS-5). When a ticket is solved the buyer is asked, in their language and
//! through the ticket's channel, to score the help from 1 to 5 with a link per score made for that
//! ticket (kept only as its SHA-256, and sent without being kept on the ticket, so no agent can
//! answer for the buyer); when an order completes, its buyer is asked the same of the order, once,
//! by the buyer messages (e-mail, text message). The link's page takes one answer, a score and a
//! comment. The answer is kept with the agent who answered and the ticket's category (an order's:
//! `order`), for the figures; a score of 2 or less is followed up: the ticket opens again, high
//! priority, with the reason, and an order gets a new high-priority ticket with the buyer's words.

use std::collections::BTreeMap;

use serde::Serialize;
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::kernel::{OrderId, TenantId};
use tradeport_domain::notifications::BuyerMessage;
use tradeport_domain::tickets::{Priority, TicketAction, TicketChannel, transition};
use tradeport_store::AnyConnection;
use tradeport_store::orders::OrderRow;
use tradeport_store::surveys::{self, SurveyRow};
use tradeport_store::tickets::{self, MessageRow, TicketRow};

use super::inbound::{Inbound, new_ticket, opened_on_order_in_tx};
use super::status_of;
use crate::i18n::text;
use crate::notifications::ticket_text;
use crate::warehouse::{conflict, invalid};
use crate::{App, AppError, AppResult};

/// Scores at or below this open a follow-up.
const LOW_SCORE: i64 = 2;

/// Asks the buyer of just-solved ticket `t` (once per ticket; not when they cannot be reached).
pub(crate) async fn ask_in_tx(
    app: &App,
    tx: &mut AnyConnection,
    t: &TicketRow,
    agent: &str,
) -> AppResult<()> {
    let reachable = !t.buyer_email.trim().is_empty() || t.buyer_phone.is_some();
    let operator = crate::parse_id(&t.tenant_id, "operator")?;
    let asked = tickets::messages(tx, operator, &t.id).await?.iter().any(|m| m.author == SURVEY_AUTHOR);
    if !reachable || asked {
        return Ok(());
    }
    let token = tradeport_connectors::secrets::random_token(24);
    let now = app.now().0;
    let survey = SurveyRow {
        id: app.new_uuid().to_string(),
        tenant_id: t.tenant_id.clone(),
        merchant_id: t.merchant_id.clone(),
        ticket_id: Some(t.id.clone()),
        order_id: None,
        token_sha256: tradeport_connectors::secrets::sha256_hex(&token),
        agent: t.assignee_id.clone().unwrap_or_else(|| agent.to_string()),
        category: t.category.clone(),
        sent_at: now,
        score: None,
        comment: None,
        answered_at: None,
    };
    surveys::insert_in_tx(tx, &survey).await?;
    let links = score_links(&survey_url(app, &token));
    let body = ticket_text(&t.language, "ticket-survey", &[("links", text(&links))]);
    // The ticket keeps the question without the links: they are the buyer's alone.
    let kept = ticket_text(&t.language, "ticket-survey", &[("links", text("[…]"))]);
    let message = MessageRow {
        id: app.new_uuid().to_string(),
        tenant_id: t.tenant_id.clone(),
        ticket_id: t.id.clone(),
        direction: "auto".into(),
        channel: t.channel.clone(),
        external_id: None,
        author: SURVEY_AUTHOR.into(),
        body: kept,
        created_at: now,
    };
    tickets::insert_message_once_in_tx(tx, &message).await?;
    super::reply_job::enqueue_text_in_tx(app, tx, operator, (&message.id, &body)).await
}

/// The author of survey messages on a ticket.
const SURVEY_AUTHOR: &str = "Tradeport (satisfaction survey)";

/// The category an order's survey is counted under.
const ORDER_CATEGORY: &str = "order";

/// The page a survey link opens.
pub(crate) fn survey_url(app: &App, token: &str) -> String {
    format!("{}/survey/{token}", app.public_url().trim_end_matches('/'))
}

/// One link per score, a line each: one click answers.
pub(crate) fn score_links(url: &str) -> String {
    (1..=5).map(|n| format!("{n}: {url}?score={n}")).collect::<Vec<_>>().join("\n")
}

/// Asks the buyer of just-completed order `order` how satisfied they are (once per order; not
/// when they cannot be reached), by the buyer messages in their language.
pub(crate) async fn ask_after_completion_in_tx(
    app: &App,
    tx: &mut AnyConnection,
    operator: TenantId,
    order: &OrderRow,
) -> AppResult<()> {
    let reachable = !order.buyer_email.trim().is_empty() || order.buyer_phone_e164.is_some();
    if !reachable || surveys::order_asked(tx, operator, &order.id.to_string()).await? {
        return Ok(());
    }
    let token = tradeport_connectors::secrets::random_token(24);
    let now = app.now();
    let survey = SurveyRow {
        id: app.new_uuid().to_string(),
        tenant_id: operator.to_string(),
        merchant_id: Some(order.merchant_id.to_string()),
        ticket_id: None,
        order_id: Some(order.id.to_string()),
        token_sha256: tradeport_connectors::secrets::sha256_hex(&token),
        agent: String::new(),
        category: ORDER_CATEGORY.into(),
        sent_at: now.0,
        score: None,
        comment: None,
        answered_at: None,
    };
    surveys::insert_in_tx(tx, &survey).await?;
    let mut message = crate::orders::buyer_message(
        app,
        order,
        BuyerMessage::SatisfactionSurvey,
        order.order_no.as_deref(),
        now,
    );
    let mut payload: serde_json::Value =
        serde_json::from_str(&message.payload).map_err(|e| AppError::Internal(e.to_string()))?;
    payload["survey_token"] = serde_json::Value::from(token);
    message.payload = payload.to_string();
    tradeport_store::outbox::enqueue_in_tx(tx, operator, &message).await?;
    Ok(())
}

/// What a survey asks about.
enum Subject {
    Ticket(TicketRow),
    Order(OrderRow),
}

impl Subject {
    fn language(&self) -> String {
        match self {
            Self::Ticket(t) => t.language.clone(),
            Self::Order(o) => o.buyer_language.clone(),
        }
    }
}

/// A survey as its page shows it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct SurveyView {
    /// The buyer's language.
    pub language: String,
    pub score: Option<i64>,
    pub comment: Option<String>,
}

async fn survey_of(app: &App, token: &str) -> AppResult<(SurveyRow, Subject)> {
    let token = token.trim();
    if token.len() != 48 || !token.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(AppError::NotFound("survey"));
    }
    let mut conn = app.db().read().await?;
    let s = surveys::by_token(&mut conn, &tradeport_connectors::secrets::sha256_hex(token))
        .await?
        .ok_or(AppError::NotFound("survey"))?;
    let operator = crate::parse_id(&s.tenant_id, "operator")?;
    let subject = match (&s.ticket_id, &s.order_id) {
        (Some(ticket), _) => tickets::get(&mut conn, operator, None, ticket).await?.map(Subject::Ticket),
        (None, Some(order)) => {
            let id: OrderId = crate::parse_id(order, "order")?;
            tradeport_store::orders::get(&mut conn, operator, None, id).await?.map(Subject::Order)
        }
        (None, None) => None,
    };
    Ok((s, subject.ok_or(AppError::NotFound("survey"))?))
}

/// The survey a link opens.
pub async fn survey_page(app: &App, token: &str) -> AppResult<SurveyView> {
    let (s, subject) = survey_of(app, token).await?;
    Ok(SurveyView { language: subject.language(), score: s.score, comment: s.comment })
}

/// Takes the buyer's score (1 to 5) and comment; the link takes one answer, then says so.
pub async fn answer_survey(app: &App, token: &str, score: i64, comment: &str) -> AppResult<SurveyView> {
    if !(1..=5).contains(&score) {
        return Err(invalid("score", "out_of_range", "score is 1 (poor) to 5 (excellent)"));
    }
    let comment = comment.trim();
    if comment.chars().count() > 2000 {
        return Err(invalid("comment", "too_long", "at most 2000 characters"));
    }
    let (s, subject) = survey_of(app, token).await?;
    let now = app.now().0;
    let operator = crate::parse_id(&s.tenant_id, "operator")?;
    let mut conn = app.db().read().await?;
    let calendar = crate::sla::load_default(&mut conn, operator).await?.map(|c| c.calendar);
    drop(conn);
    let mut tx = app.begin().await?;
    if !surveys::answer_in_tx(&mut tx, &s.id, score, comment, now).await? {
        return Err(conflict("survey.answered", "this survey was answered already; thank you"));
    }
    match &subject {
        Subject::Ticket(t) if score <= LOW_SCORE => follow_up_in_tx(app, &mut tx, t, score, comment).await?,
        Subject::Order(o) if score <= LOW_SCORE => {
            let follow_up = OrderFollowUp { operator, survey: &s, order: o, score, comment };
            follow_up_order_in_tx(app, &mut tx, &follow_up, calendar.as_ref()).await?
        }
        _ => {}
    }
    tx.commit().await?;
    Ok(SurveyView { language: subject.language(), score: Some(score), comment: Some(comment.to_string()) })
}

/// A low score for an order.
struct OrderFollowUp<'a> {
    operator: TenantId,
    survey: &'a SurveyRow,
    order: &'a OrderRow,
    score: i64,
    comment: &'a str,
}

/// A low score for an order: a new high-priority ticket on it with the buyer's words, its clocks
/// started in `calendar`, and a note saying why.
async fn follow_up_order_in_tx(
    app: &App,
    tx: &mut crate::UnitOfWork,
    f: &OrderFollowUp<'_>,
    calendar: Option<&tradeport_domain::sla::Calendar>,
) -> AppResult<()> {
    let (order, score) = (f.order, f.score);
    let number = order.order_no.clone().unwrap_or_else(|| order.id.to_string());
    let said =
        if f.comment.is_empty() { format!("(scored {score}/5, no comment)") } else { f.comment.to_string() };
    let inbound = Inbound {
        operator: f.operator,
        merchant: Some(order.merchant_id),
        order: Some(order),
        thread: None,
        channel: TicketChannel::WebForm,
        external_id: format!("survey:{}", f.survey.id),
        buyer_name: order.buyer_name.clone(),
        buyer_email: order.buyer_email.clone(),
        subject: format!("Satisfaction {score}/5 for order {number}"),
        text: said.clone(),
        reply_address: None,
        chat: None,
        connection: None,
        attachments: &[],
        acknowledge: false,
    };
    let ticket =
        TicketRow { priority: Priority::High.as_str().into(), ..new_ticket(app, &inbound, calendar)? };
    tickets::insert_in_tx(tx, &ticket).await?;
    let now = app.now().0;
    let message = |direction: &str, author: &str, body: String| MessageRow {
        id: app.new_uuid().to_string(),
        tenant_id: ticket.tenant_id.clone(),
        ticket_id: ticket.id.clone(),
        direction: direction.into(),
        channel: ticket.channel.clone(),
        external_id: (direction == "in").then(|| inbound.external_id.clone()),
        author: author.into(),
        body,
        created_at: now,
    };
    tickets::insert_message_once_in_tx(tx, &message("in", &ticket.buyer_name, said)).await?;
    let why = format!("the buyer scored order {number} {score}/5 after its completion; follow up with them");
    tickets::insert_message_once_in_tx(tx, &message("note", SURVEY_AUTHOR, why)).await?;
    opened_on_order_in_tx(app, tx, f.operator, order, &ticket).await
}

/// A low score: the ticket opens again, high priority, with a note saying why.
async fn follow_up_in_tx(
    app: &App,
    tx: &mut AnyConnection,
    t: &TicketRow,
    score: i64,
    comment: &str,
) -> AppResult<()> {
    let operator = crate::parse_id(&t.tenant_id, "operator")?;
    let Some(current) = tickets::lock_in_tx(tx, operator, &t.id).await? else { return Ok(()) };
    let now = app.now().0;
    let mut next = TicketRow { priority: Priority::High.as_str().into(), updated_at: now, ..current.clone() };
    if let Some(to) = transition(status_of(&current)?, TicketAction::BuyerWrites) {
        next.status = to.as_str().into();
        next.solved_at = None;
    }
    tickets::update_in_tx(tx, &next).await?;
    let said = if comment.is_empty() { String::new() } else { format!(": \"{comment}\"") };
    let note = MessageRow {
        id: app.new_uuid().to_string(),
        tenant_id: t.tenant_id.clone(),
        ticket_id: t.id.clone(),
        direction: "note".into(),
        channel: t.channel.clone(),
        external_id: None,
        author: SURVEY_AUTHOR.into(),
        body: format!("the buyer scored the help {score}/5{said}; follow up with them"),
        created_at: now,
    };
    tickets::insert_message_once_in_tx(tx, &note).await?;
    Ok(())
}

/// Satisfaction figures of a period.
#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct SatisfactionView {
    pub answers: usize,
    /// The average score, to two decimals; `None` without answers.
    pub average: Option<f64>,
    /// Share (percent) of answers scoring 4 or 5: the figure held against the 90% target.
    pub satisfied_pct: Option<f64>,
    pub by_agent: Vec<SatisfactionGroup>,
    pub by_category: Vec<SatisfactionGroup>,
}

/// The figures of one agent or category.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct SatisfactionGroup {
    pub key: String,
    pub answers: usize,
    pub average: f64,
}

fn average(scores: &[i64]) -> f64 {
    let sum: i64 = scores.iter().sum();
    (sum as f64 / scores.len().max(1) as f64 * 100.0).round() / 100.0
}

/// The answers of surveys answered between `from` and `to` (epoch ms; a merchant: its tickets').
pub async fn satisfaction(
    app: &App,
    principal: &Principal,
    from: i64,
    to: i64,
) -> AppResult<SatisfactionView> {
    principal.require(Permission::AnswerTickets)?;
    let mut conn = app.db().read().await?;
    let rows =
        surveys::answered(&mut conn, principal.scope.operator_id, principal.scope.merchant_id, (from, to))
            .await?;
    let scores: Vec<i64> = rows.iter().filter_map(|r| r.score).collect();
    if scores.is_empty() {
        return Ok(SatisfactionView::default());
    }
    let group = |key: fn(&SurveyRow) -> &str| {
        let mut by: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
        for r in &rows {
            by.entry(key(r)).or_default().extend(r.score);
        }
        by.into_iter()
            .filter(|(k, _)| !k.is_empty())
            .map(|(k, s)| SatisfactionGroup { key: k.to_string(), answers: s.len(), average: average(&s) })
            .collect()
    };
    let satisfied = scores.iter().filter(|s| **s >= 4).count();
    Ok(SatisfactionView {
        answers: scores.len(),
        average: Some(average(&scores)),
        satisfied_pct: Some((satisfied as f64 * 1000.0 / scores.len() as f64).round() / 10.0),
        // An order's survey has no agent: it counts in the total and under its category.
        by_agent: group(|r| &r.agent),
        by_category: group(|r| &r.category),
    })
}
