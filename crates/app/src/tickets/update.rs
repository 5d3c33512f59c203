//! An agent sets what the words could only suggest (CS-1, CS-2): the order the ticket is about
//! (confirming or correcting the link found in the text; the order's merchant comes with it), the
//! category, the priority, and who works it (`me`, a user id, or nobody).

use serde::Deserialize;
use tradeport_domain::access::{Actor, Permission, Principal};
use tradeport_domain::kernel::{FieldError, FieldErrors, OrderId, UserId};
use tradeport_domain::tickets::{Category, Priority};
use tradeport_store::tickets::{self, TicketRow};

use super::answer::locked;
use super::queries::{TicketView, view_of};
use crate::{App, AppError, AppResult};

/// What changes; fields left out stay.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct TicketChange {
    pub order_id: Option<String>,
    /// quality, delay_lost, wrong_missing, size_colour, not_as_described, order_status or other.
    pub category: Option<String>,
    /// low, normal, high or urgent.
    #[schema(value_type = Option<crate::code_lists::PriorityCode>)]
    pub priority: Option<String>,
    /// `me`, a user id of the operator's, or empty for nobody.
    pub assignee_id: Option<String>,
}

/// The assignee `raw` names, checked to be a user of the operator's (in the principal's reach).
async fn assignee(app: &App, principal: &Principal, raw: &str) -> Result<Option<String>, FieldError> {
    let unknown =
        || FieldError::new("assignee_id", "unknown_user", "assignee_id is me, a user's id, or empty");
    match raw.trim() {
        "" => Ok(None),
        "me" => match principal.actor {
            Actor::User(id) => Ok(Some(id.to_string())),
            _ => Err(FieldError::new("assignee_id", "not_a_user", "an API key is no agent: name a user")),
        },
        id => {
            let id: UserId = id.parse().map_err(|_| unknown())?;
            let mut conn = app.db().read().await.map_err(|_| unknown())?;
            let user = tradeport_store::access::users::get(&mut conn, principal.scope.operator_id, id)
                .await
                .map_err(|_| unknown())?
                .filter(|u| u.active && principal.scope.merchant_id.is_none_or(|m| u.merchant_id == Some(m)));
            user.map(|u| Some(u.id.to_string())).ok_or_else(unknown)
        }
    }
}

/// The value of `r`, or `None` with its error kept in `e`.
fn kept<T>(e: &mut FieldErrors, r: Result<T, FieldError>) -> Option<T> {
    r.map_err(|f| e.push(f)).ok()
}

/// Changes ticket `id`.
pub async fn update_ticket(
    app: &App,
    principal: &Principal,
    id: &str,
    c: &TicketChange,
) -> AppResult<TicketView> {
    principal.require(Permission::AnswerTickets)?;
    let mut e = FieldErrors::new();
    let category = c.category.as_deref().map(|raw| {
        Category::parse(raw.trim()).ok_or_else(|| {
            FieldError::new(
                "category",
                "invalid",
                "category is quality, delay_lost, wrong_missing, size_colour, not_as_described, order_status or other",
            )
        })
    });
    let category = category.and_then(|r| kept(&mut e, r));
    let priority = c.priority.as_deref().map(|raw| {
        Priority::parse(raw.trim())
            .ok_or_else(|| FieldError::new("priority", "invalid", "priority is low, normal, high or urgent"))
    });
    let priority = priority.and_then(|r| kept(&mut e, r));
    let assigned = match &c.assignee_id {
        Some(raw) => kept(&mut e, assignee(app, principal, raw).await),
        None => None,
    };
    let order = match &c.order_id {
        Some(raw) => {
            let found = match raw.trim().parse::<OrderId>() {
                Ok(id) => {
                    let mut conn = app.db().read().await?;
                    let (operator, merchant) = (principal.scope.operator_id, principal.scope.merchant_id);
                    tradeport_store::orders::get(&mut conn, operator, merchant, id).await?
                }
                Err(_) => None,
            };
            kept(
                &mut e,
                found.ok_or_else(|| {
                    FieldError::new("order_id", "unknown_order", "order_id is not one of your orders")
                }),
            )
        }
        None => None,
    };
    if !e.is_empty() {
        return Err(AppError::Invalid(e.into_vec()));
    }
    let now = app.now();
    let mut tx = app.begin().await?;
    let t = locked(principal, &mut tx, id).await?;
    let mut next = TicketRow { updated_at: now.0, ..t };
    if let Some(c) = category {
        next.category = c.as_str().into();
        next.category_because = serde_json::json!(["set by an agent"]).to_string();
    }
    if let Some(p) = priority {
        next.priority = p.as_str().into();
    }
    if let Some(a) = assigned {
        next.assignee_id = a;
    }
    if let Some(o) = order {
        next.order_id = Some(o.id.to_string());
        next.merchant_id = Some(o.merchant_id.to_string());
    }
    tickets::update_in_tx(&mut tx, &next).await?;
    tx.commit().await?;
    let mut conn = app.db().read().await?;
    view_of(&mut conn, &next, true, now).await
}
