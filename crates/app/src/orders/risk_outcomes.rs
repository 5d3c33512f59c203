//! How the risk rules did (ORD-10): for each rule, how often it fired, how often the orders it
//! fired on were held, and what people decided on them, so the operator can tune the weights
//! from outcomes (a rule whose held orders are nearly all released weighs too much).

use std::collections::BTreeMap;

use serde::Serialize;
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::kernel::{FieldError, Millis};
use tradeport_domain::risk::{FiredRule, RiskRule};

use crate::{App, AppError, AppResult};

/// One rule's outcomes.
#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct RuleOutcome {
    pub rule: String,
    /// Its weight now.
    pub weight: u32,
    pub fired: u64,
    /// Orders it fired on that the score held.
    pub held: u64,
    pub released: u64,
    pub rejected: u64,
    pub cancelled: u64,
    /// Held and not decided yet.
    pub pending: u64,
}

/// The outcomes of the last `days` days (a merchant: its own orders).
pub async fn risk_outcomes(app: &App, principal: &Principal, days: u32) -> AppResult<Vec<RuleOutcome>> {
    principal.require(Permission::ReviewOrders)?;
    if !(1..=1095).contains(&days) {
        return Err(AppError::Invalid(vec![FieldError::new("days", "out_of_range", "days is 1 to 1095")]));
    }
    let operator = principal.scope.operator_id;
    let mut conn = app.db().read().await?;
    let settings = crate::access::load_operator(&mut conn, operator).await?.settings.risk;
    let since = Millis(app.now().0 - i64::from(days) * 86_400_000);
    let rows =
        tradeport_store::orders::risk::since(&mut conn, operator, principal.scope.merchant_id, since).await?;
    let mut by_rule: BTreeMap<RiskRule, RuleOutcome> = RiskRule::ALL
        .into_iter()
        .map(|r| {
            (r, RuleOutcome { rule: r.as_str().into(), weight: settings.weight(r), ..RuleOutcome::default() })
        })
        .collect();
    for row in rows {
        let fired: Vec<FiredRule> = serde_json::from_str(&row.rules)
            .map_err(|e| AppError::Internal(format!("order {} risk rules: {e}", row.order_id)))?;
        for f in fired {
            let o = by_rule.entry(f.rule).or_default();
            o.fired += 1;
            if row.held == 0 {
                continue;
            }
            o.held += 1;
            match row.decision.as_str() {
                "released" => o.released += 1,
                "rejected" => o.rejected += 1,
                "cancelled" => o.cancelled += 1,
                _ => o.pending += 1,
            }
        }
    }
    Ok(by_rule.into_values().collect())
}
