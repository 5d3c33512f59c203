//! The operator's prohibited and restricted goods rules (ORD-3).

use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::inventory::Trait;
use tradeport_domain::kernel::{FieldErrors, TenantId};
use tradeport_domain::orders::{GoodsRule, default_goods_rules};
use tradeport_store::AnyConnection;
use tradeport_store::inventory::goods_rules;

use crate::{App, AppError, AppResult};

/// Gives a new operator the default rules (editable afterwards).
pub async fn seed_default_goods_rules_in_tx(
    app: &App,
    conn: &mut AnyConnection,
    operator: TenantId,
) -> AppResult<()> {
    for rule in default_goods_rules() {
        goods_rules::insert_in_tx(conn, operator, &app.new_uuid().to_string(), &rule, app.now()).await?;
    }
    Ok(())
}

/// The operator's rules.
pub async fn list_goods_rules(app: &App, principal: &Principal) -> AppResult<Vec<GoodsRule>> {
    principal.require(Permission::ViewOrders)?;
    let mut conn = app.db().read().await?;
    Ok(goods_rules::list(&mut conn, principal.scope.operator_id).await?)
}

/// Adds a rule. Admins only.
pub async fn add_goods_rule(app: &App, principal: &Principal, rule: GoodsRule) -> AppResult<GoodsRule> {
    principal.require(Permission::ManageGoodsRules)?;
    let mut e = FieldErrors::new();
    if rule.code.trim().is_empty() {
        e.add("code", "required", "code is required, e.g. AU_BATTERIES");
    }
    if rule.trait_.is_none() && rule.hs_prefix.as_deref().is_none_or(|p| p.trim().is_empty()) {
        let traits: Vec<&str> = Trait::ALL.iter().map(|t| t.as_str()).collect();
        e.add(
            "trait",
            "required",
            format!("a rule needs a trait ({}) or an hs_prefix, or both", traits.join(", ")),
        );
    }
    if rule.hs_prefix.as_deref().is_some_and(|p| !p.chars().all(|c| c.is_ascii_digit())) {
        e.add("hs_prefix", "invalid", "hs_prefix is the leading digits of HS codes, e.g. 93 or 8507");
    }
    if rule.message.trim().is_empty() {
        e.add("message", "required", "message is required: say why and what to do instead");
    }
    e.into_result().map_err(AppError::Invalid)?;
    let rule = GoodsRule {
        destinations: rule
            .destinations
            .iter()
            .map(|d| d.trim().to_ascii_uppercase())
            .filter(|d| !d.is_empty())
            .collect(),
        ..rule
    };
    let operator = principal.scope.operator_id;
    let mut tx = app.begin().await?;
    goods_rules::insert_in_tx(&mut tx, operator, &app.new_uuid().to_string(), &rule, app.now())
        .await
        .map_err(|e| {
            if e.is_conflict_on("goods_rules_tenant_code_key") {
                AppError::duplicate("code", format!("a rule with code {} exists already", rule.code))
            } else {
                e.into()
            }
        })?;
    let data = serde_json::to_string(&rule).map_err(|e| AppError::Internal(e.to_string()))?;
    let event = tradeport_store::events::NewEvent {
        data,
        ..app.event(principal.actor, "goods_rule", &rule.code, "goods_rule_added")
    };
    tradeport_store::events::append_in_tx(&mut tx, operator, &event).await?;
    tx.commit().await?;
    Ok(rule)
}

/// Deletes a rule. Admins only.
pub async fn delete_goods_rule(app: &App, principal: &Principal, code: &str) -> AppResult<()> {
    principal.require(Permission::ManageGoodsRules)?;
    let operator = principal.scope.operator_id;
    let mut tx = app.begin().await?;
    if !goods_rules::delete_in_tx(&mut tx, operator, code).await? {
        return Err(AppError::NotFound("goods rule"));
    }
    tradeport_store::events::append_in_tx(
        &mut tx,
        operator,
        &app.event(principal.actor, "goods_rule", code, "goods_rule_deleted"),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
