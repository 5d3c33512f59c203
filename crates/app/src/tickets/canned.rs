//! Canned replies (SLA-4): the operator's answers, written once per language with placeholders
//! (`{buyer_name}`, `{order_no}`, `{order_state}`, `{tracking_no}`, `{tracking_link}`,
//! `{estimate}`, `{agent}`), filled from the ticket's order in the buyer's language when an agent
//! uses one. Agents of the operator keep them; merchants' users use them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use tradeport_domain::access::{AccessError, Permission, Principal};
use tradeport_domain::kernel::{FieldErrors, OrderId};
use tradeport_domain::orders::OrderStatus;
use tradeport_domain::tickets::{check_canned, fill, pick_language};
use tradeport_store::ticket_links::{self, CannedRow};
use tradeport_store::tickets::{self, TicketRow};

use crate::notifications::{BUYER_LANGUAGES, ticket_text};
use crate::{App, AppError, AppResult};

/// A canned reply in one language, to save (a name and language kept already: new words).
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CannedReplyInput {
    /// Lower-case letters, digits, `_` and `-`, e.g. `where_is_my_order`.
    pub name: String,
    /// en, zh-CN, es, de, fr or ja.
    pub language: String,
    pub body: String,
}

/// A canned reply in one language.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct CannedReplyView {
    pub name: String,
    pub language: String,
    pub body: String,
    pub updated_at: i64,
}

impl From<CannedRow> for CannedReplyView {
    fn from(r: CannedRow) -> Self {
        Self { name: r.name, language: r.language, body: r.body, updated_at: r.updated_at }
    }
}

/// Only the operator's own people keep the operator's replies.
fn require_operator_staff(principal: &Principal) -> AppResult<()> {
    principal.require(Permission::AnswerTickets)?;
    if principal.is_merchant() {
        return Err(AccessError::Forbidden {
            role: principal.role.as_str(),
            action: "keep the canned replies",
        }
        .into());
    }
    Ok(())
}

/// The operator's canned replies, by name and language.
pub async fn list_canned(app: &App, principal: &Principal) -> AppResult<Vec<CannedReplyView>> {
    principal.require(Permission::AnswerTickets)?;
    let mut conn = app.db().read().await?;
    let rows = ticket_links::canned_replies(&mut conn, principal.scope.operator_id, None).await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// Saves a canned reply in one language.
pub async fn save_canned(
    app: &App,
    principal: &Principal,
    c: &CannedReplyInput,
) -> AppResult<CannedReplyView> {
    require_operator_staff(principal)?;
    let mut e = FieldErrors::new();
    let name = c.name.trim();
    if name.is_empty()
        || name.len() > 60
        || !name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
    {
        e.add(
            "name",
            "invalid",
            "name is 1 to 60 lower-case letters, digits, _ or -, e.g. where_is_my_order",
        );
    }
    let language = BUYER_LANGUAGES.into_iter().find(|l| l.eq_ignore_ascii_case(c.language.trim()));
    if language.is_none() {
        e.add("language", "unsupported", format!("language is one of {}", BUYER_LANGUAGES.join(", ")));
    }
    let body = c.body.trim();
    if body.is_empty() || body.chars().count() > 5000 {
        e.add("body", "required", "write the reply (at most 5000 characters)");
    } else if let Err(why) = check_canned(body) {
        e.add("body", "unknown_placeholder", why);
    }
    if !e.is_empty() {
        return Err(AppError::Invalid(e.into_vec()));
    }
    let now = app.now().0;
    let row = CannedRow {
        id: app.new_uuid().to_string(),
        tenant_id: principal.scope.operator_id.to_string(),
        name: name.into(),
        language: language.unwrap_or("en").into(),
        body: body.into(),
        created_at: now,
        updated_at: now,
    };
    let mut tx = app.begin().await?;
    ticket_links::save_canned(&mut tx, &row).await?;
    tx.commit().await?;
    Ok(row.into())
}

/// Removes a canned reply in every language.
pub async fn delete_canned(app: &App, principal: &Principal, name: &str) -> AppResult<()> {
    require_operator_staff(principal)?;
    let mut tx = app.begin().await?;
    if ticket_links::delete_canned(&mut tx, principal.scope.operator_id, name.trim()).await? == 0 {
        return Err(AppError::NotFound("canned reply"));
    }
    tx.commit().await?;
    Ok(())
}

/// Where an order stands, in the buyer's words.
pub(crate) fn state_key(status: OrderStatus) -> &'static str {
    use OrderStatus as S;
    match status {
        S::AwaitingPayment | S::OnHold | S::PendingReview | S::PendingSecondReview | S::Approved => {
            "ticket-state-checking"
        }
        S::Confirmed | S::Picking | S::Packed | S::ReadyToShip => "ticket-state-preparing",
        S::HandedOver => "ticket-state-on_its_way",
        S::Cancelled | S::Rejected => "ticket-state-closed",
    }
}

/// The placeholders' values for ticket `t`, in its buyer's language, and the tracking page's
/// estimate (`None` when none is known).
pub(crate) async fn placeholder_values(
    app: &App,
    t: &TicketRow,
    agent: &str,
) -> AppResult<(BTreeMap<&'static str, String>, Option<jiff::civil::Date>)> {
    let language = t.language.as_str();
    let mut values = BTreeMap::from([("buyer_name", t.buyer_name.clone()), ("agent", agent.to_string())]);
    let unknown = ticket_text(language, "ticket-estimate-unknown", &[]);
    values.insert("estimate", unknown);
    let Some(order_id) = t.order_id.as_deref().and_then(|id| id.parse::<OrderId>().ok()) else {
        return Ok((values, None));
    };
    let operator = crate::parse_id(&t.tenant_id, "operator")?;
    let token = {
        let mut tx = app.begin().await?;
        let token = crate::shipping::link_in_tx(&mut tx, operator, order_id, app.now()).await?;
        tx.commit().await?;
        token
    };
    let page = crate::shipping::public_tracking(app, &token).await?;
    let status = OrderStatus::parse(&page.status).unwrap_or(OrderStatus::PendingReview);
    values.insert("order_no", page.order_no.clone());
    values.insert("order_state", ticket_text(language, state_key(status), &[]));
    values.insert(
        "tracking_no",
        page.parcels.iter().map(|p| p.tracking_no.as_str()).collect::<Vec<_>>().join(", "),
    );
    values.insert("tracking_link", format!("{}/track/{token}", app.public_url().trim_end_matches('/')));
    let estimate = page.estimated_delivery.as_deref().and_then(|d| d.parse::<jiff::civil::Date>().ok());
    if let Some(day) = estimate {
        values.insert("estimate", crate::notifications::format_date(language, day));
    }
    Ok((values, estimate))
}

/// The name the buyer sees for the agent: a user's display name, else who acted.
pub(crate) async fn agent_name(app: &App, principal: &Principal) -> AppResult<String> {
    if let tradeport_domain::access::Actor::User(id) = principal.actor {
        let mut conn = app.db().read().await?;
        if let Some(u) =
            tradeport_store::access::users::get(&mut conn, principal.scope.operator_id, id).await?
        {
            return Ok(u.display_name);
        }
    }
    Ok(crate::words::actor_text(principal.actor))
}

/// A canned reply filled for a ticket, for the agent to read and send.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct CannedPreview {
    pub name: String,
    /// The language chosen for the buyer.
    pub language: String,
    pub body: String,
}

/// Canned reply `name` filled for the principal's ticket `id`.
pub async fn preview_canned(
    app: &App,
    principal: &Principal,
    id: &str,
    name: &str,
) -> AppResult<CannedPreview> {
    principal.require(Permission::AnswerTickets)?;
    let mut conn = app.db().read().await?;
    let (operator, merchant) = (principal.scope.operator_id, principal.scope.merchant_id);
    let t =
        tickets::get(&mut conn, operator, merchant, id.trim()).await?.ok_or(AppError::NotFound("ticket"))?;
    let rows = ticket_links::canned_replies(&mut conn, operator, Some(name.trim())).await?;
    drop(conn);
    let languages: Vec<&str> = rows.iter().map(|r| r.language.as_str()).collect();
    let language = pick_language(&languages, &t.language).ok_or(AppError::NotFound("canned reply"))?;
    let row = rows.iter().find(|r| r.language == language).ok_or(AppError::NotFound("canned reply"))?;
    let agent = agent_name(app, principal).await?;
    let (values, _) = placeholder_values(app, &t, &agent).await?;
    Ok(CannedPreview {
        name: row.name.clone(),
        language: row.language.clone(),
        body: fill(&row.body, &values),
    })
}
