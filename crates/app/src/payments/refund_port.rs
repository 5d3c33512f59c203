//! The refund port (AFS-4): money given back through the provider that took it. An order paid
//! through a merchant's payment account is refunded through that account (Stripe's Refunds API,
//! PayPal's capture refund, Alipay's refund), from the payment with the most left to give back;
//! an order paid otherwise is refunded through the operator's Stripe account by its payment
//! reference. The refund's own key is the provider's idempotency key, so asking again never pays
//! twice.

use tradeport_connectors::ProviderError;
use tradeport_connectors::alipay::Alipay;
use tradeport_connectors::paypal::Paypal;
use tradeport_connectors::stripe::Stripe;
use tradeport_domain::aftersales::RefundStatus;
use tradeport_domain::kernel::{OrderId, TenantId};
use tradeport_domain::payments::{PaymentProvider, alipay_refund_request_id};
use tradeport_store::orders::OrderRow;
use tradeport_store::payments::accounts::{self, AccountRow};
use tradeport_store::payments::rows::{self as payment_rows, PaymentRow};

use super::seal_context;
use crate::{App, AppError, AppResult};

/// What the provider answered: settled (`Some` status) or still under way (`None`), its id for
/// the refund, and the reason when it failed or could not be asked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ProviderRefund {
    pub status: Option<RefundStatus>,
    pub provider_ref: Option<String>,
    pub error: Option<String>,
    /// Who was asked, for the words a person reads (`Stripe`, `PayPal`, `Alipay`).
    pub provider: &'static str,
}

impl ProviderRefund {
    fn of(
        provider: &'static str,
        answer: Result<(String, Option<RefundStatus>, String), ProviderError>,
    ) -> Self {
        match answer {
            Ok((id, Some(RefundStatus::Failed), said)) => Self {
                status: Some(RefundStatus::Failed),
                provider_ref: Some(id),
                error: Some(format!("{provider} answered {said}")),
                provider,
            },
            Ok((id, status, _)) => Self { status, provider_ref: Some(id), error: None, provider },
            Err(ProviderError::Refused(why)) => {
                Self { status: Some(RefundStatus::Failed), provider_ref: None, error: Some(why), provider }
            }
            Err(ProviderError::Unreachable(why)) => {
                Self { status: None, provider_ref: None, error: Some(why), provider }
            }
        }
    }
}

/// The order's payment taken through a merchant's account with the most left to give back (in
/// `currency`, when given), and its account, when there is one with a key to refund with.
async fn paying_account(
    app: &App,
    operator: TenantId,
    order: OrderId,
    currency: Option<&str>,
) -> AppResult<Option<(PaymentRow, AccountRow)>> {
    let mut conn = app.db().read().await?;
    let payments = payment_rows::of_order(&mut conn, operator, order).await?;
    let best = payments
        .into_iter()
        .filter(|p| currency.is_none_or(|c| p.currency == c) && p.captured_minor > p.refunded_minor)
        .max_by_key(|p| p.captured_minor - p.refunded_minor);
    let Some(payment) = best else { return Ok(None) };
    let account = accounts::get_for_event(&mut conn, &payment.account_id).await?;
    Ok(account.filter(|a| !a.api_key.is_empty()).map(|a| (payment, a)))
}

/// Whether the order was paid, in its currency, through a merchant's payment account that can
/// refund it.
pub(crate) async fn paid_through_account(app: &App, operator: TenantId, order: OrderId) -> AppResult<bool> {
    let mut conn = app.db().read().await?;
    let Some(o) = tradeport_store::orders::get(&mut conn, operator, None, order).await? else {
        return Ok(false);
    };
    drop(conn);
    Ok(paying_account(app, operator, order, Some(o.currency.code())).await?.is_some())
}

fn refused(provider: &'static str, why: String) -> ProviderRefund {
    ProviderRefund { status: Some(RefundStatus::Failed), provider_ref: None, error: Some(why), provider }
}

/// Refunds `amount` of `order`, `key` the refund's own id. What cannot be asked (no provider, a
/// key that does not open, more than the payment has left) fails the refund with the reason.
pub(crate) async fn refund_at_provider(
    app: &App,
    operator: TenantId,
    order: &OrderRow,
    amount: i64,
    key: &str,
) -> AppResult<ProviderRefund> {
    let currency = order.currency.code();
    let Some((payment, account)) = paying_account(app, operator, order.id, Some(currency)).await? else {
        let Some(stripe) = app.stripe() else {
            let why = "the order was not paid through a payment account, and no Stripe account is configured";
            return Ok(refused("Stripe", why.into()));
        };
        let answer = stripe.refund(&order.payment_reference, amount, key, key).await;
        return Ok(ProviderRefund::of("Stripe", answer.map(stripe_status)));
    };
    let provider = match PaymentProvider::parse(&account.provider) {
        Some(PaymentProvider::Stripe) => "Stripe",
        Some(PaymentProvider::Paypal) => "PayPal",
        Some(PaymentProvider::Alipay) => "Alipay",
        None => {
            return Err(AppError::Internal(format!(
                "payment account {} has an unknown provider",
                account.id
            )));
        }
    };
    let left = payment.captured_minor - payment.refunded_minor;
    if amount > left {
        return Ok(refused(
            provider,
            format!(
                "the {provider} payment {} has {left} minor units left to give back: refund the rest to store credit or outside",
                payment.reference
            ),
        ));
    }
    let secret = match app.keyring().map(|k| k.open(&account.api_key, &seal_context(&account.id, "api_key")))
    {
        Ok(Ok(secret)) => secret,
        Ok(Err(e)) => return Ok(refused(provider, format!("the payment account's key does not open: {e}"))),
        Err(e) => return Ok(refused(provider, e.to_string())),
    };
    let credentials =
        |why: String| ProviderError::Refused(format!("the account's credentials do not work: {why}"));
    let answer = match PaymentProvider::parse(&account.provider) {
        Some(PaymentProvider::Paypal) => match Paypal::new(app.paypal_api_url(), &account.client_id, &secret)
        {
            Ok(paypal) => paypal.refund_capture(&payment.reference, amount, currency, key).await.map(|r| {
                let status = match r.status.as_str() {
                    "COMPLETED" => Some(RefundStatus::Succeeded),
                    "FAILED" | "CANCELLED" => Some(RefundStatus::Failed),
                    _ => None,
                };
                (r.id, status, r.status)
            }),
            Err(why) => Err(credentials(why)),
        },
        Some(PaymentProvider::Alipay) => {
            let request_id = alipay_refund_request_id(&payment.reference, key);
            let notify = format!("{}/api/v1/payment-hooks/{}", app.public_url(), account.id);
            match Alipay::new(app.alipay_api_url(), &account.client_id, &secret, &account.provider_public_key)
            {
                Ok(_) if payment.alias.is_empty() => {
                    Err(ProviderError::Refused("Alipay has not named this payment (no paymentId) yet".into()))
                }
                Ok(alipay) => {
                    alipay.refund(&request_id, &payment.alias, amount, currency, &notify).await.map(|r| {
                        let status = (r.result_status == "S").then_some(RefundStatus::Succeeded);
                        let id = if r.refund_id.is_empty() { request_id.clone() } else { r.refund_id };
                        (id, status, r.result_status)
                    })
                }
                Err(why) => Err(credentials(why)),
            }
        }
        _ => match Stripe::new(app.stripe_api_url(), &secret) {
            Ok(stripe) => stripe.refund(&payment.reference, amount, key, key).await.map(stripe_status),
            Err(why) => Err(credentials(why)),
        },
    };
    Ok(ProviderRefund::of(provider, answer))
}

fn stripe_status(r: tradeport_connectors::stripe::StripeRefund) -> (String, Option<RefundStatus>, String) {
    let status = match r.status.as_str() {
        "succeeded" => Some(RefundStatus::Succeeded),
        "failed" | "canceled" => Some(RefundStatus::Failed),
        // pending or requires_action: Stripe finishes it later.
        _ => None,
    };
    (r.id, status, r.status)
}
