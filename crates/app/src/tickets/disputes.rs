//! Disputes (CS-5). An agent opens one for a ticket the buyer contests, or for a marketplace claim
//! or chargeback received; both sides' evidence is kept until the evidence deadline (three working
//! days on the customer-service calendar); the arbitration group (supervisors) may send it to a
//! third-party mediator, then decides with the rule it applied. The money goes back through the
//! refund rules under the dispute's own key (never more than was paid, never twice); a chargeback's
//! money was already taken by the card network, so it is recorded, not paid again. A review closes
//! it. Merchants see and add evidence to their own disputes.

use serde::{Deserialize, Serialize};
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::kernel::{FieldErrors, OrderId};
use tradeport_domain::tickets::{
    DECISION_MINUTES, DisputeAction, DisputeKind, DisputeStatus, EVIDENCE_MINUTES, Ruling,
    dispute_transition, due,
};
use tradeport_store::disputes::{self, DisputeRow, EvidenceRow};

use crate::aftersales::RefundRequest;
use crate::warehouse::{conflict, invalid};
use crate::words::{actor_text, money_text};
use crate::{App, AppError, AppResult};

/// A dispute to open: about a ticket (its order) or an order.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct OpenDispute {
    pub ticket_id: Option<String>,
    pub order_id: Option<String>,
    /// buyer_contest, marketplace_claim or chargeback.
    #[schema(required = true, value_type = crate::code_lists::DisputeKindCode)]
    pub kind: String,
    /// What is claimed, in words.
    pub claim: String,
    /// The amount claimed (minor units of the order's currency); left out: what was paid.
    pub claim_minor: Option<i64>,
}

/// Evidence from one side.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct EvidenceInput {
    /// buyer or seller.
    pub party: String,
    pub description: String,
}

/// The arbitration group's decision.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct DecisionInput {
    /// for_buyer, for_seller or split.
    #[schema(required = true, value_type = crate::code_lists::RulingCode)]
    pub ruling: String,
    /// The rule applied, e.g. "policy 4.2: damaged in transit, photos within 48 h".
    pub rule: String,
    /// For a split: the amount that goes back.
    pub refund_minor: Option<i64>,
}

/// A step with words: the mediator's name, or the review.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct DisputeNote {
    pub text: String,
}

/// A dispute as the API shows it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct DisputeView {
    pub id: String,
    pub order_id: String,
    pub ticket_id: Option<String>,
    pub kind: String,
    pub status: DisputeStatus,
    pub claim: String,
    pub claim_minor: i64,
    pub currency: String,
    /// Evidence is taken until then; the group decides by `decision_due` (epoch ms).
    pub evidence_due: i64,
    pub decision_due: i64,
    pub mediator: Option<String>,
    pub ruling: Option<String>,
    pub rule_applied: Option<String>,
    pub refund_minor: Option<i64>,
    pub refund_id: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
    pub review: Option<String>,
    pub evidence: Vec<EvidenceView>,
    pub created_at: i64,
}

/// A piece of evidence.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct EvidenceView {
    pub party: String,
    pub description: String,
    pub added_by: String,
    pub created_at: i64,
}

fn status_of(d: &DisputeRow) -> AppResult<DisputeStatus> {
    DisputeStatus::parse(&d.status)
        .ok_or_else(|| AppError::Internal(format!("dispute {} has an unknown status", d.id)))
}

/// `d` after `action`, or the conflict that says why not.
fn moved(d: &DisputeRow, action: DisputeAction, now: i64) -> AppResult<DisputeRow> {
    let to = dispute_transition(status_of(d)?, action).ok_or_else(|| {
        conflict(
            "dispute.illegal_transition",
            format!("a dispute that is {} cannot take {action:?}", d.status),
        )
    })?;
    Ok(DisputeRow { status: to.as_str().into(), updated_at: now, ..d.clone() })
}

async fn view_of(app: &App, d: DisputeRow) -> AppResult<DisputeView> {
    let operator = crate::parse_id(&d.tenant_id, "operator")?;
    let mut conn = app.db().read().await?;
    let evidence = disputes::evidence(&mut conn, operator, &d.id).await?;
    Ok(DisputeView {
        status: status_of(&d)?,
        id: d.id,
        order_id: d.order_id,
        ticket_id: d.ticket_id,
        kind: d.kind,
        claim: d.claim,
        claim_minor: d.claim_minor,
        currency: d.currency,
        evidence_due: d.evidence_due,
        decision_due: d.decision_due,
        mediator: d.mediator,
        ruling: d.ruling,
        rule_applied: d.rule_applied,
        refund_minor: d.refund_minor,
        refund_id: d.refund_id,
        decided_by: d.decided_by,
        decided_at: d.decided_at,
        review: d.review,
        evidence: evidence
            .into_iter()
            .map(|e| EvidenceView {
                party: e.party,
                description: e.description,
                added_by: e.added_by,
                created_at: e.created_at,
            })
            .collect(),
        created_at: d.created_at,
    })
}

/// Opens a dispute.
pub async fn open_dispute(app: &App, principal: &Principal, o: &OpenDispute) -> AppResult<DisputeView> {
    principal.require(Permission::AnswerTickets)?;
    let mut e = FieldErrors::new();
    let kind = DisputeKind::parse(&o.kind);
    if kind.is_none() {
        e.add("kind", "invalid", "kind is buyer_contest, marketplace_claim or chargeback");
    }
    let claim = o.claim.trim();
    if claim.is_empty() || claim.chars().count() > 2000 {
        e.add("claim", "required", "say what is claimed (at most 2000 characters)");
    }
    if !e.is_empty() {
        return Err(AppError::Invalid(e.into_vec()));
    }
    let (operator, merchant) = (principal.scope.operator_id, principal.scope.merchant_id);
    let mut conn = app.db().read().await?;
    let ticket = match o.ticket_id.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(id) => {
            Some(tradeport_store::tickets::get(&mut conn, operator, merchant, id).await?.ok_or_else(
                || invalid("ticket_id", "unknown_ticket", "ticket_id is not one of your tickets"),
            )?)
        }
        None => None,
    };
    let order_id =
        ticket.as_ref().and_then(|t| t.order_id.clone()).or_else(|| o.order_id.clone()).unwrap_or_default();
    let order = match order_id.trim().parse::<OrderId>() {
        Ok(id) => tradeport_store::orders::get(&mut conn, operator, merchant, id).await?,
        Err(_) => None,
    }
    .ok_or_else(|| {
        invalid("order_id", "unknown_order", "name the order (order_id), or a ticket linked to one")
    })?;
    let calendar = crate::sla::load_default(&mut conn, operator).await?.map(|c| c.calendar);
    drop(conn);
    let claim_minor = o.claim_minor.unwrap_or(order.paid.minor());
    if claim_minor < 1 || claim_minor > order.paid.minor() {
        return Err(invalid(
            "claim_minor",
            "out_of_range",
            format!(
                "the claim is more than 0 and at most what was paid, {}",
                money_text(order.paid.minor(), order.currency.code())
            ),
        ));
    }
    let now = app.now().0;
    let opened = jiff::Timestamp::from_millisecond(now).map_err(|e| AppError::Internal(e.to_string()))?;
    let clock = |minutes| {
        due(calendar.as_ref(), opened, minutes)
            .map(|t| t.as_millisecond())
            .map_err(|e| AppError::Internal(format!("calendar: {e}")))
    };
    let d = DisputeRow {
        id: app.new_uuid().to_string(),
        tenant_id: operator.to_string(),
        merchant_id: order.merchant_id.to_string(),
        order_id: order.id.to_string(),
        ticket_id: ticket.map(|t| t.id),
        kind: kind.map(DisputeKind::as_str).unwrap_or_default().into(),
        status: DisputeStatus::Open.as_str().into(),
        claim: claim.into(),
        claim_minor,
        currency: order.currency.code().into(),
        evidence_due: clock(EVIDENCE_MINUTES)?,
        decision_due: clock(EVIDENCE_MINUTES + DECISION_MINUTES)?,
        mediator: None,
        ruling: None,
        rule_applied: None,
        refund_minor: None,
        refund_id: None,
        decided_by: None,
        decided_at: None,
        review: None,
        reviewed_at: None,
        opened_by: actor_text(principal.actor),
        created_at: now,
        updated_at: now,
    };
    let mut tx = app.begin().await?;
    // Under the order's lock, a claim opened twice (a retried request, two agents) is one dispute.
    tx.lock_order(operator, None, order.id).await?;
    if let Some(open) = disputes::undecided_of_order(&mut tx, operator, &d.order_id, &d.kind).await? {
        return Err(conflict(
            "dispute.already_open",
            format!("dispute {} on this order is still open; add the evidence to it", open.id),
        ));
    }
    disputes::insert_in_tx(&mut tx, &d).await?;
    let event = tradeport_store::events::NewEvent {
        merchant_id: Some(order.merchant_id),
        data: serde_json::json!({ "dispute_id": d.id, "kind": d.kind, "claim_minor": claim_minor })
            .to_string(),
        ..app.event(principal.actor, "order", order.id, "dispute_opened")
    };
    tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
    tx.commit().await?;
    view_of(app, d).await
}

async fn dispute(app: &App, principal: &Principal, id: &str) -> AppResult<DisputeRow> {
    let mut conn = app.db().read().await?;
    disputes::get(&mut conn, principal.scope.operator_id, principal.scope.merchant_id, id.trim())
        .await?
        .ok_or(AppError::NotFound("dispute"))
}

/// Writes `next` if the dispute is still where `d` was.
async fn save(app: &App, d: &DisputeRow, next: &DisputeRow) -> AppResult<()> {
    let mut tx = app.begin().await?;
    if !disputes::update_in_tx(&mut tx, next, &d.status).await? {
        return Err(conflict("dispute.changed", "the dispute changed meanwhile; reload it"));
    }
    tx.commit().await?;
    Ok(())
}

/// Adds one side's evidence, until the evidence deadline.
pub async fn add_evidence(
    app: &App,
    principal: &Principal,
    id: &str,
    e: &EvidenceInput,
) -> AppResult<DisputeView> {
    principal.require(Permission::AnswerTickets)?;
    if !["buyer", "seller"].contains(&e.party.trim()) {
        return Err(invalid("party", "invalid", "party is buyer or seller"));
    }
    if principal.is_merchant() && e.party.trim() != "seller" {
        return Err(invalid("party", "not_yours", "a merchant gives the seller's evidence: party is seller"));
    }
    let description = e.description.trim();
    if description.is_empty() || description.chars().count() > 5000 {
        return Err(invalid("description", "required", "describe the evidence (at most 5000 characters)"));
    }
    let d = dispute(app, principal, id).await?;
    let now = app.now().0;
    moved(&d, DisputeAction::AddEvidence, now)?;
    if now > d.evidence_due {
        return Err(conflict(
            "dispute.evidence_closed",
            "the evidence deadline has passed; the arbitration group decides on what was given",
        ));
    }
    let row = EvidenceRow {
        id: app.new_uuid().to_string(),
        tenant_id: d.tenant_id.clone(),
        dispute_id: d.id.clone(),
        party: e.party.trim().into(),
        description: description.into(),
        added_by: actor_text(principal.actor),
        created_at: now,
    };
    let mut tx = app.begin().await?;
    disputes::insert_evidence_in_tx(&mut tx, &row).await?;
    tx.commit().await?;
    view_of(app, d).await
}

/// Sends the dispute to a third-party mediator (the arbitration group).
pub async fn mediate(app: &App, principal: &Principal, id: &str, n: &DisputeNote) -> AppResult<DisputeView> {
    principal.require(Permission::SuperviseOperations)?;
    let mediator = n.text.trim();
    if mediator.is_empty() || mediator.chars().count() > 200 {
        return Err(invalid("text", "required", "name the mediator (at most 200 characters)"));
    }
    let d = dispute(app, principal, id).await?;
    let next =
        DisputeRow { mediator: Some(mediator.into()), ..moved(&d, DisputeAction::Mediate, app.now().0)? };
    save(app, &d, &next).await?;
    view_of(app, next).await
}

/// The arbitration group's decision, with the rule applied; the money goes back as ruled.
pub async fn decide_dispute(
    app: &App,
    principal: &Principal,
    id: &str,
    r: &DecisionInput,
) -> AppResult<DisputeView> {
    principal.require(Permission::SuperviseOperations)?;
    let ruling = Ruling::parse(&r.ruling)
        .ok_or_else(|| invalid("ruling", "invalid", "ruling is for_buyer, for_seller or split"))?;
    let rule = r.rule.trim();
    if rule.is_empty() || rule.chars().count() > 1000 {
        return Err(invalid("rule", "required", "name the rule applied (at most 1000 characters)"));
    }
    let d = dispute(app, principal, id).await?;
    let now = app.now().0;
    let mut next = moved(&d, DisputeAction::Decide, now)?;
    let back = ruling
        .refund_of(d.claim_minor, r.refund_minor)
        .map_err(|why| invalid("refund_minor", "invalid", why))?;
    // The card network took a chargeback's money already: recorded, not paid twice.
    let pays = back > 0 && d.kind != DisputeKind::Chargeback.as_str();
    if pays {
        let order = crate::parse_id(&d.order_id, "order")?;
        let mut conn = app.db().read().await?;
        let row = tradeport_store::orders::get(&mut conn, principal.scope.operator_id, None, order)
            .await?
            .ok_or(AppError::NotFound("order"))?;
        drop(conn);
        let request = RefundRequest {
            amount_minor: back,
            method: crate::aftersales::automatic_method(app, &row).into(),
            reason: format!("dispute {}: {rule}", ruling.as_str()),
            request_key: format!("dispute:{}", d.id),
            manual_reference: None,
        };
        let refund = crate::aftersales::refund(app, principal, order, &request, None).await?;
        next.refund_id = Some(refund.id);
    }
    next.ruling = Some(ruling.as_str().into());
    next.rule_applied = Some(rule.into());
    next.refund_minor = Some(back);
    next.decided_by = Some(actor_text(principal.actor));
    next.decided_at = Some(now);
    save(app, &d, &next).await?;
    view_of(app, next).await
}

/// The review afterwards: what to learn; it closes the dispute.
pub async fn review_dispute(
    app: &App,
    principal: &Principal,
    id: &str,
    n: &DisputeNote,
) -> AppResult<DisputeView> {
    principal.require(Permission::SuperviseOperations)?;
    let review = n.text.trim();
    if review.is_empty() || review.chars().count() > 5000 {
        return Err(invalid("text", "required", "write the review (at most 5000 characters)"));
    }
    let d = dispute(app, principal, id).await?;
    let now = app.now().0;
    let next = DisputeRow {
        review: Some(review.into()),
        reviewed_at: Some(now),
        ..moved(&d, DisputeAction::Review, now)?
    };
    save(app, &d, &next).await?;
    view_of(app, next).await
}

/// One dispute with its evidence.
pub async fn get_dispute(app: &App, principal: &Principal, id: &str) -> AppResult<DisputeView> {
    principal.require(Permission::AnswerTickets)?;
    let d = dispute(app, principal, id).await?;
    view_of(app, d).await
}

/// The principal's disputes, newest first; `status` filters.
pub async fn list_disputes(
    app: &App,
    principal: &Principal,
    status: Option<&str>,
) -> AppResult<Vec<DisputeView>> {
    principal.require(Permission::AnswerTickets)?;
    let status = match status.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Some(
            DisputeStatus::parse(s)
                .ok_or_else(|| invalid("status", "invalid", "status is open, mediation, decided or closed"))?
                .as_str(),
        ),
        None => None,
    };
    let mut conn = app.db().read().await?;
    let rows =
        disputes::list(&mut conn, principal.scope.operator_id, principal.scope.merchant_id, status).await?;
    drop(conn);
    let mut out = Vec::with_capacity(rows.len());
    for d in rows {
        out.push(view_of(app, d).await?);
    }
    Ok(out)
}
