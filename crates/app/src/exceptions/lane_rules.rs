//! The operator's exception rules per lane (SHP-6): kept, listed, removed. Saving the first rule
//! schedules the hourly sweep that applies the rules only time can break.

use serde::Serialize;
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::exceptions::{LaneRuleInput, RuleKind, validate_lane_rule};
use tradeport_domain::jobs::JobKind;
use tradeport_store::exceptions::lane_rules::{self, LaneRuleRow};

use crate::{App, AppError, AppResult};

/// The sweep's schedule: at the start of every hour.
const SWEEP_CRON: &str = "0 * * * *";

/// A rule as the API shows it; `*` for any.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct LaneRuleView {
    pub id: String,
    pub origin: String,
    pub destination: String,
    pub service: String,
    pub kind: String,
    pub threshold: i64,
    pub department: String,
    /// The rule in words, e.g. `SZX1 → DE, any service: no tracking update for 72 hours`.
    pub summary: String,
}

impl From<LaneRuleRow> for LaneRuleView {
    fn from(r: LaneRuleRow) -> Self {
        let any = |v: &Option<String>| v.clone().unwrap_or_else(|| "*".into());
        let rule = &r.rule;
        let n = rule.threshold;
        let what = match rule.kind {
            RuleKind::NoUpdate => format!("no tracking update for {n} hours"),
            RuleKind::Stuck => format!("the same status for {n} days"),
            RuleKind::DeliveryFailed => format!("delivery failed {n} times"),
            RuleKind::PastPromisedDate => format!("{n} days past the promised date"),
            RuleKind::ReturnedToSender => "returned to sender".into(),
            RuleKind::CustomsRefused => "customs refused".into(),
        };
        let lane = format!(
            "{} → {}, {}",
            rule.origin.as_deref().unwrap_or("any origin"),
            rule.destination.as_deref().unwrap_or("anywhere"),
            rule.service.as_deref().map_or("any service".to_string(), |s| format!("service {s}"))
        );
        Self {
            summary: format!("{lane}: {what} → {}", rule.department.as_str()),
            id: r.id,
            origin: any(&rule.origin),
            destination: any(&rule.destination),
            service: any(&rule.service),
            kind: rule.kind.as_str().into(),
            threshold: n,
            department: rule.department.as_str().into(),
        }
    }
}

/// Keeps a rule (replacing the lane's rule of the same kind). Logistics staff and admins.
pub async fn save_lane_rule(
    app: &App,
    principal: &Principal,
    input: &LaneRuleInput,
) -> AppResult<LaneRuleView> {
    principal.require(Permission::ManageCarriers)?;
    let rule = validate_lane_rule(input).map_err(AppError::Invalid)?;
    let operator = principal.scope.operator_id;
    let now = app.now();
    let mut tx = app.begin().await?;
    let id = lane_rules::save_in_tx(&mut tx, operator, &app.new_uuid().to_string(), &rule, now).await?;
    crate::jobs::schedule_once_in_tx(app, &mut tx, operator, JobKind::TrackingSweep, SWEEP_CRON).await?;
    let data = serde_json::json!({ "rule_id": id, "kind": rule.kind.as_str(), "threshold": rule.threshold });
    let event = tradeport_store::events::NewEvent {
        data: data.to_string(),
        ..app.event(principal.actor, "tenant", operator, "lane_rule_saved")
    };
    tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
    tx.commit().await?;
    Ok(LaneRuleRow { id, rule, created_at: now }.into())
}

/// The operator's rules (its configuration: staff only).
pub async fn list_lane_rules(app: &App, principal: &Principal) -> AppResult<Vec<LaneRuleView>> {
    principal.require(Permission::ViewSettings)?;
    let mut conn = app.db().read().await?;
    let rows = lane_rules::list(&mut conn, principal.scope.operator_id).await?;
    Ok(rows.into_iter().map(LaneRuleView::from).collect())
}

/// Removes a rule; cases it opened stay.
pub async fn delete_lane_rule(app: &App, principal: &Principal, id: &str) -> AppResult<()> {
    principal.require(Permission::ManageCarriers)?;
    let operator = principal.scope.operator_id;
    let mut tx = app.begin().await?;
    if !lane_rules::delete_in_tx(&mut tx, operator, id.trim()).await? {
        return Err(AppError::NotFound("lane rule"));
    }
    let event = tradeport_store::events::NewEvent {
        data: serde_json::json!({ "rule_id": id.trim() }).to_string(),
        ..app.event(principal.actor, "tenant", operator, "lane_rule_deleted")
    };
    tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
    tx.commit().await?;
    Ok(())
}
