//! After-sales policies (AFS-1, AFS-7): kept per merchant × category × market, and a buyer's
//! request checked against them for one of an order's SKUs: eligible or not, with every rule that
//! decided it, the freight payer, a returnless refund, the restocking fee.

use serde::{Deserialize, Serialize};
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::aftersales::{
    Decision, FreightPayer, Policy, Request, RequestReason, RequestType, evaluate,
};
use tradeport_domain::jobs::JobKind;
use tradeport_domain::kernel::{FieldError, OrderId};
use tradeport_store::aftersales::policies::{self, PolicyRow};
use tradeport_store::shipping::shipments::{self, ShipmentsOf};

use crate::warehouse::invalid;
use crate::{App, AppError, AppResult, parse_id};

const DAY_MS: i64 = 86_400_000;
const COMPLETION_CRON: &str = "0 3 * * *";

/// A policy as the API takes and shows it; empty `merchant_id`, `category` or `market` mean any.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PolicyInput {
    /// Set only by staff; a merchant's policies are its own.
    pub merchant_id: String,
    pub category: String,
    /// A destination country (ISO code).
    pub market: String,
    #[schema(maximum = 3650)]
    pub window_days: u32,
    /// refund_only, return_and_refund, exchange, reship, repair, partial_refund.
    pub allowed: Vec<String>,
    pub non_returnable: bool,
    pub returnless_below_minor: i64,
    pub restocking_fee_bp: u32,
    /// Where buyers in this market send returns, as an address to print; empty: the warehouse
    /// that shipped.
    pub return_point: String,
    /// Days after delivery in which a faulty item is repaired, past the return window too.
    pub warranty_days: u32,
    /// The force majeure terms, in words buyers read.
    pub force_majeure: String,
}

fn to_input(r: PolicyRow) -> PolicyInput {
    let p = r.policy;
    PolicyInput {
        merchant_id: p.merchant.unwrap_or_default(),
        category: p.category.unwrap_or_default(),
        market: p.market.unwrap_or_default(),
        window_days: p.window_days,
        allowed: p.allowed.iter().map(|t| t.as_str().to_string()).collect(),
        non_returnable: p.non_returnable,
        returnless_below_minor: p.returnless_below_minor,
        restocking_fee_bp: p.restocking_fee_bp,
        return_point: p.return_point,
        warranty_days: p.warranty_days,
        force_majeure: p.force_majeure,
    }
}

/// Keeps a policy (replacing the one of the same scope). Admins, and merchants for their own.
pub async fn save_policy(app: &App, principal: &Principal, i: &PolicyInput) -> AppResult<PolicyInput> {
    if principal.scope.merchant_id.is_none() {
        principal.require(Permission::ManageSettings)?;
    }
    let mut errors = Vec::new();
    let allowed: Vec<RequestType> = i
        .allowed
        .iter()
        .enumerate()
        .filter_map(|(n, a)| {
            let t = RequestType::parse(a);
            if t.is_none() {
                errors.push(FieldError::new(
                    format!("allowed[{n}]"),
                    "unknown_type",
                    "refund_only, return_and_refund, exchange, reship, repair, partial_refund or coupon",
                ));
            }
            t
        })
        .collect();
    let market = i.market.trim().to_uppercase();
    if !market.is_empty() && (market.len() != 2 || !market.chars().all(|c| c.is_ascii_uppercase())) {
        errors.push(FieldError::new(
            "market",
            "invalid_country",
            "market is an ISO country code such as DE, or empty for any",
        ));
    }
    if i.window_days > 3650 {
        errors.push(FieldError::new("window_days", "out_of_range", "window_days is at most 3650"));
    }
    if i.warranty_days > 3650 {
        errors.push(FieldError::new(
            "warranty_days",
            "out_of_range",
            "warranty_days is at most 3650 (ten years)",
        ));
    }
    if i.force_majeure.chars().count() > 1000 {
        errors.push(FieldError::new("force_majeure", "too_long", "force_majeure is at most 1000 characters"));
    }
    if i.returnless_below_minor < 0 || i.restocking_fee_bp > 10_000 {
        errors.push(FieldError::new(
            "restocking_fee_bp",
            "out_of_range",
            "amounts are zero or more; the fee is at most 10000 bp",
        ));
    }
    if i.return_point.chars().count() > 500 {
        errors.push(FieldError::new("return_point", "too_long", "return_point is at most 500 characters"));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let merchant = match principal.scope.merchant_id {
        Some(own) => Some(own.to_string()),
        None => Some(i.merchant_id.trim().to_string()).filter(|m| !m.is_empty()),
    };
    let policy = Policy {
        merchant,
        category: Some(i.category.trim().to_lowercase()).filter(|c| !c.is_empty()),
        market: Some(market).filter(|m| !m.is_empty()),
        window_days: i.window_days,
        allowed,
        non_returnable: i.non_returnable,
        returnless_below_minor: i.returnless_below_minor,
        restocking_fee_bp: i.restocking_fee_bp,
        return_point: i.return_point.trim().to_string(),
        warranty_days: i.warranty_days,
        force_majeure: i.force_majeure.trim().to_string(),
    };
    let operator = principal.scope.operator_id;
    let mut tx = app.begin().await?;
    let id = policies::save_in_tx(&mut tx, operator, &app.new_uuid().to_string(), &policy, app.now()).await?;
    // Orders complete once the window's first check has passed: checked every night.
    crate::jobs::schedule_once_in_tx(app, &mut tx, operator, JobKind::CompletionSweep, COMPLETION_CRON)
        .await?;
    tx.commit().await?;
    Ok(to_input(PolicyRow { id, policy }))
}

/// The policies in reach: all for staff, a merchant's own and those for every merchant.
pub async fn list_policies(app: &App, principal: &Principal) -> AppResult<Vec<PolicyInput>> {
    principal.require(Permission::ViewOrders)?;
    let mut conn = app.db().read().await?;
    let merchant = principal.scope.merchant_id.map(|m| m.to_string());
    let rows = policies::list(&mut conn, principal.scope.operator_id, merchant.as_deref()).await?;
    Ok(rows.into_iter().map(to_input).collect())
}

/// A request to check.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CheckRequest {
    pub sku: String,
    pub request_type: String,
    /// quality, logistics, wrong_or_missing, size_or_colour, not_as_described, changed_mind.
    pub reason: String,
}

/// The answer.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct CheckAnswer {
    pub eligible: bool,
    /// Every rule that decided it, in words a buyer understands.
    pub rules: Vec<String>,
    pub returnless: bool,
    /// `seller` or `buyer`.
    pub freight_payer: String,
    pub restocking_fee_minor: i64,
    pub market: String,
    pub category: String,
}

/// Checks a request for one of an order's SKUs against the policies (market: the order's
/// destination; category: the SKU's; days counted from the order's delivery).
pub async fn check_request(
    app: &App,
    principal: &Principal,
    order_id: &str,
    c: &CheckRequest,
) -> AppResult<CheckAnswer> {
    principal.require(Permission::ViewOrders)?;
    let request_type = RequestType::parse(&c.request_type).ok_or_else(|| {
        invalid(
            "request_type",
            "unknown_type",
            "refund_only, return_and_refund, exchange, reship, repair or partial_refund",
        )
    })?;
    let reason = RequestReason::parse(&c.reason).ok_or_else(|| {
        invalid(
            "reason",
            "unknown_reason",
            "quality, logistics, wrong_or_missing, size_or_colour, not_as_described or changed_mind",
        )
    })?;
    let id: OrderId = parse_id(order_id, "order")?;
    let operator = principal.scope.operator_id;
    let mut conn = app.db().read().await?;
    let order = tradeport_store::orders::get(&mut conn, operator, principal.scope.merchant_id, id)
        .await?
        .ok_or(AppError::NotFound("order"))?;
    let line = tradeport_store::orders::lines::list(&mut conn, operator, id, order.currency)
        .await?
        .into_iter()
        .find(|l| l.sku.eq_ignore_ascii_case(c.sku.trim()))
        .ok_or_else(|| invalid("sku", "not_on_order", format!("{} is not on this order", c.sku.trim())))?;
    let value = line.unit_price.minor().saturating_mul(line.quantity);
    let (d, category) =
        decide(app, &mut conn, operator, &order, line.sku_id, value, (request_type, reason)).await?;
    Ok(CheckAnswer {
        eligible: d.eligible,
        rules: d.rules,
        returnless: d.returnless,
        freight_payer: match d.freight_payer {
            FreightPayer::Seller => "seller".into(),
            FreightPayer::Buyer => "buyer".into(),
        },
        restocking_fee_minor: d.restocking_fee_minor,
        market: order.ship_country,
        category,
    })
}

/// The policies' decision for `value_minor` of one SKU of the order (market: its destination;
/// category: the SKU's; days counted from its delivery), with the SKU's category.
pub(crate) async fn decide(
    app: &App,
    conn: &mut tradeport_store::AnyConnection,
    operator: tradeport_domain::kernel::TenantId,
    order: &tradeport_store::orders::OrderRow,
    sku_id: tradeport_domain::kernel::SkuId,
    value_minor: i64,
    (request_type, reason): (RequestType, RequestReason),
) -> AppResult<(Decision, String)> {
    let sku = tradeport_store::inventory::skus::get(conn, operator, None, sku_id)
        .await?
        .ok_or(AppError::NotFound("SKU"))?;
    let (delivered, all) = delivery_and_policies(conn, operator, order).await?;
    let merchant = order.merchant_id.to_string();
    let days =
        delivered.map_or(0, |d| u32::try_from((app.now().0 - d.0).max(0) / DAY_MS).unwrap_or(u32::MAX));
    let category = sku.category.to_lowercase();
    let request = Request {
        merchant: &merchant,
        category: &category,
        market: &order.ship_country,
        request_type,
        reason,
        days_since_delivery: days,
        value_minor,
    };
    let d = evaluate(&all, &request).ok_or_else(|| AppError::Conflict {
        code: "aftersales.no_policy",
        message: format!("no after-sales policy covers {category} goods delivered to {}", order.ship_country),
        fields: Vec::new(),
    })?;
    Ok((d, category))
}

/// The latest delivery among the order's parcels, and its merchant's policies.
async fn delivery_and_policies(
    conn: &mut tradeport_store::AnyConnection,
    operator: tradeport_domain::kernel::TenantId,
    order: &tradeport_store::orders::OrderRow,
) -> AppResult<(Option<tradeport_domain::kernel::Millis>, Vec<Policy>)> {
    let delivered = shipments::find(conn, operator, None, ShipmentsOf::Order(order.id))
        .await?
        .iter()
        .filter_map(|s| s.delivered_at)
        .max();
    let merchant = order.merchant_id.to_string();
    let all = policies::list(conn, operator, Some(&merchant)).await?.into_iter().map(|r| r.policy).collect();
    Ok((delivered, all))
}

/// The policy that applies to one kind of goods on an order.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct AppliedPolicy {
    /// The SKUs' category, as the policies name it.
    pub category: String,
    /// The most specific policy covering it; `None`: no policy does, so no request is eligible.
    pub policy: Option<PolicyInput>,
    /// Whole days left of its window, counted from the order's delivery; `None` before delivery.
    pub days_left: Option<i64>,
}

/// The policies that apply to the goods of the principal's order `order_id`, one per category.
pub async fn policies_of_order(
    app: &App,
    principal: &Principal,
    order_id: OrderId,
) -> AppResult<Vec<AppliedPolicy>> {
    principal.require(Permission::ViewOrders)?;
    let operator = principal.scope.operator_id;
    let mut conn = app.db().read().await?;
    let order = tradeport_store::orders::get(&mut conn, operator, principal.scope.merchant_id, order_id)
        .await?
        .ok_or(AppError::NotFound("order"))?;
    let mut categories = Vec::new();
    for line in tradeport_store::orders::lines::list(&mut conn, operator, order_id, order.currency).await? {
        if let Some(sku) =
            tradeport_store::inventory::skus::get(&mut conn, operator, None, line.sku_id).await?
        {
            categories.push(sku.category.to_lowercase());
        }
    }
    categories.sort();
    categories.dedup();
    let (delivered, all) = delivery_and_policies(&mut conn, operator, &order).await?;
    let merchant = order.merchant_id.to_string();
    Ok(categories
        .into_iter()
        .map(|category| {
            let policy = tradeport_domain::aftersales::deciding_policy(
                &all,
                &merchant,
                &category,
                &order.ship_country,
            );
            let days_left =
                policy.zip(delivered).map(|(p, at)| i64::from(p.window_days) - (app.now().0 - at.0) / DAY_MS);
            let policy = policy.map(|p| to_input(PolicyRow { id: String::new(), policy: p.clone() }));
            AppliedPolicy { category, policy, days_left }
        })
        .collect())
}
