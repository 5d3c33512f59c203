//! Filing an after-sales request (AFS-2, AFS-3, AFS-6): by staff, by a merchant through the API,
//! or by the buyer from the tracking page (no account: the page's unguessable link). Under the
//! order's lock the claimed lines are checked against what was bought, shipped and claimed before,
//! each line is decided by the policy of its category and the destination market, the request is
//! numbered (RMA-000001), routed to a department from its reason and the buyer's words, and put on
//! the order's timeline and the merchant's webhooks. A request the policy refuses is kept as
//! rejected, with the rules that refused it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use tradeport_domain::access::{Actor, Permission, Principal};
use tradeport_domain::aftersales::{
    ClaimLine, FreightPayer, RefundMethod, RequestReason, RequestSource, RequestStatus, RequestType,
    after_discount, refund_cap, route,
};
use tradeport_domain::kernel::{OrderId, TenantId};
use tradeport_domain::orders::OrderStatus;
use tradeport_domain::warehouse::PackageStatus;
use tradeport_store::aftersales::requests::{self, RequestRow, RequestsOf, freight_payer_str};
use tradeport_store::orders::OrderRow;
use tradeport_store::warehouse::{counters, packages};

use super::policies::decide;
use crate::warehouse::{invalid, rfc3339};
use crate::words::{actor_text, money_text};
use crate::{App, AppError, AppResult, UnitOfWork, parse_id};

/// Units of one SKU asked for.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ClaimInput {
    pub sku: String,
    pub quantity: i64,
}

/// Units of one SKU claimed, at what one unit was paid (minor units).
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ClaimedLine {
    pub sku: String,
    pub quantity: i64,
    pub unit_price_minor: i64,
}

/// The lines a request keeps.
pub(crate) fn stored_lines(r: &RequestRow) -> AppResult<Vec<ClaimedLine>> {
    serde_json::from_str(&r.lines).map_err(|e| AppError::Internal(format!("lines of {}: {e}", r.rma_no)))
}

/// A request as filed.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct FileRequest {
    /// Taken from the path when filed on an order's page or the tracking page.
    pub order_id: String,
    /// refund_only, return_and_refund, exchange, reship, repair or partial_refund.
    #[schema(required = true, value_type = crate::code_lists::RequestTypeCode)]
    pub request_type: String,
    /// quality, logistics, wrong_or_missing, size_or_colour, not_as_described or changed_mind.
    #[schema(required = true, value_type = crate::code_lists::RequestReasonCode)]
    pub reason: String,
    /// The buyer's words (at most 2000 characters).
    pub description: String,
    pub lines: Vec<ClaimInput>,
    /// How money goes back: `original` or `store_credit`; left out: the payment that paid when it
    /// can be refunded through the provider, else store credit.
    pub refund_method: String,
}

/// What the inspection at the warehouse found.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Inspection {
    pub intact: bool,
    pub original_item: bool,
    pub resaleable: bool,
    pub notes: String,
    pub inspected_by: String,
    pub inspected_at: String,
}

/// A request as the API shows it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct RequestView {
    pub id: String,
    /// The return authorisation number the parcel is marked with, e.g. `RMA-000001`.
    pub rma_no: String,
    pub order_id: String,
    pub request_type: String,
    pub reason: String,
    pub description: String,
    /// staff, merchant or buyer.
    pub source: String,
    pub lines: Vec<ClaimedLine>,
    pub currency: String,
    pub goods_minor: i64,
    /// The shipping fee granted back (the seller's fault, once per order).
    pub shipping_minor: i64,
    pub restocking_fee_minor: i64,
    /// The most this request may refund: goods and shipping, less the restocking fee.
    pub most_minor: i64,
    /// The most, written out, e.g. `38.00 GBP`.
    pub most: String,
    pub eligible: bool,
    pub returnless: bool,
    /// seller or buyer.
    pub freight_payer: String,
    /// Every rule that decided eligibility, in words a buyer understands.
    pub rules: Vec<String>,
    /// The department whose queue it is in.
    pub department: String,
    /// requested, escalated, awaiting_return, received, completed or rejected.
    pub status: String,
    pub refund_method: String,
    pub granted_minor: Option<i64>,
    pub decided_by: Option<String>,
    pub decision_note: Option<String>,
    /// Where the goods go back (a local return point, or the warehouse that shipped).
    pub return_to: String,
    pub inspection: Option<Inspection>,
    /// restock, repair, destroy or return_to_origin.
    pub disposition: Option<String>,
    pub disposition_reason: Option<String>,
    pub refund_id: Option<String>,
    /// The order that sends goods out again: a reship, an exchange's new item, a repaired unit.
    pub replacement_order_id: Option<String>,
    /// The coupon a granted `coupon` request gave.
    pub coupon: Option<super::CouponView>,
    /// A carrier return label bought for it: scanned in like the RMA number.
    pub return_tracking_no: Option<String>,
    /// The label the buyer prints.
    pub return_label_url: Option<String>,
    /// Photos and documents (listed with one request, `GET …/{id}`; empty in lists).
    pub evidence: Vec<crate::evidence::EvidenceView>,
    pub created_at: String,
    pub updated_at: String,
}

/// The most a request may refund: goods and shipping, less the restocking fee.
pub(crate) fn most(r: &RequestRow) -> i64 {
    (r.goods_minor + r.shipping_minor - r.restocking_fee_minor).max(0)
}

impl From<RequestRow> for RequestView {
    fn from(r: RequestRow) -> Self {
        let most = most(&r);
        Self {
            most: money_text(most, &r.currency),
            most_minor: most,
            id: r.id,
            rma_no: r.rma_no,
            order_id: r.order_id.to_string(),
            request_type: r.request_type.as_str().into(),
            reason: r.reason.as_str().into(),
            description: r.description,
            source: r.source.as_str().into(),
            lines: serde_json::from_str(&r.lines).unwrap_or_default(),
            currency: r.currency,
            goods_minor: r.goods_minor,
            shipping_minor: r.shipping_minor,
            restocking_fee_minor: r.restocking_fee_minor,
            eligible: r.eligible,
            returnless: r.returnless,
            freight_payer: freight_payer_str(r.freight_payer).into(),
            rules: serde_json::from_str(&r.rules).unwrap_or_default(),
            department: r.department.as_str().into(),
            status: r.status.as_str().into(),
            refund_method: r.refund_method.as_str().into(),
            granted_minor: r.granted_minor,
            decided_by: r.decided_by,
            decision_note: r.decision_note,
            return_to: r.return_to,
            inspection: r.inspection.as_deref().and_then(|i| serde_json::from_str(i).ok()),
            disposition: r.disposition.map(|d| d.as_str().into()),
            disposition_reason: r.disposition_reason,
            refund_id: r.refund_id,
            replacement_order_id: r.replacement_order_id.map(|o| o.to_string()),
            coupon: None,
            return_tracking_no: r.return_label.as_ref().map(|l| l.0.clone()),
            return_label_url: r.return_label.as_ref().map(|l| l.1.clone()),
            evidence: Vec::new(),
            created_at: rfc3339(r.created_at),
            updated_at: rfc3339(r.updated_at),
        }
    }
}

/// Files a request for one of the orders in reach: staff, or a merchant for its own.
pub async fn file_request(app: &App, principal: &Principal, f: &FileRequest) -> AppResult<RequestView> {
    principal.require(Permission::FileAftersales)?;
    let order: OrderId = parse_id(&f.order_id, "order")?;
    let source =
        if principal.scope.merchant_id.is_some() { RequestSource::Merchant } else { RequestSource::Staff };
    let scope = (principal.scope.operator_id, principal.scope.merchant_id);
    file(app, scope, order, f, source, principal.actor).await
}

/// Files a request from the buyer's tracking page.
pub async fn file_from_tracking(app: &App, token: &str, f: &FileRequest) -> AppResult<RequestView> {
    let (operator, order) = crate::shipping::tracking_target(app, token).await?;
    file(app, (operator, None), order, f, RequestSource::Buyer, Actor::System).await
}

/// The input checked before anything is read.
fn checked(f: &FileRequest) -> AppResult<(RequestType, RequestReason, BTreeMap<String, i64>)> {
    let request_type = RequestType::parse(&f.request_type).ok_or_else(|| {
        invalid(
            "request_type",
            "unknown_type",
            "request_type is refund_only, return_and_refund, exchange, reship, repair or partial_refund",
        )
    })?;
    let reason = RequestReason::parse(&f.reason).ok_or_else(|| {
        invalid(
            "reason",
            "unknown_reason",
            "reason is quality, logistics, wrong_or_missing, size_or_colour, not_as_described or changed_mind",
        )
    })?;
    if f.description.chars().count() > 2000 {
        return Err(invalid("description", "too_long", "say what happened in at most 2000 characters"));
    }
    let mut asked = BTreeMap::new();
    for (n, l) in f.lines.iter().enumerate() {
        if !(1..=100_000).contains(&l.quantity) {
            return Err(AppError::Invalid(vec![tradeport_domain::kernel::FieldError::new(
                format!("lines[{n}].quantity"),
                "out_of_range",
                "quantity is 1 or more",
            )]));
        }
        *asked.entry(l.sku.trim().to_uppercase()).or_insert(0) += l.quantity;
    }
    if asked.is_empty() {
        return Err(invalid("lines", "required", "name the SKUs and quantities the request is about"));
    }
    Ok((request_type, reason, asked))
}

async fn file(
    app: &App,
    (operator, merchant): (TenantId, Option<TenantId>),
    order_id: OrderId,
    f: &FileRequest,
    source: RequestSource,
    actor: Actor,
) -> AppResult<RequestView> {
    let (request_type, reason, asked) = checked(f)?;
    let mut tx = app.begin().await?;
    let order = tx.lock_order(operator, merchant, order_id).await?;
    if matches!(order.status, OrderStatus::Cancelled | OrderStatus::Rejected) {
        return Err(AppError::Conflict {
            code: "aftersales.order_closed",
            message: format!("the order is {}: refund what was paid instead", order.status.as_str()),
            fields: Vec::new(),
        });
    }
    let refund_method = match f.refund_method.trim() {
        "" if app.stripe().is_some() && !order.payment_reference.is_empty() => RefundMethod::Original,
        "" => RefundMethod::StoreCredit,
        m => RefundMethod::parse(m).filter(|m| *m != RefundMethod::Manual).ok_or_else(|| {
            invalid("refund_method", "unknown_method", "refund_method is original or store_credit")
        })?,
    };
    let earlier = requests::find(&mut tx, operator, None, RequestsOf::Order(order_id), 1_000).await?;
    let claim = claim_lines(&mut tx, operator, &order, &earlier).await?;
    let shipping_granted =
        earlier.iter().any(|r| r.status != RequestStatus::Rejected && r.shipping_minor > 0);
    let (goods, shipping) =
        refund_cap(&claim.lines, &asked, reason, order.shipping_fee.minor(), shipping_granted)
            .map_err(|why| invalid("lines", "not_claimable", why.to_string()))?;
    // What was paid for those goods: the order's discount shared by its lines.
    let goods = after_discount(goods, order.subtotal.minor(), order.discount.minor());

    // Each line decided by its category's policy for the destination market.
    let mut rules: Vec<String> = Vec::new();
    let (mut eligible, mut returnless, mut fee, mut return_point) = (true, true, 0i64, String::new());
    let mut freight_payer = FreightPayer::Buyer;
    let mut lines = Vec::new();
    for (sku, qty) in &asked {
        let (sku_id, unit, code) = claim.ids[sku].clone();
        let (d, _) =
            decide(app, &mut tx, operator, &order, sku_id, unit * qty, (request_type, reason)).await?;
        eligible &= d.eligible;
        returnless &= d.returnless;
        fee += d.restocking_fee_minor;
        freight_payer = d.freight_payer;
        if return_point.is_empty() {
            return_point = d.return_point;
        }
        for r in d.rules {
            if !rules.contains(&r) {
                rules.push(r);
            }
        }
        lines.push(ClaimedLine { sku: code, quantity: *qty, unit_price_minor: unit });
    }
    let now = app.now();
    let return_to = if return_point.is_empty() { claim.warehouse_address.clone() } else { return_point };
    let row = RequestRow {
        id: app.new_uuid().to_string(),
        merchant_id: order.merchant_id,
        order_id,
        rma_no: counters::next_number_in_tx(&mut tx, operator, "RMA").await?,
        request_type,
        reason,
        description: f.description.trim().to_string(),
        source,
        lines: serde_json::to_string(&lines).map_err(|e| AppError::Internal(e.to_string()))?,
        currency: order.currency.code().into(),
        goods_minor: goods,
        shipping_minor: shipping,
        restocking_fee_minor: fee,
        eligible,
        returnless,
        freight_payer,
        rules: serde_json::to_string(&rules).map_err(|e| AppError::Internal(e.to_string()))?,
        department: route(reason, &f.description),
        status: if eligible { RequestStatus::Requested } else { RequestStatus::Rejected },
        refund_method,
        granted_minor: None,
        decided_by: (!eligible).then(|| "policy".to_string()),
        decision_note: (!eligible).then(|| format!("not eligible: {}", rules.join("; "))),
        return_to,
        warehouse_id: claim.warehouse_id,
        inspection: None,
        disposition: None,
        disposition_reason: None,
        refund_id: None,
        replacement_order_id: None,
        return_label: None,
        created_at: now,
        updated_at: now,
    };
    requests::insert_in_tx(&mut tx, operator, &row).await?;
    record_in_tx(app, &mut tx, operator, actor, &row, "aftersales_requested", Some(&row.description)).await?;
    let message = tradeport_store::outbox::NewMessage {
        id: app.new_uuid(),
        merchant_id: Some(order.merchant_id),
        topic: crate::notifications::AFTERSALES_REQUESTED,
        subject_type: "order",
        subject_id: order_id.to_string(),
        payload: serde_json::to_string(&RequestView::from(row.clone()))
            .map_err(|e| AppError::Internal(e.to_string()))?,
        at: now,
    };
    tradeport_store::outbox::enqueue_in_tx(&mut tx, operator, &message).await?;
    tx.commit().await?;
    Ok(row.into())
}

/// What may still be claimed on the order, by SKU code.
struct Claim {
    lines: BTreeMap<String, ClaimLine>,
    /// SKU id, unit price and code as written on the order, by code in capitals.
    ids: BTreeMap<String, (tradeport_domain::kernel::SkuId, i64, String)>,
    warehouse_id: Option<tradeport_domain::kernel::WarehouseId>,
    warehouse_address: String,
}

async fn claim_lines(
    tx: &mut UnitOfWork,
    operator: TenantId,
    order: &OrderRow,
    earlier: &[RequestRow],
) -> AppResult<Claim> {
    let mut lines: BTreeMap<String, ClaimLine> = BTreeMap::new();
    let mut ids = BTreeMap::new();
    for l in tradeport_store::orders::lines::list(tx, operator, order.id, order.currency).await? {
        let code = l.sku.to_uppercase();
        ids.insert(code.clone(), (l.sku_id, l.unit_price.minor(), l.sku.clone()));
        lines.entry(code).or_insert(ClaimLine {
            unit_price_minor: l.unit_price.minor(),
            shipped: 0,
            claimed: 0,
        });
    }
    let gone: Vec<_> = packages::of_order(tx, operator, order.id)
        .await?
        .into_iter()
        .filter(|p| p.status == PackageStatus::HandedOver)
        .collect();
    let package_ids: Vec<_> = gone.iter().map(|p| p.id).collect();
    for item in packages::items(tx, operator, &package_ids).await? {
        if let Some(line) = lines.get_mut(&item.sku.to_uppercase()) {
            line.shipped += item.qty;
        }
    }
    for r in earlier.iter().filter(|r| r.status != RequestStatus::Rejected) {
        for c in stored_lines(r)? {
            if let Some(line) = lines.get_mut(&c.sku.to_uppercase()) {
                line.claimed += c.quantity;
            }
        }
    }
    let warehouse_id = gone.first().map(|p| p.warehouse_id);
    let warehouse_address = match warehouse_id {
        Some(id) => tradeport_store::inventory::warehouses::list(tx, operator)
            .await?
            .into_iter()
            .find(|w| w.id == id)
            .map(|w| format!("{}, {}, {}", w.name, w.address, w.country))
            .unwrap_or_default(),
        None => String::new(),
    };
    Ok(Claim { lines, ids, warehouse_id, warehouse_address })
}

/// The request on the order's timeline.
pub(crate) async fn record_in_tx(
    app: &App,
    conn: &mut tradeport_store::AnyConnection,
    operator: TenantId,
    actor: Actor,
    row: &RequestRow,
    kind: &str,
    reason: Option<&str>,
) -> AppResult<()> {
    let data = serde_json::json!({ "request_id": row.id, "rma_no": row.rma_no, "type": row.request_type.as_str(),
                                   "reason": row.reason.as_str(), "status": row.status.as_str(),
                                   "department": row.department.as_str(), "granted_minor": row.granted_minor,
                                   "disposition": row.disposition.map(|d| d.as_str()), "by": actor_text(actor) });
    let event = tradeport_store::events::NewEvent {
        merchant_id: Some(row.merchant_id),
        reason: reason.filter(|r| !r.is_empty()),
        data: data.to_string(),
        ..app.event(actor, "order", row.order_id, kind)
    };
    tradeport_store::events::append_in_tx(conn, operator, &event).await?;
    Ok(())
}

/// Which requests to list.
#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct RequestQuery {
    pub order_id: Option<String>,
    /// A department's queue of open requests: order_management, warehouse, logistics,
    /// customer_service; left out: every open request.
    pub department: Option<String>,
    /// One request by its RMA number.
    pub rma_no: Option<String>,
}

/// An order's requests, one by RMA number, or a department's queue (a merchant: its own).
pub async fn list_requests(
    app: &App,
    principal: &Principal,
    q: &RequestQuery,
) -> AppResult<Vec<RequestView>> {
    principal.require(Permission::ViewOrders)?;
    let order_id: Option<OrderId> = q.order_id.as_deref().map(|o| parse_id(o, "order")).transpose()?;
    let department = match q.department.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => Some(tradeport_domain::sla::Department::parse(d).ok_or_else(|| {
            invalid(
                "department",
                "unknown_department",
                "department is order_management, warehouse, logistics or customer_service",
            )
        })?),
        None => None,
    };
    let of = match (order_id, q.rma_no.as_deref()) {
        (Some(o), _) => RequestsOf::Order(o),
        (None, Some(rma)) => RequestsOf::Rma(rma),
        (None, None) => RequestsOf::Queue(department),
    };
    let mut conn = app.db().read().await?;
    let rows =
        requests::find(&mut conn, principal.scope.operator_id, principal.scope.merchant_id, of, 500).await?;
    Ok(rows.into_iter().map(RequestView::from).collect())
}

/// One request in reach.
pub async fn get_request(app: &App, principal: &Principal, id: &str) -> AppResult<RequestView> {
    principal.require(Permission::ViewOrders)?;
    let operator = principal.scope.operator_id;
    let mut conn = app.db().read().await?;
    let row = requests::find(&mut conn, operator, principal.scope.merchant_id, RequestsOf::Id(id.trim()), 1)
        .await?
        .pop()
        .ok_or(AppError::NotFound("after-sales request"))?;
    let evidence = super::evidence::evidence_of(&mut conn, operator, &row.id).await?;
    let coupon = super::coupon_of_request(&mut conn, operator, &row.id).await?;
    Ok(RequestView { evidence, coupon, ..RequestView::from(row) })
}
