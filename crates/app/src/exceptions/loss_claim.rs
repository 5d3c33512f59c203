//! A lost parcel's claim on the carrier (EXC-5): filed once on a `lost` case that holds the proof
//! of loss (the carrier's trace result, a statement), worth each lost parcel's insured amount where
//! it was insured, else its goods at the order's prices, never more than the goods. The buyer is
//! put right separately, by an after-sales request (a reship or a refund).

use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::exceptions::{CaseStatus, CaseType};
use tradeport_store::evidence::{self, EvidenceOf};
use tradeport_store::exceptions::cases::{self, ActionRow};
use tradeport_store::shipping::shipments::{self, ShipmentsOf};

use super::case_work::{CaseDetail, case_detail};
use crate::warehouse::{conflict, invalid};
use crate::words::{actor_text, money_text};
use crate::{App, AppError, AppResult};

/// What a claim is worth by, from the parcels it covers.
fn basis(insured: usize, parcels: usize) -> &'static str {
    match insured {
        0 => "order_value",
        n if n == parcels => "insured_amount",
        _ => "insured_amount_and_order_value",
    }
}

/// Files the claim of a lost parcel (the case's shipment, else every parcel of the order).
pub async fn claim_loss(app: &App, principal: &Principal, id: &str) -> AppResult<CaseDetail> {
    principal.require(Permission::HandleExceptions)?;
    let operator = principal.scope.operator_id;
    let mut tx = app.begin().await?;
    let case = cases::get(&mut tx, operator, principal.scope.merchant_id, id.trim())
        .await?
        .ok_or(AppError::NotFound("exception case"))?;
    if case.case_type != CaseType::Lost || case.status == CaseStatus::Closed {
        return Err(conflict(
            "case.not_claimable",
            format!(
                "only an open case of a lost parcel is claimed; this one is {} and {}",
                case.case_type.as_str(),
                case.status.as_str()
            ),
        ));
    }
    if let Some(amount) = case.follow_up.claim_minor {
        return Err(conflict(
            "case.claimed",
            format!("the claim was filed already, for {amount} (minor units)"),
        ));
    }
    if evidence::list(&mut tx, operator, EvidenceOf::Case(&case.id)).await?.is_empty() {
        return Err(invalid(
            "evidence",
            "proof_required",
            "attach the proof of loss first (the carrier's trace result or a statement), then claim",
        ));
    }
    let order = tx.lock_order(operator, None, case.order_id).await?;
    let mut parcels = shipments::find(&mut tx, operator, None, ShipmentsOf::Order(order.id)).await?;
    // The parcels lost: the case's own, else every parcel of the order not delivered.
    match &case.shipment_id {
        Some(named) => parcels.retain(|s| &s.id == named),
        None => parcels.retain(|s| s.delivered_at.is_none()),
    }
    if parcels.is_empty() {
        return Err(conflict("case.no_parcel", "the order has no parcel on its way to claim for"));
    }
    let prices = tradeport_store::orders::lines::list(&mut tx, operator, order.id, order.currency).await?;
    let packages: Vec<_> = parcels.iter().map(|s| s.package_id).collect();
    let items = tradeport_store::warehouse::packages::items(&mut tx, operator, &packages).await?;
    let mut amount: i64 = 0;
    for parcel in &parcels {
        let worth = match parcel.insured_minor {
            Some(insured) => insured,
            None => items
                .iter()
                .filter(|i| i.package_id == parcel.package_id)
                .map(|i| {
                    let unit =
                        prices.iter().find(|l| l.sku_id == i.sku_id).map_or(0, |l| l.unit_price.minor());
                    unit.saturating_mul(i.qty)
                })
                .sum(),
        };
        amount = amount.saturating_add(worth);
    }
    // Never more than the goods were worth.
    let amount = amount.min(order.subtotal.minor());
    let insured = parcels.iter().filter(|s| s.insured_minor.is_some()).count();
    let basis = basis(insured, parcels.len());
    let now = app.now();
    if !cases::set_claim_in_tx(&mut tx, operator, &case.id, (amount, basis), now).await? {
        return Err(conflict("case.claimed", "the claim was filed meanwhile"));
    }
    let carriers: Vec<&str> = parcels.iter().map(|s| s.carrier.as_str()).collect();
    let numbers: Vec<&str> = parcels.iter().map(|s| s.tracking_no.as_str()).collect();
    let action = format!(
        "claim filed with {} for {} ({}): {}",
        carriers.join(", "),
        money_text(amount, order.currency.code()),
        basis.replace('_', " "),
        numbers.join(", ")
    );
    let row =
        ActionRow { id: app.new_uuid().to_string(), actor: actor_text(principal.actor), action, at: now };
    cases::add_action_in_tx(&mut tx, operator, &case.id, &row).await?;
    let data = serde_json::json!({ "case_id": case.id, "claim_minor": amount, "claim_basis": basis,
                                   "currency": order.currency.code(), "tracking_no": numbers });
    let event = tradeport_store::events::NewEvent {
        merchant_id: Some(case.merchant_id),
        data: data.to_string(),
        ..app.event(principal.actor, "order", case.order_id, "order_loss_claimed")
    };
    tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
    tx.commit().await?;
    case_detail(app, principal, &case.id).await
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_claim_is_by_insured_amount_only_when_every_parcel_was_insured() {
        assert_eq!(super::basis(0, 2), "order_value");
        assert_eq!(super::basis(2, 2), "insured_amount");
        assert_eq!(super::basis(1, 2), "insured_amount_and_order_value");
    }
}
