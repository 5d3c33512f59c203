//! Deletion proposals (DONE-3): the orders whose retention has ended, listed for an admin to
//! review; nothing is erased until the proposal is approved, and then each listed order is erased
//! unless a legal hold placed since keeps it (or the retention was lengthened since). The nightly
//! job proposes when orders are due and no proposal is open.

use serde::Serialize;
use tradeport_domain::access::{Actor, Permission, Principal};
use tradeport_domain::kernel::{Millis, TenantId};
use tradeport_domain::retention::{Decision, ProposalStatus, completed_by, retention_ends};
use tradeport_store::retention::{self, ProposalOrderRow, ProposalRow};

use super::erase::{Cause, Outcome, erase_order, when};
use crate::words::actor_text;
use crate::{App, AppError, AppResult, parse_id};

/// Orders a proposal lists at most; the next proposal takes the rest.
const MOST_ORDERS: i64 = 10_000;
/// Orders a proposal's view lists.
const SHOWN: i64 = 500;

/// What an approved proposal erases, for the reviewer.
pub const WHAT_GOES: [&str; 6] = [
    "the buyer's name, e-mail, phone and address on the order (country and state remain)",
    "the buyer's values wherever the order's events, tickets' and after-sales requests' events and the payment providers' messages recorded them",
    "the tickets' conversation and attachments, and the after-sales requests' descriptions",
    "the e-mails, texts and webhooks sent about the order",
    "the archived package (confirmation, labels, notes); its manifest remains as the record of what was filed",
    "kept for the figures: the order's number, lines, amounts, statuses and timeline (with the buyer's values erased)",
];

/// An order a proposal lists.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ProposalItem {
    pub order_id: String,
    pub order_no: String,
    pub merchant_id: String,
    /// RFC 3339.
    pub completed_at: String,
    pub retention_ends_at: String,
    /// `pending`, `erased`, `kept_on_hold` or `kept_retention_longer`.
    pub outcome: String,
}

/// A deletion proposal.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ProposalView {
    pub id: String,
    pub status: ProposalStatus,
    pub retention_years: i64,
    /// RFC 3339: orders completed by then were due.
    pub completed_by: String,
    pub orders: i64,
    pub proposed_by: String,
    pub proposed_at: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub executed_at: Option<String>,
    pub erased: i64,
    pub kept: i64,
    /// What approving it erases.
    pub what_goes: Vec<String>,
    /// The orders it lists (the first 500 by id).
    pub items: Vec<ProposalItem>,
}

fn view(p: ProposalRow, items: Vec<ProposalOrderRow>) -> ProposalView {
    ProposalView {
        status: ProposalStatus::parse(&p.status).unwrap_or(ProposalStatus::Proposed),
        completed_by: when(p.completed_by),
        proposed_at: when(p.proposed_at),
        decided_at: p.decided_at.map(when),
        executed_at: p.executed_at.map(when),
        what_goes: WHAT_GOES.iter().map(ToString::to_string).collect(),
        items: items
            .into_iter()
            .map(|o| ProposalItem {
                completed_at: when(o.completed_at),
                retention_ends_at: when(o.retention_ends_at),
                order_id: o.order_id,
                order_no: o.order_no,
                merchant_id: o.merchant_id,
                outcome: o.outcome,
            })
            .collect(),
        id: p.id,
        retention_years: p.retention_years,
        orders: p.orders,
        proposed_by: p.proposed_by,
        decided_by: p.decided_by,
        erased: p.erased,
        kept: p.kept,
    }
}

/// Lists the operator's orders whose retention has ended as a new proposal; `None` when none is
/// due. Refused while another proposal is open (it lists them already, or will be decided first).
pub(crate) async fn propose_due(app: &App, operator: TenantId, actor: Actor) -> AppResult<Option<String>> {
    let mut conn = app.db().read().await?;
    if let Some(open) = retention::open_proposal(&mut conn, operator).await? {
        return Err(AppError::Conflict {
            code: "deletion_proposal.open",
            message: format!("proposal {open} is still open: approve or reject it first"),
            fields: Vec::new(),
        });
    }
    let years = crate::access::load_settings(&mut conn, operator).await?.retention_years;
    let now = app.now();
    let by = completed_by(now, years);
    let due = retention::due(&mut conn, operator, by.0, MOST_ORDERS).await?;
    drop(conn);
    let id = app.new_uuid().to_string();
    let items: Vec<ProposalOrderRow> = due
        .into_iter()
        .map(|o| (retention_ends(Millis(o.completed_at), years), o))
        .filter(|(ends, _)| *ends <= now)
        .map(|(ends, o)| ProposalOrderRow {
            proposal_id: id.clone(),
            order_id: o.order_id,
            tenant_id: operator.to_string(),
            merchant_id: o.merchant_id,
            order_no: o.order_no,
            completed_at: o.completed_at,
            retention_ends_at: ends.0,
            outcome: "pending".into(),
        })
        .collect();
    if items.is_empty() {
        return Ok(None);
    }
    let row = ProposalRow {
        id: id.clone(),
        tenant_id: operator.to_string(),
        status: ProposalStatus::Proposed.as_str().into(),
        retention_years: i64::from(years),
        completed_by: by.0,
        orders: items.len() as i64,
        proposed_by: actor_text(actor),
        proposed_at: now.0,
        decided_by: None,
        decided_at: None,
        executed_at: None,
        erased: 0,
        kept: 0,
    };
    let mut tx = app.begin().await?;
    // Another proposer between the read and now: its proposal stands, this one is not made.
    if retention::open_proposal(&mut tx, operator).await?.is_some() {
        return Ok(None);
    }
    match retention::insert_proposal_in_tx(&mut tx, &row, &items).await {
        Err(tradeport_store::StoreError::Conflict { .. }) => return Ok(None),
        other => other?,
    }
    let data = serde_json::json!({"proposal_id": id, "orders": items.len(), "retention_years": years});
    let event = tradeport_store::events::NewEvent {
        data: data.to_string(),
        ..app.event(actor, "tenant", operator, "deletion_proposed")
    };
    tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
    tx.commit().await?;
    Ok(Some(id))
}

/// Makes a proposal now of the orders whose retention has ended. Admins only.
pub async fn propose_deletion(app: &App, principal: &Principal) -> AppResult<Option<ProposalView>> {
    principal.require(Permission::ManagePersonalData)?;
    match propose_due(app, principal.scope.operator_id, principal.actor).await? {
        Some(id) => Ok(Some(deletion_proposal(app, principal, &id).await?)),
        None => Ok(None),
    }
}

/// The nightly run: a proposal when orders are due and none is open.
pub(crate) async fn propose_nightly(app: &App, operator: TenantId) -> AppResult<Option<String>> {
    match propose_due(app, operator, Actor::System).await {
        Err(AppError::Conflict { code: "deletion_proposal.open", .. }) => Ok(None),
        other => other,
    }
}

/// The operator's proposals, newest first (without their orders). Admins only.
pub async fn deletion_proposals(app: &App, principal: &Principal) -> AppResult<Vec<ProposalView>> {
    principal.require(Permission::ManagePersonalData)?;
    let mut conn = app.db().read().await?;
    let rows = retention::proposals(&mut conn, principal.scope.operator_id).await?;
    Ok(rows.into_iter().map(|p| view(p, Vec::new())).collect())
}

/// One proposal with the orders it lists. Admins only.
pub async fn deletion_proposal(app: &App, principal: &Principal, id: &str) -> AppResult<ProposalView> {
    principal.require(Permission::ManagePersonalData)?;
    let mut conn = app.db().read().await?;
    let id = parse_id::<uuid::Uuid>(id, "deletion proposal")?.to_string();
    let p = retention::proposal(&mut conn, principal.scope.operator_id, &id)
        .await?
        .ok_or(AppError::NotFound("deletion proposal"))?;
    let items = retention::proposal_orders(&mut conn, &id, None, "", SHOWN).await?;
    Ok(view(p, items))
}

/// Approves (and carries out) or rejects proposal `id`. Admins only.
pub async fn decide_deletion(
    app: &App,
    principal: &Principal,
    id: &str,
    decision: Decision,
) -> AppResult<ProposalView> {
    let before = deletion_proposal(app, principal, id).await?;
    let operator = principal.scope.operator_id;
    let to = before.status.decide(decision).map_err(|message| AppError::Conflict {
        code: "deletion_proposal.decided",
        message,
        fields: Vec::new(),
    })?;
    if before.status != to {
        let mut tx = app.begin().await?;
        let who = actor_text(principal.actor);
        let now = app.now().0;
        if !retention::decide_in_tx(
            &mut tx,
            operator,
            &before.id,
            before.status.as_str(),
            to.as_str(),
            &who,
            now,
        )
        .await?
        {
            return Err(AppError::Conflict {
                code: "deletion_proposal.decided",
                message: "the proposal was decided by someone else meanwhile; reload it".into(),
                fields: Vec::new(),
            });
        }
        let kind = if to == ProposalStatus::Approved { "deletion_approved" } else { "deletion_rejected" };
        let data = serde_json::json!({"proposal_id": before.id, "orders": before.orders});
        let event = tradeport_store::events::NewEvent {
            data: data.to_string(),
            ..app.event(principal.actor, "tenant", operator, kind)
        };
        tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
        tx.commit().await?;
    }
    if to == ProposalStatus::Approved {
        carry_out(app, operator, &before.id, principal.actor).await?;
    }
    deletion_proposal(app, principal, &before.id).await
}

/// Erases each order the approved proposal still lists as pending, then marks it carried out.
/// Interrupted, it resumes where it stopped when approved again.
async fn carry_out(app: &App, operator: TenantId, id: &str, actor: Actor) -> AppResult<()> {
    let years = {
        let mut conn = app.db().read().await?;
        crate::access::load_settings(&mut conn, operator).await?.retention_years
    };
    loop {
        let mut conn = app.db().read().await?;
        let page = retention::proposal_orders(&mut conn, id, Some("pending"), "", 200).await?;
        drop(conn);
        if page.is_empty() {
            break;
        }
        for o in page {
            let outcome = if retention_ends(Millis(o.completed_at), years) > app.now() {
                "kept_retention_longer"
            } else {
                let order = parse_id(&o.order_id, "order")?;
                match erase_order(app, operator, order, actor, &Cause::Retention(id.to_string())).await? {
                    Outcome::Erased(_) | Outcome::AlreadyErased => "erased",
                    Outcome::OnHold => "kept_on_hold",
                }
            };
            let mut tx = app.begin().await?;
            retention::set_outcome_in_tx(&mut tx, id, &o.order_id, outcome).await?;
            tx.commit().await?;
        }
    }
    let mut tx = app.begin().await?;
    if retention::finish_in_tx(&mut tx, operator, id, app.now().0).await? {
        let data = serde_json::json!({"proposal_id": id});
        let event = tradeport_store::events::NewEvent {
            data: data.to_string(),
            ..app.event(actor, "tenant", operator, "deletion_carried_out")
        };
        tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
    }
    tx.commit().await?;
    Ok(())
}
