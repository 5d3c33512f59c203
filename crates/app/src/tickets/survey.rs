//! Satisfaction (CS-6, SYS-5). When a ticket is solved the buyer is asked, in their language and
//! through the ticket's channel, to score the help from 1 to 5 with a link per score made for that
//! ticket (kept only as its SHA-256, and sent without being kept on the ticket, so no agent can
//! answer for the buyer); the link's page takes one answer, a score and a comment. The answer is
//! kept with the agent who answered and the ticket's category, for the figures; a score of 2 or
//! less opens the ticket again, high priority, as a follow-up with the reason.

use std::collections::BTreeMap;

use serde::Serialize;
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::tickets::{Priority, TicketAction, transition};
use tradeport_store::AnyConnection;
use tradeport_store::ticket_surveys::{self, SurveyRow};
use tradeport_store::tickets::{self, MessageRow, TicketRow};

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
        ticket_id: t.id.clone(),
        token_sha256: tradeport_connectors::secrets::sha256_hex(&token),
        agent: t.assignee_id.clone().unwrap_or_else(|| agent.to_string()),
        category: t.category.clone(),
        sent_at: now,
        score: None,
        comment: None,
        answered_at: None,
    };
    ticket_surveys::insert_in_tx(tx, &survey).await?;
    let base = format!("{}/survey/{token}", app.public_url().trim_end_matches('/'));
    let links: Vec<String> = (1..=5).map(|n| format!("{n}: {base}?score={n}")).collect();
    let body = ticket_text(&t.language, "ticket-survey", &[("links", text(&links.join("\n")))]);
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

/// A survey as its page shows it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct SurveyView {
    /// The buyer's language.
    pub language: String,
    pub score: Option<i64>,
    pub comment: Option<String>,
}

async fn survey_of(app: &App, token: &str) -> AppResult<(SurveyRow, TicketRow)> {
    let token = token.trim();
    if token.len() != 48 || !token.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(AppError::NotFound("survey"));
    }
    let mut conn = app.db().read().await?;
    let s = ticket_surveys::by_token(&mut conn, &tradeport_connectors::secrets::sha256_hex(token))
        .await?
        .ok_or(AppError::NotFound("survey"))?;
    let operator = crate::parse_id(&s.tenant_id, "operator")?;
    let t =
        tickets::get(&mut conn, operator, None, &s.ticket_id).await?.ok_or(AppError::NotFound("survey"))?;
    Ok((s, t))
}

/// The survey a link opens.
pub async fn survey_page(app: &App, token: &str) -> AppResult<SurveyView> {
    let (s, t) = survey_of(app, token).await?;
    Ok(SurveyView { language: t.language, score: s.score, comment: s.comment })
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
    let (s, t) = survey_of(app, token).await?;
    let now = app.now().0;
    let mut tx = app.begin().await?;
    if !ticket_surveys::answer_in_tx(&mut tx, &s.id, score, comment, now).await? {
        return Err(conflict("survey.answered", "this survey was answered already; thank you"));
    }
    if score <= LOW_SCORE {
        follow_up_in_tx(app, &mut tx, &t, score, comment).await?;
    }
    tx.commit().await?;
    Ok(SurveyView { language: t.language, score: Some(score), comment: Some(comment.to_string()) })
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
    let rows = ticket_surveys::answered(
        &mut conn,
        principal.scope.operator_id,
        principal.scope.merchant_id,
        (from, to),
    )
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
            .map(|(k, s)| SatisfactionGroup { key: k.to_string(), answers: s.len(), average: average(&s) })
            .collect()
    };
    let satisfied = scores.iter().filter(|s| **s >= 4).count();
    Ok(SatisfactionView {
        answers: scores.len(),
        average: Some(average(&scores)),
        satisfied_pct: Some((satisfied as f64 * 1000.0 / scores.len() as f64).round() / 10.0),
        by_agent: group(|r| &r.agent),
        by_category: group(|r| &r.category),
    })
}
