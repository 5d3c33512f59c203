//! A buyer's personal data requests: everything held about them (by e-mail or phone) as one file,
//! and erasure where retention allows: each order whose retention has ended is erased like a
//! deletion proposal's; an order still within it, open or on legal hold is kept and said so, with
//! the date it may go; tickets that no kept order needs are erased; opt-outs and coupons/store
//! credit are kept (an opt-out must outlive the rest, or messages would start again; credit is
//! money owed). Each request is recorded by the SHA-256 of the identifier, not the identifier.

use serde::{Deserialize, Serialize};
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::kernel::{Email, FieldError, Millis, OrderId, TenantId, normalise_phone};
use tradeport_domain::retention::{ERASED, retention_ends, subject_key};
use tradeport_store::retention::{buyer, erase};

use super::erase::{Cause, OrderErasure, Outcome, delete_blob, erase_order, redact_events, when};
use crate::orders::OrderView;
use crate::tickets::TicketView;
use crate::{App, AppError, AppResult, parse_id};

/// The buyer a request is about.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BuyerRequest {
    /// The buyer's e-mail (any case).
    #[serde(default)]
    pub email: String,
    /// The buyer's phone: in international form (`+44 7700 900123`), or national with `country`.
    #[serde(default)]
    pub phone: String,
    /// ISO 3166-1 alpha-2 of a national phone number.
    #[serde(default)]
    pub country: String,
}

/// Who the request is about, as stored: e-mail in lower case and phone in E.164.
struct Subject {
    email: String,
    e164: String,
    key: String,
}

fn subject_of(r: &BuyerRequest) -> AppResult<Subject> {
    let mut errors = Vec::new();
    let email = match r.email.trim() {
        "" => String::new(),
        raw => Email::parse(raw).map(|e| e.as_str().to_string()).unwrap_or_else(|why| {
            errors.push(FieldError::new("email", "invalid", format!("email: {why}")));
            String::new()
        }),
    };
    let e164 = match r.phone.trim() {
        "" => String::new(),
        raw => normalise_phone(raw, r.country.trim()).unwrap_or_else(|| {
            errors.push(FieldError::new(
                "phone",
                "invalid",
                format!("phone '{raw}' is not a valid number: write it with + and the country code (+44 7700 900123), or give its country"),
            ));
            String::new()
        }),
    };
    if errors.is_empty() && email.is_empty() && e164.is_empty() {
        errors.push(FieldError::new("email", "required", "give the buyer's e-mail or phone (or both)"));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let key = subject_key(&format!("{email} {e164}"));
    Ok(Subject { email, e164, key })
}

/// Everything held about one buyer.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PersonalDataFile {
    pub email: String,
    pub phone: String,
    /// RFC 3339.
    pub exported_at: String,
    pub orders: Vec<OrderView>,
    pub tickets: Vec<TicketView>,
    /// Addresses that asked for no more messages.
    pub opt_outs: Vec<serde_json::Value>,
    /// Coupons and store credit issued to the e-mail.
    pub credits: Vec<serde_json::Value>,
}

/// Everything the operator holds about the buyer, as one JSON file. Admins only.
pub async fn export_personal_data(
    app: &App,
    principal: &Principal,
    r: &BuyerRequest,
) -> AppResult<PersonalDataFile> {
    principal.require(Permission::ManagePersonalData)?;
    let operator = principal.scope.operator_id;
    let s = subject_of(r)?;
    let mut conn = app.db().read().await?;
    let order_ids = buyer::order_ids(&mut conn, operator, &s.email, &s.e164).await?;
    let ticket_ids = buyer::ticket_ids(&mut conn, operator, &s.email, &s.e164).await?;
    let opt_outs = buyer::opt_outs(&mut conn, operator, &s.email, &s.e164).await?;
    let credits = buyer::credits(&mut conn, operator, &s.email).await?;
    drop(conn);
    let mut orders = Vec::with_capacity(order_ids.len());
    for id in &order_ids {
        orders.push(crate::orders::get_order(app, principal, parse_id(id, "order")?).await?);
    }
    let mut tickets = Vec::with_capacity(ticket_ids.len());
    for id in &ticket_ids {
        tickets.push(crate::tickets::ticket_detail(app, principal, id).await?);
    }
    let file = PersonalDataFile {
        email: s.email,
        phone: s.e164,
        exported_at: when(app.now().0),
        orders,
        tickets,
        opt_outs: opt_outs
            .into_iter()
            .map(|o| serde_json::json!({"address": o.address, "reason": o.reason, "at": when(o.created_at)}))
            .collect(),
        credits: credits
            .into_iter()
            .map(|c| {
                serde_json::json!({"kind": c.kind, "id": c.id, "merchant_id": c.merchant_id, "currency": c.currency,
                                   "amount_minor": c.amount_minor, "note": c.note, "at": when(c.at)})
            })
            .collect(),
    };
    let data =
        serde_json::json!({"subject_sha256": s.key, "orders": order_ids.len(), "tickets": ticket_ids.len()});
    record(app, principal, operator, "personal_data_exported", data).await?;
    Ok(file)
}

/// An order a request could not erase, and why.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct KeptOrder {
    pub order_id: String,
    pub order_no: String,
    /// `retention` (the law requires it kept), `not_completed`, `legal_hold`.
    pub why: String,
    /// RFC 3339: when its retention ends, for `retention`.
    pub until: Option<String>,
}

/// What an erasure request did.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ErasureReport {
    /// The SHA-256 the request is recorded under.
    pub subject_sha256: String,
    pub erased: Vec<OrderErasure>,
    pub kept: Vec<KeptOrder>,
    /// Tickets erased that no kept order needed.
    pub tickets_erased: usize,
    /// Kept, with why.
    pub opt_outs_kept: usize,
    pub credits_kept: usize,
}

/// Erases what may be erased of the buyer's personal data. Admins only.
pub async fn erase_personal_data(
    app: &App,
    principal: &Principal,
    r: &BuyerRequest,
) -> AppResult<ErasureReport> {
    principal.require(Permission::ManagePersonalData)?;
    let operator = principal.scope.operator_id;
    let s = subject_of(r)?;
    let mut conn = app.db().read().await?;
    let years = crate::access::load_settings(&mut conn, operator).await?.retention_years;
    let order_ids = buyer::order_ids(&mut conn, operator, &s.email, &s.e164).await?;
    let opt_outs = buyer::opt_outs(&mut conn, operator, &s.email, &s.e164).await?.len();
    let credits = buyer::credits(&mut conn, operator, &s.email).await?.len();
    drop(conn);
    let mut report = ErasureReport {
        subject_sha256: s.key.clone(),
        erased: Vec::new(),
        kept: Vec::new(),
        tickets_erased: 0,
        opt_outs_kept: opt_outs,
        credits_kept: credits,
    };
    for id in order_ids {
        let order: OrderId = parse_id(&id, "order")?;
        let mut conn = app.db().read().await?;
        let Some(fields) = erase::buyer_fields(&mut conn, operator, order).await? else { continue };
        let number = tradeport_store::orders::get(&mut conn, operator, None, order)
            .await?
            .and_then(|o| o.order_no)
            .unwrap_or_else(|| id.clone());
        drop(conn);
        let kept = |why: &str, until: Option<i64>| KeptOrder {
            order_id: id.clone(),
            order_no: number.clone(),
            why: why.into(),
            until: until.map(when),
        };
        if fields.personal_data_erased_at.is_some() {
            continue;
        }
        let Some(completed) = fields.completed_at else {
            report.kept.push(kept("not_completed", None));
            continue;
        };
        let ends = retention_ends(Millis(completed), years);
        if ends > app.now() {
            report.kept.push(kept("retention", Some(ends.0)));
            continue;
        }
        match erase_order(app, operator, order, principal.actor, &Cause::Request(s.key.clone())).await? {
            Outcome::Erased(done) => report.erased.push(done),
            Outcome::OnHold => report.kept.push(kept("legal_hold", None)),
            Outcome::AlreadyErased => {}
        }
    }
    report.tickets_erased = erase_free_tickets(app, principal, operator, &s).await?;
    let data = serde_json::json!({"subject_sha256": s.key, "erased": report.erased.len(), "kept": report.kept.len(),
                                  "tickets_erased": report.tickets_erased});
    record(app, principal, operator, "personal_data_request_erased", data).await?;
    Ok(report)
}

/// Erases the buyer's tickets that no kept order needs (no order, or an erased one).
async fn erase_free_tickets(
    app: &App,
    principal: &Principal,
    operator: TenantId,
    s: &Subject,
) -> AppResult<usize> {
    let mut conn = app.db().read().await?;
    let ids = buyer::ticket_ids(&mut conn, operator, &s.email, &s.e164).await?;
    let free = buyer::tickets_free_to_erase(&mut conn, operator, &ids).await?;
    drop(conn);
    if free.is_empty() {
        return Ok(0);
    }
    crate::audit::seal_operator(app, operator, false).await?;
    let values: Vec<String> =
        [s.email.clone(), s.e164.clone()].into_iter().filter(|v| !v.is_empty()).collect();
    let mut tx = app.begin().await?;
    let (events, events_sealed_unchanged) = redact_events(&mut tx, operator, &free, &values).await?;
    let (messages, unused) = erase::erase_tickets_in_tx(&mut tx, operator, &free, ERASED).await?;
    erase::delete_messages_in_tx(&mut tx, operator, &free).await?;
    let data = serde_json::json!({"cause": "buyer_request", "reference": {"subject_sha256": s.key},
                                  "erased": {"tickets": free, "ticket_messages": messages, "attachments": unused.len(),
                                             "events": events, "events_sealed_unchanged": events_sealed_unchanged}});
    let event = tradeport_store::events::NewEvent {
        data: data.to_string(),
        reason: Some("the buyer's personal data is erased from their tickets"),
        ..app.event(principal.actor, "tenant", operator, "personal_data_erased")
    };
    tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
    tx.commit().await?;
    for sha in &unused {
        delete_blob(app, sha).await?;
    }
    crate::audit::seal_operator(app, operator, false).await?;
    Ok(free.len())
}

async fn record(
    app: &App,
    principal: &Principal,
    operator: TenantId,
    kind: &'static str,
    data: serde_json::Value,
) -> AppResult<()> {
    let mut tx = app.begin().await?;
    let event = tradeport_store::events::NewEvent {
        data: data.to_string(),
        ..app.event(principal.actor, "tenant", operator, kind)
    };
    tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
    tx.commit().await?;
    Ok(())
}
