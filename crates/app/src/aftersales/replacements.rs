//! Goods that go out again (AFS-6): a reship once granted, an exchange's new item once the return
//! is inspected, a repaired unit going back. Each is a replacement order through the same intake
//! as every order (validation, stock, review): channel `aftersales`, the RMA number as its channel
//! order id (so it is made once, however often it is asked for), nothing to pay, the original
//! order's buyer, address and service. It is asked for by a job in the transaction that settles
//! the request and made at once after it commits; the job makes it after a crash or a refusal.

use tradeport_domain::jobs::JobKind;
use tradeport_domain::kernel::{Address, OrderId, TenantId};
use tradeport_domain::orders::{BuyerInput, LineInput, OrderInput};
use tradeport_store::aftersales::requests::{self, RequestRow, RequestsOf};
use tradeport_store::jobs::JobRow;

use super::requests::{RequestView, record_in_tx, stored_lines};
use crate::access::system_principal;
use crate::{App, AppError, AppResult, UnitOfWork};

/// The channel of replacement orders.
pub(crate) const CHANNEL: &str = "aftersales";

/// Asks for the request's replacement order, in the transaction that settles the request.
pub(crate) async fn queue_replacement_in_tx(
    app: &App,
    tx: &mut UnitOfWork,
    operator: TenantId,
    request_id: &str,
) -> AppResult<()> {
    let payload = serde_json::json!({ "request_id": request_id });
    crate::jobs::enqueue_in_tx(app, tx, Some(operator), JobKind::ReplacementOrder, &payload, app.now())
        .await?;
    Ok(())
}

/// The replacement order of a request, as intake takes it.
fn replacement_input(row: &RequestRow, order: &tradeport_store::orders::OrderRow) -> AppResult<OrderInput> {
    let address: Address = serde_json::from_str(&order.shipping_address)
        .map_err(|e| AppError::Internal(format!("address: {e}")))?;
    let lines = stored_lines(row)?
        .into_iter()
        .map(|l| LineInput { sku: l.sku, quantity: l.quantity, unit_price_minor: 0, variant: String::new() })
        .collect();
    // A repaired unit waits for the repair: the remark holds the order for a reviewer.
    let remarks = match row.request_type {
        tradeport_domain::aftersales::RequestType::Repair => {
            format!("repair of {}: approve once the repaired unit is back in stock", row.rma_no)
        }
        _ => String::new(),
    };
    Ok(OrderInput {
        merchant_id: Some(row.merchant_id.to_string()),
        channel: CHANNEL.into(),
        channel_order_id: row.rma_no.clone(),
        buyer: BuyerInput {
            name: order.buyer_name.clone(),
            phone: order.buyer_phone.clone(),
            email: order.buyer_email.clone(),
            language: order.buyer_language.clone(),
        },
        shipping_address: address,
        lines,
        currency: order.currency.code().into(),
        payment_method: "replacement".into(),
        payment_status: "paid".into(),
        service_level: order.service_level.clone(),
        carrier_service: order.carrier_service.clone(),
        remarks,
        ..OrderInput::default()
    })
}

/// Makes the request's replacement order, once, and links it to the request; its id.
pub(crate) async fn make_replacement(app: &App, operator: TenantId, request_id: &str) -> AppResult<OrderId> {
    let mut conn = app.db().read().await?;
    let row = requests::find(&mut conn, operator, None, RequestsOf::Id(request_id), 1)
        .await?
        .pop()
        .ok_or(AppError::NotFound("after-sales request"))?;
    if let Some(made) = row.replacement_order_id {
        return Ok(made);
    }
    let order = tradeport_store::orders::get(&mut conn, operator, None, row.order_id)
        .await?
        .ok_or(AppError::NotFound("order"))?;
    drop(conn);
    let input = replacement_input(&row, &order)?;
    let made = crate::orders::create_order(app, &system_principal(operator), &input).await?;
    let id: OrderId =
        made.order.summary.id.parse().map_err(|_| AppError::Internal("replacement order id".into()))?;
    let mut tx = app.begin().await?;
    tx.lock_order(operator, None, row.order_id).await?;
    if requests::set_replacement_in_tx(&mut tx, operator, &row.id, id).await? {
        let linked = RequestRow { replacement_order_id: Some(id), ..row };
        let why = format!("replacement order {}", made.order.summary.order_no.as_deref().unwrap_or_default());
        let actor = tradeport_domain::access::Actor::System;
        record_in_tx(app, &mut tx, operator, actor, &linked, "aftersales_replacement_ordered", Some(&why))
            .await?;
        tx.commit().await?;
    } else {
        tx.end_unwritten().await?;
    }
    Ok(id)
}

/// Makes the replacement at once after the settling transaction committed; when intake refuses
/// it now, the job tries again and keeps the reason for staff.
pub(crate) async fn replace_now(app: &App, operator: TenantId, mut view: RequestView) -> RequestView {
    match make_replacement(app, operator, &view.id).await {
        Ok(id) => view.replacement_order_id = Some(id.to_string()),
        Err(e) => tracing::warn!(request = %view.rma_no, error = %e, "replacement order left to its job"),
    }
    view
}

/// The replacement-order job.
pub(crate) async fn run_replacement_job(app: &App, job: &JobRow) -> Result<(), String> {
    let operator = job.tenant_id.ok_or("the job names no operator")?;
    let payload: serde_json::Value =
        serde_json::from_str(&job.payload).map_err(|e| format!("payload: {e}"))?;
    let request = payload["request_id"].as_str().ok_or("the job names no request")?;
    make_replacement(app, operator, request).await.map(|_| ()).map_err(|e| e.to_string())
}
