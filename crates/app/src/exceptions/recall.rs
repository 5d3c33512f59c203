//! A cancellation after hand-over (EXC-2, EXC-3): the parcel has left, so the order cannot simply
//! stop; it becomes a recall. A cancellation case is opened for logistics with the recall asked of
//! the carrier, the fee and who bears it, and whether the buyer agreed, all on the case and the
//! order's timeline; the order stays handed over until the case ends (the parcel back through the
//! returns desk, the refund on agreement). Never a silent cancel.

use serde::{Deserialize, Serialize};
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::exceptions::{CaseStatus, CaseType};
use tradeport_domain::kernel::{Money, OrderId};
use tradeport_domain::orders::OrderStatus;
use tradeport_domain::sla::Department;
use tradeport_store::exceptions::cases::{self, ActionRow, CaseRow, NewCase};

use super::case_work::{CaseDetail, case_detail};
use crate::warehouse::invalid;
use crate::words::{actor_text, money_text};
use crate::{App, AppError, AppResult, parse_id};

/// How a recall case's cause begins.
const RECALL: &str = "recall after hand-over";

/// A recall asked for.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RecallRequest {
    /// Why the order is cancelled after it left.
    pub reason: String,
    /// The carrier's recall fee, in the order's currency (minor units).
    pub fee_minor: i64,
    /// Whether the buyer bears the fee (recorded on the case for the refund that settles it);
    /// otherwise the seller does.
    pub buyer_pays_fee: bool,
    /// Whether the buyer asked for or agreed to the recall.
    pub buyer_agreed: bool,
}

/// Opens the recall of an order already handed over. Admins, order managers, customer service.
pub async fn request_recall(
    app: &App,
    principal: &Principal,
    order_id: &str,
    r: &RecallRequest,
) -> AppResult<CaseDetail> {
    principal.require(Permission::ChangeOrders)?;
    let reason = r.reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(invalid("reason", "required", "say why the order is recalled (at most 500 characters)"));
    }
    let id: OrderId = parse_id(order_id, "order")?;
    let operator = principal.scope.operator_id;
    let mut tx = app.begin().await?;
    let order = tx.lock_order(operator, principal.scope.merchant_id, id).await?;
    if order.status != OrderStatus::HandedOver {
        return Err(AppError::Conflict {
            code: "order.not_handed_over",
            message: format!("an order that is {} has not left: cancel it instead", order.status.as_str()),
            fields: Vec::new(),
        });
    }
    let open = cases::CaseFilter {
        merchant_id: None,
        order_id: Some(id),
        status: Some(CaseStatus::Open),
        department: None,
    };
    if cases::list(&mut tx, operator, &open, None, 100).await?.iter().any(|c| c.cause.starts_with(RECALL)) {
        return Err(AppError::Conflict {
            code: "order.recall_open",
            message: "a recall of this order is open already: work that case".into(),
            fields: Vec::new(),
        });
    }
    let fee = Money::new(r.fee_minor, order.currency)
        .ok()
        .filter(|m| m.minor() >= 0 && m.minor() <= order.paid.minor().max(0))
        .ok_or_else(|| {
            invalid("fee_minor", "out_of_range", "the fee is zero or more and at most what was paid")
        })?;
    let now = app.now();
    let case = CaseRow::opened(
        NewCase {
            id: app.new_uuid().to_string(),
            merchant_id: order.merchant_id,
            order_id: id,
            case_type: CaseType::Cancellation,
            cause: format!("{RECALL}: {reason}"),
            department: Department::Logistics,
        },
        now,
    );
    let currency = order.currency.code();
    let action = format!(
        "recall asked of the carrier; fee {} borne by the {}; the buyer {}",
        money_text(fee.minor(), currency),
        if r.buyer_pays_fee { "buyer" } else { "seller" },
        if r.buyer_agreed { "agreed" } else { "has not agreed yet" }
    );
    let detail = serde_json::json!({ "recall": true, "fee_minor": fee.minor(), "buyer_pays_fee": r.buyer_pays_fee,
                                     "buyer_agreed": r.buyer_agreed });
    super::open_case_in_tx(app, &mut tx, operator, &case, None, principal.actor, detail.clone()).await?;
    let row =
        ActionRow { id: app.new_uuid().to_string(), actor: actor_text(principal.actor), action, at: now };
    cases::add_action_in_tx(&mut tx, operator, &case.id, &row).await?;
    let event = tradeport_store::events::NewEvent {
        merchant_id: Some(order.merchant_id),
        reason: Some(reason),
        data: detail.to_string(),
        ..app.event(principal.actor, "order", id, "order_recall_requested")
    };
    tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
    tx.commit().await?;
    case_detail(app, principal, &case.id).await
}
