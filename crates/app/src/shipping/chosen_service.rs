//! The service the buyer or merchant chose (SHP-1, ORD-4): honoured when it can carry the parcel;
//! when it cannot, the parcel is not sent another way behind their back. It waits for a person:
//! an exception case for logistics, once per package, closed when staff label it with another
//! service and say why.

use tradeport_domain::access::Actor;
use tradeport_domain::exceptions::CaseType;
use tradeport_domain::kernel::{PackageId, TenantId};
use tradeport_domain::sla::Department;
use tradeport_store::exceptions::cases::{self, CaseRow, NewCase};
use tradeport_store::orders::OrderRow;

use crate::{App, AppResult, UnitOfWork};

fn key(package: PackageId) -> String {
    format!("{package}/chosen_service")
}

/// Opens the case that holds the package for a person (once).
pub(super) async fn hold_in_tx(
    app: &App,
    tx: &mut UnitOfWork,
    operator: TenantId,
    order: &OrderRow,
    package: PackageId,
    why: &str,
) -> AppResult<()> {
    let now = app.now();
    let case = CaseRow::opened(
        NewCase {
            id: app.new_uuid().to_string(),
            merchant_id: order.merchant_id,
            order_id: order.id,
            case_type: CaseType::ServiceUnavailable,
            cause: why.to_string(),
            department: Department::Logistics,
        },
        now,
    );
    let detail = serde_json::json!({ "package_id": package });
    crate::exceptions::open_case_in_tx(app, tx, operator, &case, Some(&key(package)), Actor::System, detail)
        .await?;
    Ok(())
}

/// Closes the package's case once staff labelled it another way, with their reason.
pub(super) async fn settle_in_tx(
    app: &App,
    tx: &mut UnitOfWork,
    operator: TenantId,
    order: &OrderRow,
    package: PackageId,
    result: &str,
) -> AppResult<()> {
    if let Some(id) = cases::close_by_key_in_tx(tx, operator, &key(package), result, app.now()).await? {
        let event = tradeport_store::events::NewEvent {
            merchant_id: Some(order.merchant_id),
            data: serde_json::json!({ "case_id": id, "result": result }).to_string(),
            ..app.event(Actor::System, "order", order.id, "order_exception_closed")
        };
        tradeport_store::events::append_in_tx(tx, operator, &event).await?;
    }
    Ok(())
}
