//! After-sales on the buyer's tracking page (AFS-6, AFS-7): the order's lines a request can name,
//! the buyer's requests with where to send the goods, and the shop's policies for the buyer's
//! market, published in the page's language. Nothing about who decided or the operator.

use serde::Serialize;
use tradeport_domain::aftersales::{Policy, deciding_policy};
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
    /// Photos and documents sent with it.
    pub photos: i64,
    /// A prepaid carrier label to print, when one was bought.
    pub return_label_url: Option<String>,
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
    /// Days after delivery in which a faulty item is repaired; 0: none.
    pub warranty_days: i64,
    /// The shop's force majeure terms.
    pub force_majeure: String,
}

/// What the tracking page shows for after-sales.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct BuyerAftersales {
    pub lines: Vec<PublicLine>,
    pub requests: Vec<PublicRequest>,
    pub policies: Vec<PublicPolicy>,
    /// The order cannot be fulfilled as planned: the alternatives offered, and the answer.
    pub offer: Option<crate::exceptions::PublicOffer>,
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
    let mut requests = Vec::new();
    for r in requests::find(&mut conn, operator, None, RequestsOf::Order(order_id), 100).await? {
        let photos = super::evidence::evidence_of(&mut conn, operator, &r.id).await?.len() as i64;
        let view = super::RequestView::from(r);
        requests.push(PublicRequest {
            rma_no: view.rma_no,
            request_type: view.request_type,
            status: view.status,
            return_to: view.return_to,
            rules: view.rules,
            most: view.most,
            return_label_url: view.return_label_url,
            photos,
        });
    }
    let merchant = order.merchant_id.to_string();
    let market = order.ship_country.clone();
    let all: Vec<Policy> =
        policies::list(&mut conn, operator, Some(&merchant)).await?.into_iter().map(|r| r.policy).collect();
    // Per category a policy names, and for everything else, the policy that decides there: the
    // same one `evaluate` uses.
    let mut categories: Vec<String> = all.iter().filter_map(|p| p.category.clone()).collect();
    categories.sort();
    categories.dedup();
    let fallback = deciding_policy(&all, &merchant, "", &market);
    let mut shown: Vec<(String, &Policy)> = Vec::new();
    for c in &categories {
        if let Some(p) = deciding_policy(&all, &merchant, c, &market).filter(|p| Some(*p) != fallback) {
            shown.push((c.clone(), p));
        }
    }
    if let Some(p) = fallback {
        shown.push((String::new(), p));
    }
    let legal = tradeport_domain::aftersales::fourteen_day_market(&market);
    let policies = shown
        .into_iter()
        .map(|(category, p)| PublicPolicy {
            category,
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
            warranty_days: i64::from(p.warranty_days),
            force_majeure: p.force_majeure.clone(),
        })
        .collect();
    let offer = crate::exceptions::public_offer(&mut conn, operator, order_id).await?;
    Ok(BuyerAftersales { lines, requests, policies, offer })
}
