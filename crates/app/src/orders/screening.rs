//! Risk screening at intake (ORD-10): the order's facts and the buyer's history read before the
//! writer transaction, the operator's rules applied (`domain::risk`), the order held for a person
//! when the score reaches the threshold, and the screening kept with what the person decided.

use tradeport_domain::kernel::{Millis, TenantId};
use tradeport_domain::orders::{OrderAction, OrderInput, OrderStatus, ValidatedOrder};
use tradeport_domain::risk::{RiskAssessment, RiskFacts, RiskSettings, assess, key};
use tradeport_store::AnyConnection;
use tradeport_store::orders::OrderRow;
use tradeport_store::orders::risk::{self, RiskRow};

use crate::{App, AppError, AppResult};

/// An address reduced for comparing with others' (the risk rules' "same address").
pub(crate) fn address_key(a: &tradeport_domain::kernel::Address) -> String {
    key(&[&a.line1, &a.line2, &a.city, &a.postcode, &a.country].map(|s| s.as_str()).join(" "))
}

/// An order's screening.
pub(crate) struct Screening {
    /// The shipping address reduced to letters and digits (stored with the order).
    pub address_key: String,
    pub assessment: RiskAssessment,
}

/// Screens a validated order; a hold is added to `v` when the score reaches the threshold.
pub(crate) async fn screen(
    app: &App,
    operator: TenantId,
    settings: &RiskSettings,
    input: &OrderInput,
    v: &mut ValidatedOrder,
) -> AppResult<Screening> {
    let address_key = address_key(&input.shipping_address);
    if !settings.enabled {
        return Ok(Screening { address_key, assessment: RiskAssessment::default() });
    }
    let (recent_orders, prior_orders) = if settings.needs_history() {
        let since = Millis(app.now().0 - i64::from(settings.velocity_hours) * 3_600_000);
        let mut conn = app.db().read().await?;
        // This order counts among the recent ones too: "more than N" includes it.
        let enough = settings.velocity_max_orders + 1;
        let phone = v.phone_e164.as_deref();
        let (recent, prior) =
            risk::buyer_history(&mut conn, operator, &v.email, phone, &address_key, since, enough).await?;
        (recent + 1, prior)
    } else {
        (0, 1)
    };
    let billing = input.billing_country.trim().to_ascii_uppercase();
    let facts = RiskFacts {
        billing_country: &billing,
        ship_country: input.shipping_address.country.trim(),
        address_key: &address_key,
        email: &v.email,
        phone_e164: v.phone_e164.as_deref(),
        total: v.total,
        recent_orders,
        prior_orders,
    };
    let assessment = assess(settings, &facts);
    if let Some(hold) = &assessment.hold {
        v.holds.push(hold.clone());
    }
    Ok(Screening { address_key, assessment })
}

/// Keeps the screening of a newly stored order when a rule fired on it.
pub(crate) async fn record_screening_in_tx(
    conn: &mut AnyConnection,
    operator: TenantId,
    order: &OrderRow,
    s: &Screening,
) -> AppResult<()> {
    if s.assessment.fired.is_empty() {
        return Ok(());
    }
    let row = RiskRow {
        order_id: order.id.to_string(),
        merchant_id: order.merchant_id.to_string(),
        score: i64::from(s.assessment.score),
        rules: serde_json::to_string(&s.assessment.fired).map_err(|e| AppError::Internal(e.to_string()))?,
        held: i64::from(s.assessment.hold.is_some()),
        decision: String::new(),
        decided_at: None,
        created_at: order.created_at.0,
    };
    risk::insert_in_tx(conn, operator, &row).await?;
    Ok(())
}

/// Records what a person decided on an order held for its risk: released, rejected or cancelled.
pub(crate) async fn record_decision_in_tx(
    conn: &mut AnyConnection,
    operator: TenantId,
    order: &OrderRow,
    action: OrderAction,
    to: OrderStatus,
    now: Millis,
) -> AppResult<()> {
    if !order.holds.contains("\"risk_review\"") {
        return Ok(());
    }
    let decision = match (action, to) {
        (OrderAction::ReleaseHold, _) => "released",
        (_, OrderStatus::Rejected) => "rejected",
        (_, OrderStatus::Cancelled) => "cancelled",
        _ => return Ok(()),
    };
    risk::decide_in_tx(conn, operator, order.id, decision, now).await?;
    Ok(())
}
