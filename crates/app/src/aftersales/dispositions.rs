//! A merchant's standing disposition rules (AFS-5): what becomes of a returned unit found
//! resaleable, damaged or not the item sold, when the inspection names no disposition itself.
//! Set by the merchant, or by staff for a merchant; a resaleable unit alone may be restocked.

use serde::{Deserialize, Serialize};
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::aftersales::{Disposition, ItemCondition};
use tradeport_domain::kernel::FieldError;
use tradeport_store::aftersales::dispositions;

use crate::inventory::{check_merchant, merchant_for};
use crate::{App, AppError, AppResult};

/// One rule: for goods in `condition`, do `disposition`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct DispositionRule {
    /// resaleable, damaged or not_original.
    pub condition: String,
    /// restock, repair, destroy or return_to_origin (restock only for resaleable goods).
    pub disposition: String,
}

/// A merchant's rules.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct DispositionRules {
    /// Staff name the merchant; a merchant's own are its own.
    pub merchant_id: Option<String>,
    pub rules: Vec<DispositionRule>,
}

fn view(merchant: String, rules: &[(ItemCondition, Disposition)]) -> DispositionRules {
    let rules = rules
        .iter()
        .map(|(c, d)| DispositionRule { condition: c.as_str().into(), disposition: d.as_str().into() })
        .collect();
    DispositionRules { merchant_id: Some(merchant), rules }
}

/// Checks the rules: known conditions and dispositions, each condition once, restock only for
/// resaleable goods.
fn checked(rules: &[DispositionRule]) -> AppResult<Vec<(ItemCondition, Disposition)>> {
    let mut errors = Vec::new();
    let mut out: Vec<(ItemCondition, Disposition)> = Vec::new();
    for (n, r) in rules.iter().enumerate() {
        let field = |f: &str| format!("rules[{n}].{f}");
        let condition = ItemCondition::parse(&r.condition);
        let disposition = Disposition::parse(&r.disposition);
        if condition.is_none() {
            errors.push(FieldError::new(
                field("condition"),
                "unknown_condition",
                "condition is resaleable, damaged or not_original",
            ));
        }
        if disposition.is_none() {
            errors.push(FieldError::new(
                field("disposition"),
                "unknown_disposition",
                "disposition is restock, repair, destroy or return_to_origin",
            ));
        }
        let (Some(c), Some(d)) = (condition, disposition) else { continue };
        if out.iter().any(|(seen, _)| *seen == c) {
            errors.push(FieldError::new(field("condition"), "duplicate", "one rule per condition"));
        } else if !c.allows(d) {
            errors.push(FieldError::new(
                field("disposition"),
                "not_resaleable",
                "only resaleable goods go back into stock; repair, destroy or return them",
            ));
        } else {
            out.push((c, d));
        }
    }
    if errors.is_empty() { Ok(out) } else { Err(AppError::Invalid(errors)) }
}

/// Replaces the merchant's standing rules.
pub async fn set_disposition_rules(
    app: &App,
    principal: &Principal,
    input: &DispositionRules,
) -> AppResult<DispositionRules> {
    principal.require(Permission::FileAftersales)?;
    let merchant = merchant_for(principal, input.merchant_id.as_deref())?;
    check_merchant(app, principal, merchant).await?;
    let rules = checked(&input.rules)?;
    let mut tx = app.begin().await?;
    dispositions::replace_in_tx(&mut tx, principal.scope.operator_id, merchant, &rules, app.now()).await?;
    tx.commit().await?;
    let mut conn = app.db().read().await?;
    let stored = dispositions::list(&mut conn, principal.scope.operator_id, merchant).await?;
    Ok(view(merchant.to_string(), &stored))
}

/// The merchant's standing rules.
pub async fn disposition_rules(
    app: &App,
    principal: &Principal,
    merchant_id: Option<&str>,
) -> AppResult<DispositionRules> {
    principal.require(Permission::FileAftersales)?;
    let merchant = merchant_for(principal, merchant_id)?;
    check_merchant(app, principal, merchant).await?;
    let mut conn = app.db().read().await?;
    let stored = dispositions::list(&mut conn, principal.scope.operator_id, merchant).await?;
    Ok(view(merchant.to_string(), &stored))
}
