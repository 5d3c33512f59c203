//! What a ticket asks for beyond words (CS-4, SLA-4): the agent files an after-sales request from
//! the ticket, and its decision moves the ticket. A grant above the agent's limit (the operator's
//! `approval_limits`, per role and currency) sends the request and the ticket up to a supervisor
//! with the reason; the supervisor's decision gives the ticket back to the agent. An agent may
//! also send a ticket up by hand, saying why, or open an exception case on the ticket's order.
//! Each step is noted on the ticket.

use serde::Deserialize;
use tradeport_domain::access::{Actor, Permission, Principal};
use tradeport_domain::kernel::TenantId;
use tradeport_domain::tickets::{TicketAction, transition};
use tradeport_store::AnyConnection;
use tradeport_store::tickets::{self, MessageRow, TicketRow};

use super::answer::locked;
use super::queries::{TicketView, view_of};
use super::status_of;
use crate::aftersales::FileRequest;
use crate::warehouse::{conflict, invalid};
use crate::words::actor_text;
use crate::{App, AppResult};

/// Why an agent sends a ticket up.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct EscalateRequest {
    pub reason: String,
}

/// An internal note on `t`, by `author`.
async fn note_in_tx(
    app: &App,
    tx: &mut AnyConnection,
    t: &TicketRow,
    author: &str,
    body: String,
) -> AppResult<()> {
    let note = MessageRow {
        id: app.new_uuid().to_string(),
        tenant_id: t.tenant_id.clone(),
        ticket_id: t.id.clone(),
        direction: "note".into(),
        channel: t.channel.clone(),
        external_id: None,
        author: author.into(),
        body,
        created_at: app.now().0,
    };
    tickets::insert_message_once_in_tx(tx, &note).await?;
    Ok(())
}

/// Files an after-sales request for the ticket's order, from ticket `id`, and links it.
pub async fn file_from_ticket(
    app: &App,
    principal: &Principal,
    id: &str,
    f: &FileRequest,
) -> AppResult<TicketView> {
    principal.require(Permission::FileAftersales)?;
    let t = super::ticket_of(app, principal, id).await?;
    if let Some(request) = &t.request_id {
        return Err(conflict(
            "ticket.request_filed",
            format!("after-sales request {request} was filed from this ticket already; decide that one"),
        ));
    }
    let order_id = super::order_of(&t)?;
    let request =
        crate::aftersales::file_request(app, principal, &FileRequest { order_id, ..f.clone() }).await?;
    let now = app.now();
    let mut tx = app.begin().await?;
    let t = locked(principal, &mut tx, id).await?;
    if t.request_id.is_some() {
        // Filed twice at once: the first one is linked; this one stands on its own.
        return Err(conflict(
            "ticket.request_filed",
            format!("another request was linked to this ticket meanwhile; {} is not linked", request.rma_no),
        ));
    }
    let next = TicketRow { request_id: Some(request.id.clone()), updated_at: now.0, ..t };
    tickets::update_in_tx(&mut tx, &next).await?;
    let what = format!(
        "filed after-sales request {} ({}, {})",
        request.rma_no, request.request_type, request.reason
    );
    note_in_tx(app, &mut tx, &next, &actor_text(principal.actor), what).await?;
    tx.commit().await?;
    let mut conn = app.db().read().await?;
    view_of(&mut conn, &next, true, now).await
}

/// Opens an exception case on the ticket's order, from ticket `id` (the order is the ticket's),
/// and notes it on the ticket.
pub async fn open_case_from_ticket(
    app: &App,
    principal: &Principal,
    id: &str,
    input: &crate::exceptions::OpenCase,
) -> AppResult<TicketView> {
    let t = super::ticket_of(app, principal, id).await?;
    let order_id = super::order_of(&t)?;
    let input = crate::exceptions::OpenCase { order_id, ..input.clone() };
    let case = crate::exceptions::case_to_open(app, principal, &input).await?;
    let now = app.now();
    let operator = principal.scope.operator_id;
    let mut tx = app.begin().await?;
    // Under the order's lock: the same case asked for twice (a retried request) is opened once.
    tx.lock_order(operator, None, case.order_id).await?;
    let open = tradeport_store::exceptions::cases::CaseFilter {
        order_id: Some(case.order_id),
        status: Some(tradeport_domain::exceptions::CaseStatus::Open),
        ..Default::default()
    };
    let open = tradeport_store::exceptions::cases::list(&mut tx, operator, &open, None, 100).await?;
    if let Some(same) = open.iter().find(|c| c.case_type == case.case_type) {
        return Err(conflict(
            "case.already_open",
            format!("exception case {} of this kind is open on the order; work that one", same.id),
        ));
    }
    crate::exceptions::open_case_in_tx(
        app,
        &mut tx,
        operator,
        &case,
        None,
        principal.actor,
        serde_json::json!({}),
    )
    .await?;
    let t = locked(principal, &mut tx, &t.id).await?;
    let what = format!("opened exception case {} ({})", case.id, case.case_type.as_str());
    note_in_tx(app, &mut tx, &t, &actor_text(principal.actor), what).await?;
    tx.commit().await?;
    let mut conn = app.db().read().await?;
    view_of(&mut conn, &t, true, now).await
}

/// Sends ticket `id` up to a supervisor, saying why.
pub async fn escalate_ticket(
    app: &App,
    principal: &Principal,
    id: &str,
    r: &EscalateRequest,
) -> AppResult<TicketView> {
    principal.require(Permission::AnswerTickets)?;
    let reason = r.reason.trim();
    if reason.is_empty() || reason.chars().count() > 1000 {
        return Err(invalid(
            "reason",
            "required",
            "say what the supervisor should decide (at most 1000 characters)",
        ));
    }
    let now = app.now();
    let mut tx = app.begin().await?;
    let t = locked(principal, &mut tx, id).await?;
    let by = actor_text(principal.actor);
    let next = escalated(&t, &format!("{by}: {reason}"), now.0)?.ok_or_else(|| {
        conflict("ticket.illegal_transition", format!("a ticket that is {} cannot go up", t.status))
    })?;
    tickets::update_in_tx(&mut tx, &next).await?;
    note_in_tx(app, &mut tx, &next, &by, format!("sent up to a supervisor: {reason}")).await?;
    tx.commit().await?;
    let mut conn = app.db().read().await?;
    view_of(&mut conn, &next, true, now).await
}

/// `t` sent up for `reason`, or `None` when it cannot go up.
fn escalated(t: &TicketRow, reason: &str, now: i64) -> AppResult<Option<TicketRow>> {
    Ok(transition(status_of(t)?, TicketAction::Escalate).map(|to| TicketRow {
        status: to.as_str().into(),
        escalated_at: Some(now),
        escalation_reason: Some(reason.to_string()),
        updated_at: now,
        ..t.clone()
    }))
}

/// A decision on after-sales request `request_id` (`kind`: `aftersales_escalated`, `_approved`,
/// `_rejected`), on the tickets it was filed from: sent up with the reason, or given back to the
/// agent once the supervisor decided; noted either way.
pub(crate) async fn on_request_decided_in_tx(
    app: &App,
    tx: &mut AnyConnection,
    operator: TenantId,
    (request_id, rma_no): (&str, &str),
    kind: &str,
    (by, note): (Actor, Option<&str>),
) -> AppResult<()> {
    let now = app.now().0;
    let by = actor_text(by);
    let why = note.unwrap_or_default();
    for t in tickets::of_request_in_tx(tx, operator, request_id).await? {
        let (next, said) = if kind == "aftersales_escalated" {
            let reason = format!("{rma_no}: {why}");
            (escalated(&t, &reason, now)?, format!("{rma_no} went up to a supervisor: {why}"))
        } else {
            let decided = kind.trim_start_matches("aftersales_");
            let back = transition(status_of(&t)?, TicketAction::ReturnToAgent).map(|to| TicketRow {
                status: to.as_str().into(),
                updated_at: now,
                ..t.clone()
            });
            (
                back,
                format!(
                    "{by} {decided} {rma_no}{}",
                    if why.is_empty() { String::new() } else { format!(": {why}") }
                ),
            )
        };
        let next = next.unwrap_or_else(|| t.clone());
        tickets::update_in_tx(tx, &next).await?;
        note_in_tx(app, tx, &next, &by, said).await?;
    }
    Ok(())
}
