//! After-sales on the buyer's tracking page (AFS-6, AFS-7): the order's lines a request can name,
//! the buyer's requests with where to send the goods, and the shop's policies for the buyer's
//! market, published in the page's language. Nothing about who decided or the operator.

use serde::Serialize;
use tradeport_domain::aftersales::Policy;
use tradeport_store::aftersales::policies;
use tradeport_store::aftersales::requests::{self, RequestsOf};

use crate::words::money_text;
use crate::{App, AppResult};

/// A line of the order.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PublicLine {
    pub sku: String,
    pub quantity: i64,
}

/// One of the buyer's requests.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PublicRequest {
    pub rma_no: String,
    pub request_type: String,
    pub status: String,
    /// Where to send the goods, once the return is approved.
    pub return_to: String,
    /// The rules that decided it.
    pub rules: Vec<String>,
    /// The most it refunds, written out.
    pub most: String,
}

/// A policy as buyers read it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PublicPolicy {
    /// The category it covers; empty: every other product.
    pub category: String,
    pub window_days: i64,
    /// Whether the law's 14 days to change one's mind apply in the buyer's market.
    pub legal_fourteen_days: bool,
    pub allowed: Vec<String>,
    pub non_returnable: bool,
    /// Below this value a refund needs no return (written out; empty: never).
    pub returnless_below: String,
    pub restocking_fee_pct: String,
}

/// What the tracking page shows for after-sales.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct BuyerAftersales {
    pub lines: Vec<PublicLine>,
    pub requests: Vec<PublicRequest>,
    pub policies: Vec<PublicPolicy>,
}

/// The after-sales part of the page a token opens.
pub async fn buyer_aftersales(app: &App, token: &str) -> AppResult<BuyerAftersales> {
    let (operator, order_id) = crate::shipping::tracking_target(app, token).await?;
    let mut conn = app.db().read().await?;
    let order = tradeport_store::orders::get(&mut conn, operator, None, order_id)
        .await?
        .ok_or(crate::AppError::NotFound("order"))?;
    let lines = tradeport_store::orders::lines::list(&mut conn, operator, order_id, order.currency)
        .await?
        .into_iter()
        .map(|l| PublicLine { sku: l.sku, quantity: l.quantity })
        .collect();
    let requests = requests::find(&mut conn, operator, None, RequestsOf::Order(order_id), 100)
        .await?
        .into_iter()
        .map(|r| {
            let view = super::RequestView::from(r);
            PublicRequest {
                rma_no: view.rma_no,
                request_type: view.request_type,
                status: view.status,
                return_to: view.return_to,
                rules: view.rules,
                most: view.most,
            }
        })
        .collect();
    let merchant = order.merchant_id.to_string();
    let market = order.ship_country.clone();
    let all: Vec<Policy> =
        policies::list(&mut conn, operator, Some(&merchant)).await?.into_iter().map(|r| r.policy).collect();
    // Per category, the most specific policy for this merchant and market.
    let mut shown: Vec<Policy> = Vec::new();
    for p in all.iter().filter(|p| p.market.as_deref().is_none_or(|m| m.eq_ignore_ascii_case(&market))) {
        let rank = |p: &Policy| usize::from(p.merchant.is_some()) + usize::from(p.market.is_some());
        match shown.iter_mut().find(|s| s.category == p.category) {
            Some(s) if rank(p) > rank(s) => *s = p.clone(),
            Some(_) => {}
            None => shown.push(p.clone()),
        }
    }
    let legal = tradeport_domain::aftersales::fourteen_day_market(&market);
    let policies = shown
        .into_iter()
        .map(|p| PublicPolicy {
            category: p.category.unwrap_or_default(),
            window_days: i64::from(p.window_days),
            legal_fourteen_days: legal,
            allowed: p.allowed.iter().map(|t| t.as_str().to_string()).collect(),
            non_returnable: p.non_returnable,
            returnless_below: if p.returnless_below_minor > 0 {
                money_text(p.returnless_below_minor, order.currency.code())
            } else {
                String::new()
            },
            restocking_fee_pct: format!("{}", f64::from(p.restocking_fee_bp) / 100.0),
        })
        .collect();
    Ok(BuyerAftersales { lines, requests, policies })
}
