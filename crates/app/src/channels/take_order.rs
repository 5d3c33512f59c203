//! A channel's order taken in (ORD-1, ORD-3): a new one through the same intake as every other
//! order; a known one changed through the same rules as a staff change. A cancellation in the
//! channel cancels the order while it has not left; after hand-over it opens a recall case
//! instead (never a silent cancel); a new address is applied until the label is printed, and a
//! payment the channel took pays the order ([`super::channel_paid`]). A change
//! older than one taken in already is not applied: a late `updated` never puts back an old
//! address, and a `create` that arrives after the `cancelled` makes no order.

use tradeport_domain::access::Principal;
use tradeport_domain::channels::{ChannelKind, ChannelOrder, ChannelState, DeliveryOutcome};
use tradeport_domain::kernel::{Address, OrderId, TenantId};
use tradeport_domain::orders::{OrderStatus, PaymentStatus};
use tradeport_store::channels::connections::ConnectionRow;
use tradeport_store::channels::links::{self, OrderLinkRow};
use tradeport_store::channels::versions;
use tradeport_store::orders::{self, OrderRow};

use super::channel_paid::paid_in_channel;
use crate::access::system_principal;
use crate::exceptions::{RecallRequest, request_recall};
use crate::orders::{AddressChange, ReviewAction, change_shipping_address, create_order, review_order};
use crate::{App, AppError, AppResult};

/// What became of a channel's order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TakenOrder {
    pub outcome: DeliveryOutcome,
    pub order_id: Option<String>,
    /// Why, in words (the refusal's reasons, what changed, why nothing did).
    pub detail: String,
}

impl TakenOrder {
    fn new(outcome: DeliveryOutcome, order: Option<OrderId>, detail: impl Into<String>) -> Self {
        Self { outcome, order_id: order.map(|o| o.to_string()), detail: detail.into() }
    }
}

/// The words of a refusal: each field's message.
pub(crate) fn refusal_text(e: &AppError) -> String {
    let fields = e.fields();
    if fields.is_empty() {
        e.to_string()
    } else {
        fields.iter().map(|f| format!("{}: {}", f.field, f.message)).collect::<Vec<_>>().join("; ")
    }
}

/// Takes in `order` from connection `c`. A refusal is an outcome (the channel cannot fix it by
/// retrying); only a fault of ours is an error.
pub async fn take_channel_order(app: &App, c: &ConnectionRow, order: ChannelOrder) -> AppResult<TakenOrder> {
    let operator: TenantId =
        c.tenant_id.parse().map_err(|_| AppError::Internal(format!("connection {} tenant", c.id)))?;
    let merchant: TenantId =
        c.merchant_id.parse().map_err(|_| AppError::Internal(format!("connection {} merchant", c.id)))?;
    let kind =
        ChannelKind::parse(&c.kind).ok_or_else(|| AppError::Internal(format!("connection {} kind", c.id)))?;
    // A change older than one taken in already (deliveries overtake each other) is not applied.
    let changed = super::poll::normal(&order.changed_at);
    if let Some(changed) = &changed {
        let mut tx = app.begin().await?;
        let key = (c.id.as_str(), order.external_id.as_str());
        let cancels = order.state == ChannelState::Cancelled;
        let newest = versions::claim_in_tx(&mut tx, operator, key, changed, cancels).await?;
        tx.commit().await?;
        if !newest {
            let why =
                format!("a change of {} older than one taken in already: not applied", order.changed_at);
            return Ok(TakenOrder::new(DeliveryOutcome::Ignored, None, why));
        }
    }
    let principal = system_principal(operator);
    let mut input = order.input;
    input.merchant_id = Some(c.merchant_id.clone());
    input.channel = kind.order_channel().to_string();
    input.channel_order_id = kind.order_key(&c.site_url, &order.external_id);
    let mut conn = app.db().read().await?;
    let existing = orders::find_by_channel_id(
        &mut conn,
        operator,
        merchant,
        &input.channel,
        input.channel_order_id.trim(),
    )
    .await?;
    drop(conn);
    let channel = kind.as_str();
    let Some(existing) = existing else {
        let not_taken = match order.state {
            ChannelState::Open => None,
            ChannelState::NotReady => {
                Some("not ready in the channel yet (not paid or still changing); taken when it is")
            }
            ChannelState::Cancelled => Some("cancelled in the channel before it reached us"),
            ChannelState::Fulfilled => Some("fulfilled in the channel already: nothing to ship"),
        };
        if let Some(why) = not_taken {
            return Ok(TakenOrder::new(DeliveryOutcome::Ignored, None, why));
        }
        return match create_order(app, &principal, &input).await {
            Ok(intake) => {
                let id: OrderId = crate::parse_id(&intake.order.summary.id, "order")?;
                let mut tx = app.begin().await?;
                let link_external = order.external_id.clone();
                let link = OrderLinkRow {
                    order_id: id.to_string(),
                    connection_id: c.id.clone(),
                    external_id: order.external_id,
                    display_ref: order.display_ref,
                };
                links::link(&mut tx, operator, &link).await?;
                tx.commit().await?;
                let (outcome, detail) = if intake.created {
                    (DeliveryOutcome::Created, format!("order {} is {}", id, intake.order.summary.status))
                } else {
                    (DeliveryOutcome::Updated, "known already; unchanged".to_string())
                };
                // A cancellation newer than this change was claimed while the order was being made
                // (it found no order to cancel): the order is cancelled now.
                let mut conn = app.db().read().await?;
                let newest = versions::newest(&mut conn, (&c.id, &link_external)).await?;
                drop(conn);
                if let (Some((at, true)), Some(ours)) = (newest, &changed)
                    && at > *ours
                {
                    let mut conn = app.db().read().await?;
                    let made = orders::get(&mut conn, operator, None, id).await?;
                    drop(conn);
                    if let Some(made) = made {
                        return cancel(app, &principal, &made, channel).await;
                    }
                }
                Ok(TakenOrder::new(outcome, Some(id), detail))
            }
            Err(e @ (AppError::Invalid(_) | AppError::Conflict { .. } | AppError::NotFound(_))) => {
                Ok(TakenOrder::new(DeliveryOutcome::Refused, None, refusal_text(&e)))
            }
            Err(e) => Err(e),
        };
    };
    // A crash between an order's intake and its link leaves it unlinked: a later delivery links it.
    let mut tx = app.begin().await?;
    let link = OrderLinkRow {
        order_id: existing.id.to_string(),
        connection_id: c.id.clone(),
        external_id: order.external_id.clone(),
        display_ref: order.display_ref.clone(),
    };
    links::link(&mut tx, operator, &link).await?;
    tx.commit().await?;
    if order.state == ChannelState::Cancelled {
        return cancel(app, &principal, &existing, channel).await;
    }
    let paid = if order.state == ChannelState::Open && input.payment_status == PaymentStatus::Paid.as_str() {
        paid_in_channel(app, operator, &existing, input.paid_minor, channel).await?
    } else {
        None
    };
    let changed = change_address(app, &principal, &existing, &input.shipping_address, channel).await?;
    Ok(match paid {
        Some(paid) => TakenOrder {
            outcome: DeliveryOutcome::Updated,
            detail: format!("{paid}; address: {}", changed.detail),
            ..changed
        },
        None => changed,
    })
}

/// A cancellation in the channel, applied by the same rules as a staff cancellation.
async fn cancel(app: &App, principal: &Principal, o: &OrderRow, channel: &str) -> AppResult<TakenOrder> {
    let reason = format!("cancelled in {channel}");
    let outcome = match o.status {
        OrderStatus::Cancelled | OrderStatus::Rejected => {
            return Ok(TakenOrder::new(
                DeliveryOutcome::Updated,
                Some(o.id),
                format!("already {}", o.status.as_str()),
            ));
        }
        OrderStatus::HandedOver => {
            let recall = RecallRequest { reason: reason.clone(), buyer_agreed: true, ..Default::default() };
            request_recall(app, principal, &o.id.to_string(), &recall).await.map(|case| {
                TakenOrder::new(
                    DeliveryOutcome::Refused,
                    Some(o.id),
                    format!("the parcel has left the warehouse: recall case {} opened instead", case.case.id),
                )
            })
        }
        _ => review_order(app, principal, o.id, ReviewAction::Cancel, Some(&reason), None)
            .await
            .map(|_| TakenOrder::new(DeliveryOutcome::Cancelled, Some(o.id), reason.clone())),
    };
    match outcome {
        Err(e @ (AppError::Invalid(_) | AppError::Conflict { .. })) => {
            Ok(TakenOrder::new(DeliveryOutcome::Refused, Some(o.id), refusal_text(&e)))
        }
        other => other,
    }
}

/// An update from the channel: a new shipping address is applied while the order may change.
async fn change_address(
    app: &App,
    principal: &Principal,
    o: &OrderRow,
    address: &Address,
    channel: &str,
) -> AppResult<TakenOrder> {
    let stored: Address = serde_json::from_str(&o.shipping_address)
        .map_err(|e| AppError::Internal(format!("stored address of order {}: {e}", o.id)))?;
    // Compared as stored: a state written another way ("Zhejiang", "ZJ") is the same address.
    let given = address.canonical();
    if given == stored || given.line1.is_empty() {
        return Ok(TakenOrder::new(DeliveryOutcome::Updated, Some(o.id), "known already; unchanged"));
    }
    let change = AddressChange {
        shipping_address: given,
        reason: format!("changed in {channel}"),
        buyer_agreed: true,
    };
    match change_shipping_address(app, principal, o.id, &change).await {
        Ok(_) => Ok(TakenOrder::new(DeliveryOutcome::Updated, Some(o.id), "shipping address changed")),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict { .. })) => {
            Ok(TakenOrder::new(DeliveryOutcome::Refused, Some(o.id), refusal_text(&e)))
        }
        Err(e) => Err(e),
    }
}
