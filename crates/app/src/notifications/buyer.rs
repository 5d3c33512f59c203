//! The message a buyer is sent for one outbox message (SLA-3, ORD-7): the order as it is when
//! the job runs, its values written the buyer's way, in the operator's wording where it wrote
//! one. E-mail and text message are made here alike.

use fluent_bundle::FluentValue;
use tradeport_domain::kernel::{Currency, OrderId, TenantId};
use tradeport_domain::notifications::BuyerMessage;
use tradeport_domain::orders::OrderStatus;
use tradeport_domain::warehouse::PickLineStatus;

use super::locale_format::{format_date, format_money};
use super::wording::{RenderedBuyerMessage, buyer_language, hold_actions, render_buyer_message};
use crate::App;
use crate::i18n::{number, text};

/// A buyer's message and, for a confirmation e-mail, the confirmation PDF
/// (file name, media type, bytes).
pub(crate) struct BuyerLetter {
    pub message: RenderedBuyerMessage,
    pub attachment: Option<(String, String, Vec<u8>)>,
}

/// What a buyer's message tells of besides the order, as its job carries it: the refund, the new
/// estimate, the offer, the coupon or the survey.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct About {
    /// The refund a refund message tells of.
    #[serde(default)]
    pub refund_id: Option<String>,
    /// A delay's new estimate of delivery, `YYYY-MM-DD`.
    #[serde(default)]
    pub new_estimate: Option<String>,
    /// What the buyer is offered when the order cannot be fulfilled.
    #[serde(default)]
    pub offer: Option<Offer>,
    /// The coupon given as compensation.
    #[serde(default)]
    pub coupon: Option<CouponNote>,
    /// The satisfaction survey's link token (the buyer's alone: stored only as its hash).
    #[serde(default)]
    pub survey_token: Option<String>,
}

/// A coupon a message tells of.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct CouponNote {
    pub code: String,
    pub amount_minor: i64,
    pub expires_at: i64,
}

/// The operator cannot fulfil an order (EXC-2): why, the alternatives, and the buyer's page to
/// answer on.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct Offer {
    pub reason: String,
    pub alternatives: Vec<String>,
    /// `/track/{token}`.
    pub tracking_path: String,
    /// The buyer's answer, once given: an alternative as offered, or `refund`.
    #[serde(default)]
    pub answer: Option<String>,
}

/// Writes the message of `topic` about `about.order_id` for a buyer who reads `language`; the
/// confirmation PDF is made only when `attach` (e-mail). `None` when the news is stale: a hold
/// already released or ended by a cancellation (whose own message follows). The error says
/// what is missing.
pub(crate) async fn letter_for_buyer(
    app: &App,
    operator: TenantId,
    topic: &str,
    (order_id, about): (OrderId, &About),
    language: &str,
    attach: bool,
) -> Result<Option<BuyerLetter>, String> {
    let refund_id = about.refund_id.as_deref();
    let message =
        BuyerMessage::from_topic(topic).ok_or(format!("no buyer message is written for topic {topic}"))?;
    let language = buyer_language(language);
    let principal = crate::access::system_principal(operator);
    let order = crate::orders::get_order(app, &principal, order_id)
        .await
        .map_err(|e| format!("order {order_id}: {e}"))?;
    let s = &order.summary;
    let currency =
        Currency::parse_stored(&s.currency).ok_or(format!("order {order_id} has currency {}", s.currency))?;
    let money = |minor: i64| format_money(language, &currency.format(minor), currency.code());
    let number_of_order = s.order_no.clone().unwrap_or_else(|| s.channel_order_id.clone());
    let mut args: Vec<(&str, FluentValue<'_>)> =
        vec![("order_no", text(&number_of_order)), ("buyer_name", text(&s.buyer_name))];
    let mut attachment = None;
    match message {
        BuyerMessage::OrderConfirmed => {
            let doc = crate::orders::confirmation_of(app, &principal, &order)
                .await
                .map_err(|e| format!("the confirmation of order {order_id}: {e}"))?;
            let mut conn = app.db().read().await.map_err(|e| e.to_string())?;
            let policy =
                crate::access::load_operator(&mut conn, operator).await.map_err(|e| e.to_string())?;
            drop(conn);
            let zone = jiff::tz::TimeZone::get(&policy.timezone).unwrap_or(jiff::tz::TimeZone::UTC);
            let dispatch_day = jiff::Timestamp::from_millisecond(doc.estimated_dispatch_at)
                .map_err(|e| format!("the dispatch time of order {order_id}: {e}"))?
                .to_zoned(zone)
                .date();
            args.push(("count", number(doc.items.iter().map(|i| i.2).sum())));
            args.push(("total", FluentValue::from(money(s.total_minor))));
            args.push(("dispatch_by", FluentValue::from(format_date(language, dispatch_day))));
            if attach {
                let pdf = doc.to_pdf().map_err(|e| e.to_string())?;
                attachment =
                    Some((format!("order-{}.pdf", doc.order_no), "application/pdf".to_string(), pdf));
            }
        }
        BuyerMessage::OrderOnHold if s.status != OrderStatus::OnHold.as_str() => return Ok(None),
        BuyerMessage::OrderOnHold => {
            let codes: Vec<&str> = order.summary.holds.iter().map(|h| h.code.as_str()).collect();
            args.push(("actions", FluentValue::from(hold_actions(language, &codes))));
        }
        BuyerMessage::ItemShort => {
            // The lines still waiting for the buyer's answer; none left: the question is settled.
            let mut conn = app.db().read().await.map_err(|e| e.to_string())?;
            let lines = tradeport_store::warehouse::waves::lines(
                &mut conn,
                operator,
                tradeport_store::warehouse::waves::LinesOf::Order(order_id),
            )
            .await
            .map_err(|e| e.to_string())?;
            let asking: Vec<_> = lines.iter().filter(|l| l.status == PickLineStatus::AskingBuyer).collect();
            if asking.is_empty() {
                return Ok(None);
            }
            let mut items: Vec<&str> = asking.iter().map(|l| l.sku_name.as_str()).collect();
            items.dedup();
            args.push(("item", FluentValue::from(items.join(", "))));
            args.push(("count", number(asking.iter().map(|l| l.short).sum())));
        }
        BuyerMessage::Shipped => {
            let (carriers, numbers) = parcels(app, operator, order_id).await?;
            args.push(("carrier", FluentValue::from(carriers)));
            args.push(("tracking_no", FluentValue::from(numbers.clone())));
            args.push(("tracking_url", FluentValue::from(tracking_url(&numbers))));
        }
        BuyerMessage::Delayed => {
            let estimate = about.new_estimate.as_deref().ok_or("a delay message names no new estimate")?;
            let day: jiff::civil::Date =
                estimate.parse().map_err(|e| format!("the new estimate {estimate}: {e}"))?;
            let (_, numbers) = parcels(app, operator, order_id).await?;
            args.push(("new_estimate", FluentValue::from(format_date(language, day))));
            args.push(("tracking_url", FluentValue::from(tracking_url(&numbers))));
        }
        BuyerMessage::CannotServe => {
            let offer = about.offer.as_ref().ok_or("the message names no offer")?;
            let listed: Vec<String> = offer.alternatives.iter().map(|a| format!("• {a}")).collect();
            args.push(("reason", FluentValue::from(offer.reason.clone())));
            args.push(("alternatives", FluentValue::from(listed.join("\n"))));
            args.push((
                "tracking_url",
                FluentValue::from(format!("{}{}", app.public_url(), offer.tracking_path)),
            ));
        }
        BuyerMessage::CouponIssued => {
            let coupon = about.coupon.as_ref().ok_or("the message names no coupon")?;
            let zone = jiff::tz::TimeZone::UTC;
            let until = jiff::Timestamp::from_millisecond(coupon.expires_at)
                .map_err(|e| format!("the coupon's end: {e}"))?
                .to_zoned(zone)
                .date();
            args.push(("code", FluentValue::from(coupon.code.clone())));
            args.push(("amount", FluentValue::from(money(coupon.amount_minor))));
            args.push(("expires_on", FluentValue::from(format_date(language, until))));
        }
        BuyerMessage::SatisfactionSurvey => {
            let token = about.survey_token.as_deref().ok_or("the message names no survey")?;
            let url = crate::tickets::survey_url(app, token);
            args.push(("links", FluentValue::from(crate::tickets::score_links(&url))));
            args.push(("survey_url", FluentValue::from(url)));
        }
        BuyerMessage::OrderCancelled | BuyerMessage::OrderRejected => {
            args.push(("total", FluentValue::from(money(s.total_minor))))
        }
        BuyerMessage::Refunded => {
            // The refund the message was written for (a message that names none: the newest paid).
            let mut conn = app.db().read().await.map_err(|e| e.to_string())?;
            let paid = tradeport_store::aftersales::refunds::of_order(&mut conn, operator, order_id)
                .await
                .map_err(|e| e.to_string())?;
            let Some(last) = paid.iter().rev().find(|r| {
                r.status == tradeport_domain::aftersales::RefundStatus::Succeeded
                    && refund_id.is_none_or(|id| r.id == id)
            }) else {
                return Ok(None);
            };
            args.push(("amount", FluentValue::from(money(last.amount_minor))));
        }
        other => {
            return Err(format!(
                "message {} needs the shipment or refund it tells of, which this order does not record",
                other.as_str()
            ));
        }
    }
    let mut conn = app.db().read().await.map_err(|e| e.to_string())?;
    let custom = super::templates::custom_wording(&mut conn, operator, message, language)
        .await
        .map_err(|e| e.to_string())?;
    drop(conn);
    Ok(Some(BuyerLetter {
        message: render_buyer_message(message, language, &args, custom.as_ref()),
        attachment,
    }))
}

/// The carriers and tracking numbers of the order's parcels, comma-separated; an error when it has
/// none to tell of.
async fn parcels(app: &App, operator: TenantId, order_id: OrderId) -> Result<(String, String), String> {
    let mut conn = app.db().read().await.map_err(|e| e.to_string())?;
    let sent = tradeport_store::shipping::shipments::find(
        &mut conn,
        operator,
        None,
        tradeport_store::shipping::shipments::ShipmentsOf::Order(order_id),
    )
    .await
    .map_err(|e| e.to_string())?;
    if sent.is_empty() {
        return Err(format!("order {order_id} has no shipment to tell of"));
    }
    let mut carriers: Vec<&str> = sent.iter().map(|s| s.carrier.as_str()).collect();
    carriers.dedup();
    let numbers: Vec<&str> = sent.iter().map(|s| s.tracking_no.as_str()).collect();
    Ok((carriers.join(", "), numbers.join(", ")))
}

/// Until the buyer's own tracking page is linked here: a tracker that knows every carrier.
fn tracking_url(numbers: &str) -> String {
    format!("https://t.17track.net/en#nums={}", numbers.replace(", ", ","))
}
