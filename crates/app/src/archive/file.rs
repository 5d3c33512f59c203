//! What an order's file holds, gathered with the operator's own rights: the order with its lines,
//! holds and timeline, its audit trail with the chain proof, the confirmation, packing slip,
//! outbound notes, labels and customs forms as the product prints them, and its exception cases,
//! after-sales requests and tickets with their messages. A document that does not exist for the
//! order (a domestic parcel's customs form, an order never confirmed) is left out, not faked.

use std::collections::BTreeSet;

use serde::Serialize;
use tradeport_domain::access::Principal;
use tradeport_domain::kernel::{OrderId, PackageId};

use crate::aftersales::{RequestQuery, list_requests};
use crate::exceptions::{CaseQuery, list_cases};
use crate::{App, AppError, AppResult};

/// A document that may not exist for this order: `None` when the product says so (not found,
/// not applicable), an error for a real fault.
fn optional<T>(made: AppResult<T>) -> AppResult<Option<T>> {
    match made {
        Ok(t) => Ok(Some(t)),
        Err(AppError::NotFound(_) | AppError::Conflict { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

fn json(value: &impl Serialize) -> AppResult<Vec<u8>> {
    serde_json::to_vec_pretty(value).map_err(|e| AppError::Internal(e.to_string()))
}

/// The files of order `id` (path, bytes), in a stable order.
pub(super) async fn files_of(
    app: &App,
    principal: &Principal,
    id: OrderId,
) -> AppResult<Vec<(String, Vec<u8>)>> {
    let order_key = id.to_string();
    let order = crate::orders::get_order(app, principal, id).await?;
    // The chain's last link is the operator's, not the merchant's (who may download the file).
    let mut trail = crate::audit::order_audit(app, principal, &order_key).await?;
    (trail.head_seq, trail.head_hash) = (0, String::new());
    let mut files =
        vec![("order.json".to_string(), json(&order)?), ("audit-trail.json".to_string(), json(&trail)?)];
    if let Some(c) = optional(crate::orders::confirmation_document(app, principal, id).await)? {
        files.push(("confirmation.pdf".into(), c.to_pdf()?));
    }
    if let Some(slip) = optional(crate::warehouse::packing_slip(app, principal, &order_key).await)? {
        files.push(("packing-slip.pdf".into(), slip.pdf));
    }
    let parcels = crate::shipping::shipments_of_order(app, principal, &order_key).await?;
    let mut handovers = BTreeSet::new();
    for p in &parcels {
        let name = |kind: &str| format!("{kind}/{}.pdf", p.tracking_no);
        if let Some(label) = optional(crate::shipping::label_pdf(app, principal, &p.package_id).await)? {
            files.push((name("labels"), label.pdf));
        }
        if let Some(form) = optional(crate::shipping::customs_pdf(app, principal, &p.id).await)? {
            files.push((name("customs"), form.pdf));
        }
        if let Some(invoice) = optional(crate::shipping::invoice_pdf(app, principal, &p.id).await)? {
            files.push((name("invoices"), invoice.pdf));
        }
        let package: Option<PackageId> = p.package_id.parse().ok();
        if let Some(package) = package {
            let mut conn = app.db().read().await?;
            let row = tradeport_store::warehouse::packages::get(
                &mut conn,
                principal.scope.operator_id,
                package,
                false,
            )
            .await?;
            handovers.extend(row.and_then(|r| r.handover_id).map(|h| h.to_string()));
        }
    }
    for h in handovers {
        if let Some(note) = optional(crate::warehouse::outbound_note(app, principal, &h).await)? {
            files.push((format!("outbound-notes/{}", note.file_name), note.pdf));
        }
    }
    files.push(("parcels.json".into(), json(&parcels)?));
    let cases = CaseQuery { order_id: Some(order_key.clone()), ..CaseQuery::default() };
    files.push(("exception-cases.json".into(), json(&list_cases(app, principal, &cases).await?.items)?));
    let requests = RequestQuery { order_id: Some(order_key), ..Default::default() };
    files.push(("after-sales.json".into(), json(&list_requests(app, principal, &requests).await?)?));
    let mut conn = app.db().read().await?;
    let ticket_rows = tradeport_store::tickets::of_order(&mut conn, principal.scope.operator_id, id).await?;
    drop(conn);
    let mut tickets = Vec::new();
    for t in ticket_rows {
        tickets.push(crate::tickets::ticket_detail(app, principal, &t.id).await?);
    }
    files.push(("tickets.json".into(), json(&tickets)?));
    Ok(files)
}
