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

/// Whether the order was paid through a merchant's payment account that can refund it.
pub(crate) async fn paid_through_account(app: &App, operator: TenantId, order: OrderId) -> AppResult<bool> {
    Ok(paying_account(app, operator, order, None).await?.is_some())
}

/// Refunds `amount` of `order`, `key` the refund's own id.
pub(crate) async fn refund_at_provider(
    app: &App,
    operator: TenantId,
    order: &OrderRow,
    amount: i64,
    key: &str,
) -> AppResult<ProviderRefund> {
    let Some((payment, account)) =
        paying_account(app, operator, order.id, Some(order.currency.code())).await?
    else {
        let stripe = app.stripe().ok_or_else(|| AppError::Conflict {
            code: "refund.no_provider",
            message: "the order was not paid through a payment account, and no Stripe account is configured"
                .into(),
            fields: Vec::new(),
        })?;
        let answer = stripe.refund(&order.payment_reference, amount, key, key).await;
        return Ok(ProviderRefund::of("Stripe", answer.map(stripe_status)));
    };
    let secret =
        app.keyring()?.open(&account.api_key, &seal_context(&account.id, "api_key")).map_err(|e| {
            AppError::Internal(format!("payment account {}'s key does not open: {e}", account.id))
        })?;
    let currency = order.currency.code();
    let refused =
        |why: String| ProviderError::Refused(format!("the account's credentials do not work: {why}"));
    Ok(match PaymentProvider::parse(&account.provider) {
        Some(PaymentProvider::Stripe) => {
            let answer = match Stripe::new(app.stripe_api_url(), &secret) {
                Ok(stripe) => stripe.refund(&payment.reference, amount, key, key).await,
                Err(why) => Err(refused(why)),
            };
            ProviderRefund::of("Stripe", answer.map(stripe_status))
        }
        Some(PaymentProvider::Paypal) => {
            let answer = match Paypal::new(app.paypal_api_url(), &account.client_id, &secret) {
                Ok(paypal) => paypal.refund_capture(&payment.reference, amount, currency, key).await,
                Err(why) => Err(refused(why)),
            };
            ProviderRefund::of(
                "PayPal",
                answer.map(|r| {
                    let status = match r.status.as_str() {
                        "COMPLETED" => Some(RefundStatus::Succeeded),
                        "FAILED" | "CANCELLED" => Some(RefundStatus::Failed),
                        _ => None,
                    };
                    (r.id, status, r.status)
                }),
            )
        }
        Some(PaymentProvider::Alipay) => {
            let mut conn = app.db().read().await?;
            let payment_id = payment_rows::alias_of(&mut conn, &payment.id).await?;
            drop(conn);
            let request_id = alipay_refund_request_id(&payment.reference, key);
            let notify = format!("{}/api/v1/payment-hooks/{}", app.public_url(), account.id);
            let answer = match Alipay::new(
                app.alipay_api_url(),
                &account.client_id,
                &secret,
                &account.provider_public_key,
            ) {
                Ok(alipay) => alipay.refund(&request_id, &payment_id, amount, currency, &notify).await,
                Err(why) => Err(refused(why)),
            };
            ProviderRefund::of(
                "Alipay",
                answer.map(|r| {
                    let status = (r.result_status == "S").then_some(RefundStatus::Succeeded);
                    let id = if r.refund_id.is_empty() { request_id.clone() } else { r.refund_id };
                    (id, status, r.result_status)
                }),
            )
        }
        None => {
            return Err(AppError::Internal(format!(
                "payment account {} has an unknown provider",
                account.id
            )));
        }
    })
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
