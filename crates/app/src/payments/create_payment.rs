//! A payment created at the provider for a buyer to pay (ORD-5): a Stripe PaymentIntent for what
//! the order still lacks, tied to the order by its metadata and by the payment record made here,
//! so its events settle the order. The answer carries the PaymentIntent's client secret for the
//! shop's payment page; it is never stored.

use serde::{Deserialize, Serialize};
use tradeport_connectors::ProviderError;
use tradeport_connectors::alipay::Alipay;
use tradeport_connectors::paypal::Paypal;
use tradeport_connectors::stripe::Stripe;
use tradeport_domain::access::{Permission, Principal};
use tradeport_domain::channels::ConnectionStatus;
use tradeport_domain::kernel::{EntityId, Millis, OrderId};
use tradeport_domain::orders::OrderStatus;
use tradeport_domain::payments::{PaymentChange, PaymentFacts, PaymentProvider};
use tradeport_store::payments::accounts::{self, AccountRow};
use tradeport_store::payments::rows::{self as payment_rows, PaymentRow};

use super::seal_context;
use crate::{App, AppError, AppResult, parse_id};

/// Which provider to pay through.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PaymentRequest {
    /// `stripe` (the default), `paypal` or `alipay`.
    pub provider: Option<PaymentProvider>,
}

/// The payment made.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct NewPayment {
    pub payment_id: String,
    pub provider: PaymentProvider,
    /// The provider's reference (Stripe's `pi_…`, PayPal's order id, the Alipay payment request id).
    pub reference: String,
    /// For the shop's payment page (Stripe.js `confirmPayment`); not kept by Tradeport. Stripe only.
    pub client_secret: String,
    /// Where the buyer approves (PayPal) or pays (Alipay); empty for Stripe.
    pub pay_url: String,
    pub amount_minor: i64,
    pub currency: String,
}

fn conflict(code: &'static str, message: String) -> AppError {
    AppError::Conflict { code, message, fields: Vec::new() }
}

/// Creates a payment of what `order` still lacks at the merchant's active account.
pub async fn create_payment(
    app: &App,
    principal: &Principal,
    order: &str,
    r: &PaymentRequest,
) -> AppResult<NewPayment> {
    principal.require(Permission::CreateOrders)?;
    let operator = principal.scope.operator_id;
    let id: OrderId = parse_id(order, "order")?;
    let provider = r.provider.unwrap_or(PaymentProvider::Stripe);
    let mut conn = app.db().read().await?;
    let o = tradeport_store::orders::get(&mut conn, operator, principal.scope.merchant_id, id)
        .await?
        .ok_or(AppError::NotFound("order"))?;
    let due = o.total.minor() - o.paid.minor();
    let payable = matches!(
        o.status,
        OrderStatus::AwaitingPayment
            | OrderStatus::OnHold
            | OrderStatus::PendingReview
            | OrderStatus::PendingSecondReview
    );
    if !payable || due <= 0 {
        return Err(conflict(
            "payment.not_due",
            format!(
                "the order is {} and lacks {} minor units: only an order before approval that lacks money is paid",
                o.status.as_str(),
                due.max(0)
            ),
        ));
    }
    let account = accounts::active_of_merchant(&mut conn, operator, o.merchant_id, provider.as_str())
        .await?
        .ok_or_else(|| {
            conflict(
                "payment.no_account",
                format!(
                    "the merchant has no active {} account: connect one under Payments",
                    provider.as_str()
                ),
            )
        })?;
    drop(conn);
    if account.api_key.is_empty()
        || ConnectionStatus::parse(&account.status) != Some(ConnectionStatus::Active)
    {
        return Err(conflict("payment.no_account", "the merchant's payment account has no API key".into()));
    }
    let key = app.keyring()?.open(&account.api_key, &seal_context(&account.id, "api_key")).map_err(|e| {
        AppError::Internal(format!("payment account {}'s key does not open: {e}", account.id))
    })?;
    let made = made_at_provider(app, provider, &account, &key, &o, due).await.map_err(|e| match e {
        ProviderError::Refused(why) => conflict("payment.refused", why),
        ProviderError::Unreachable(why) => {
            conflict("payment.provider_unreachable", format!("{why}; nothing was made, try again"))
        }
    })?;
    let currency = o.currency.code();
    let now = app.now();
    // Made before anything the provider reports of it, whatever the two clocks say.
    let mut facts = PaymentFacts::default();
    facts.merge(Millis(0), &PaymentChange::Pending { amount: due });
    let fresh = PaymentRow {
        id: app.new_uuid().to_string(),
        tenant_id: operator.to_string(),
        merchant_id: o.merchant_id.to_string(),
        account_id: account.id.clone(),
        order_id: Some(o.id.to_string()),
        reference: made.reference.clone(),
        alias: made.alias.clone(),
        currency: currency.to_string(),
        amount_minor: due,
        captured_minor: 0,
        refunded_minor: 0,
        state: facts.state().as_str().into(),
        facts: serde_json::to_string(&facts).map_err(|e| AppError::Internal(e.to_string()))?,
        attention: String::new(),
        created_at: now.0,
        updated_at: now.0,
    };
    let mut tx = app.begin().await?;
    let stored = payment_rows::lock_or_insert_in_tx(&mut tx, &fresh).await?;
    tx.commit().await?;
    Ok(NewPayment {
        payment_id: stored.id,
        provider,
        reference: made.reference,
        client_secret: made.client_secret,
        pay_url: made.pay_url,
        amount_minor: due,
        currency: currency.to_string(),
    })
}

/// A payment as the provider made it.
struct Made {
    reference: String,
    alias: String,
    client_secret: String,
    pay_url: String,
}

/// Asks the provider for a payment of `due` for `o`. One payment per order and amount: a retry
/// gets the same one (Stripe's `Idempotency-Key`, PayPal's `PayPal-Request-Id`, Alipay's
/// `paymentRequestId`).
async fn made_at_provider(
    app: &App,
    provider: PaymentProvider,
    account: &AccountRow,
    key: &str,
    o: &tradeport_store::orders::OrderRow,
    due: i64,
) -> Result<Made, ProviderError> {
    let invalid =
        |why: String| ProviderError::Refused(format!("the account's credentials do not work: {why}"));
    let request_key = format!("tradeport-order-{}-{due}", o.id);
    let currency = o.currency.code();
    let order_id = o.id.to_string();
    match provider {
        PaymentProvider::Stripe => {
            let stripe = Stripe::new(app.stripe_api_url(), key).map_err(invalid)?;
            let intent = stripe.create_payment_intent(due, currency, &order_id, &request_key).await?;
            Ok(Made {
                reference: intent.id,
                alias: String::new(),
                client_secret: intent.client_secret,
                pay_url: String::new(),
            })
        }
        PaymentProvider::Paypal => {
            let paypal = Paypal::new(app.paypal_api_url(), &account.client_id, key).map_err(invalid)?;
            let invoice = o.order_no.clone().unwrap_or_else(|| order_id.clone());
            let order = paypal.create_order(due, currency, &order_id, &invoice, &request_key).await?;
            Ok(Made {
                reference: order.id,
                alias: String::new(),
                client_secret: String::new(),
                pay_url: order.approve_url,
            })
        }
        PaymentProvider::Alipay => {
            let alipay =
                Alipay::new(app.alipay_api_url(), &account.client_id, key, &account.provider_public_key)
                    .map_err(invalid)?;
            let request_id = format!("{}-{due}", o.id.uuid().simple());
            let notify = format!("{}/api/v1/payment-hooks/{}", app.public_url(), account.id);
            let back = format!("{}/track", app.public_url());
            let paid = alipay.pay(&request_id, due, currency, &order_id, &notify, &back).await?;
            Ok(Made {
                reference: request_id,
                alias: paid.payment_id,
                client_secret: String::new(),
                pay_url: paid.pay_url,
            })
        }
    }
}
