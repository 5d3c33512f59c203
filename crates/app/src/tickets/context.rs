//! What the agent's screen shows beside the conversation (SLA-4): the ticket's order with its
//! timeline and time limits, its parcels and where they are, its exception cases and after-sales
//! requests, the after-sales policy that applies to each kind of goods on it, and what the agent
//! may do from here. Every part is read with the agent's own rights: a merchant sees its own
//! order only, and staff limited to some warehouses see those warehouses' parcels.

use serde::Serialize;
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::kernel::OrderId;
use tradeport_domain::tickets::{TicketAction, transition};

use crate::aftersales::{AppliedPolicy, RequestQuery, RequestView, list_requests, policies_of_order};
use crate::exceptions::{CaseQuery, CaseView, list_cases};
use crate::orders::{OrderView, get_order};
use crate::shipping::{ShipmentView, shipments_of_order};
use crate::{App, AppResult};

/// The ticket's surroundings; all empty while it is linked to no order.
#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct TicketContext {
    pub ticket_id: String,
    /// The linked order with its timeline (`events`) and time limits (`clocks`).
    pub order: Option<OrderView>,
    pub parcels: Vec<ShipmentView>,
    pub cases: Vec<CaseView>,
    pub requests: Vec<RequestView>,
    pub policies: Vec<AppliedPolicy>,
    /// The agent may file an after-sales request from the ticket (none filed from it yet).
    pub can_file_request: bool,
    /// The agent may open an exception case on the order.
    pub can_open_case: bool,
    /// The agent may send the buyer the order's state and tracking link as an answer.
    pub can_resend_tracking: bool,
}

/// The surroundings of the principal's ticket `id`.
pub async fn ticket_context(app: &App, principal: &Principal, id: &str) -> AppResult<TicketContext> {
    let t = super::ticket_of(app, principal, id).await?;
    let mut context = TicketContext { ticket_id: t.id.clone(), ..TicketContext::default() };
    let Some(order_id) = t.order_id.as_deref().and_then(|o| o.parse::<OrderId>().ok()) else {
        return Ok(context);
    };
    let order = get_order(app, principal, order_id).await?;
    let order_key = order_id.to_string();
    context.parcels = shipments_of_order(app, principal, &order_key).await?;
    let cases = CaseQuery { order_id: Some(order_key.clone()), ..CaseQuery::default() };
    context.cases = list_cases(app, principal, &cases).await?.items;
    context.requests =
        list_requests(app, principal, &RequestQuery { order_id: Some(order_key), ..Default::default() })
            .await?;
    context.policies = policies_of_order(app, principal, order_id).await?;
    context.can_file_request = t.request_id.is_none() && principal.role.can(Permission::FileAftersales);
    context.can_open_case = principal.role.can(Permission::HandleExceptions);
    let answerable = transition(super::status_of(&t)?, TicketAction::AgentReplies).is_some();
    context.can_resend_tracking = answerable && principal.role.can(Permission::AnswerTickets);
    context.order = Some(order);
    Ok(context)
}
