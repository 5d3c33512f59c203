//! Opening a case, whoever opens it (a lane rule, a refused chosen service, a person): once under
//! its key, on the order's timeline, and to the merchant's webhooks that want `exception.opened`,
//! so order management and customer service hear of it (EXC-1).

use tradeport_domain::access::Actor;
use tradeport_domain::kernel::TenantId;
use tradeport_store::AnyConnection;
use tradeport_store::exceptions::cases::{self, CaseRow};

use crate::{App, AppResult};

/// Opens the case unless one is open under `key`; true when it opened. `detail` adds to what the
/// event and the message say (the rule, the package …).
pub(crate) async fn open_case_in_tx(
    app: &App,
    conn: &mut AnyConnection,
    operator: TenantId,
    case: &CaseRow,
    key: Option<&str>,
    actor: Actor,
    detail: serde_json::Value,
) -> AppResult<bool> {
    if !cases::open_once_in_tx(conn, operator, case, key).await? {
        return Ok(false);
    }
    let mut data = serde_json::json!({ "case_id": case.id, "order_id": case.order_id, "type": case.case_type.as_str(),
                                       "cause": case.cause, "department": case.department.as_str() });
    if let (Some(data), Some(more)) = (data.as_object_mut(), detail.as_object()) {
        data.extend(more.clone());
    }
    let event = tradeport_store::events::NewEvent {
        merchant_id: Some(case.merchant_id),
        data: data.to_string(),
        ..app.event(actor, "order", case.order_id, "order_exception_opened")
    };
    tradeport_store::events::append_in_tx(conn, operator, &event).await?;
    let message = tradeport_store::outbox::NewMessage {
        id: app.new_uuid(),
        merchant_id: Some(case.merchant_id),
        topic: crate::notifications::EXCEPTION_OPENED,
        subject_type: "order",
        subject_id: case.order_id.to_string(),
        payload: data.to_string(),
        at: case.opened_at,
    };
    tradeport_store::outbox::enqueue_in_tx(conn, operator, &message).await?;
    Ok(true)
}
