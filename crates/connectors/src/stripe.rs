//! Payments and refunds through Stripe (ORD-5, AFS-4).
//!
//! PaymentIntents, as Stripe documents them: a form-encoded `POST /v1/payment_intents` with
//! `amount` (minor units), `currency` (lower case), `metadata[order_id]` and
//! `automatic_payment_methods[enabled]=true`, with an `Idempotency-Key`; the answer is a
//! `payment_intent` (`id`, `client_secret` for the buyer's page, `status`, `amount`, `currency`).
//! `GET /v1/payment_intents/{id}` reads one back.
//!
//! Refunds, as Stripe documents its Refunds API: a form-encoded
//! `POST /v1/refunds` with `payment_intent`, `amount` (minor units), `reason` and `metadata`,
//! authenticated with the secret key as a bearer token, and an `Idempotency-Key` header: Stripe
//! answers a retried request with the same key by the refund it made the first time, so a retry
//! never pays twice. The answer is a `refund` object (`id`, `amount`, `currency`, `status`:
//! `pending`, `succeeded`, `failed`, `canceled` or `requires_action`); an error is
//! `{"error": {"type", "code", "message"}}`. The base URL is configurable so tests can stand a
//! local server in.

/// A configured Stripe account.
#[derive(Clone)]
pub struct Stripe {
    client: reqwest::Client,
    base_url: String,
    secret_key: String,
}

impl std::fmt::Debug for Stripe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stripe").field("base_url", &self.base_url).finish()
    }
}

/// What Stripe answered for a refund.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StripeRefund {
    pub id: String,
    /// `pending`, `succeeded`, `failed`, `canceled` or `requires_action`.
    pub status: String,
    pub amount: i64,
    pub currency: String,
}

/// Why Stripe did not do what was asked.
pub type StripeError = crate::ProviderError;

/// A PaymentIntent as Stripe answered it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StripePaymentIntent {
    pub id: String,
    /// Handed to the buyer's payment page (Stripe.js) to pay; never stored.
    pub client_secret: String,
    /// `requires_payment_method`, `requires_confirmation`, `requires_action`, `processing`,
    /// `requires_capture`, `canceled` or `succeeded`.
    pub status: String,
    pub amount: i64,
    pub amount_received: i64,
    /// Lower case, as Stripe writes it.
    pub currency: String,
}

impl Stripe {
    /// `base_url` is `https://api.stripe.com` in production; the key is `sk_live_…` or `sk_test_…`.
    pub fn new(base_url: &str, secret_key: &str) -> Result<Self, String> {
        if !(secret_key.starts_with("sk_") || secret_key.starts_with("rk_")) {
            return Err("the Stripe key is a secret (sk_…) or restricted (rk_…) key".into());
        }
        let client = crate::provider_client(20)?;
        Ok(Self {
            client,
            base_url: base_url.trim_end_matches('/').to_string(),
            secret_key: secret_key.into(),
        })
    }

    /// Creates a PaymentIntent of `amount` (minor units) in `currency` for `order_id`;
    /// `idempotency_key` makes a retry answer with the same PaymentIntent.
    pub async fn create_payment_intent(
        &self,
        amount: i64,
        currency: &str,
        order_id: &str,
        idempotency_key: &str,
    ) -> Result<StripePaymentIntent, StripeError> {
        let amount = amount.to_string();
        let currency = currency.to_ascii_lowercase();
        let form = [
            ("amount", amount.as_str()),
            ("currency", currency.as_str()),
            ("metadata[order_id]", order_id),
            ("automatic_payment_methods[enabled]", "true"),
        ];
        let request = self
            .client
            .post(format!("{}/v1/payment_intents", self.base_url))
            .header("Idempotency-Key", idempotency_key)
            .form(&form);
        let answer = self.send(request, "the payment").await?;
        payment_intent_of(&answer)
    }

    /// Reads a PaymentIntent's state.
    pub async fn payment_intent(&self, id: &str) -> Result<StripePaymentIntent, StripeError> {
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(StripeError::Refused(format!("'{id}' is not a PaymentIntent id (pi_…)")));
        }
        let request = self.client.get(format!("{}/v1/payment_intents/{id}", self.base_url));
        let answer = self.send(request, "the payment").await?;
        payment_intent_of(&answer)
    }

    /// Sends `request` with the key and reads Stripe's JSON answer: an error status is a refusal,
    /// a 429 or 5xx (or no answer) a reason to try again.
    async fn send(
        &self,
        request: reqwest::RequestBuilder,
        what: &str,
    ) -> Result<serde_json::Value, StripeError> {
        crate::provider_answer(request.bearer_auth(&self.secret_key).send().await, "Stripe", |answer| {
            let e = &answer["error"];
            format!(
                "Stripe refused {what} ({}): {}",
                e["code"].as_str().or(e["type"].as_str()).unwrap_or("?"),
                e["message"].as_str().unwrap_or("no reason given")
            )
        })
        .await
    }

    /// Refunds `amount` (minor units) of a PaymentIntent; `idempotency_key` makes a retry safe.
    pub async fn refund(
        &self,
        payment_intent: &str,
        amount: i64,
        idempotency_key: &str,
        refund_id: &str,
    ) -> Result<StripeRefund, StripeError> {
        let amount = amount.to_string();
        let form = [
            ("payment_intent", payment_intent),
            ("amount", amount.as_str()),
            ("reason", "requested_by_customer"),
            ("metadata[refund_id]", refund_id),
        ];
        let request = self
            .client
            .post(format!("{}/v1/refunds", self.base_url))
            .header("Idempotency-Key", idempotency_key)
            .form(&form);
        let answer = self.send(request, "the refund").await?;
        let text = |k: &str| answer[k].as_str().unwrap_or_default().to_string();
        if text("object") != "refund" || text("id").is_empty() {
            return Err(StripeError::Unreachable("Stripe answered without a refund".into()));
        }
        Ok(StripeRefund {
            id: text("id"),
            status: text("status"),
            amount: answer["amount"].as_i64().unwrap_or_default(),
            currency: text("currency"),
        })
    }
}

fn payment_intent_of(answer: &serde_json::Value) -> Result<StripePaymentIntent, StripeError> {
    let text = |k: &str| answer[k].as_str().unwrap_or_default().to_string();
    if text("object") != "payment_intent" || text("id").is_empty() {
        return Err(StripeError::Unreachable("Stripe answered without a PaymentIntent".into()));
    }
    Ok(StripePaymentIntent {
        id: text("id"),
        client_secret: text("client_secret"),
        status: text("status"),
        amount: answer["amount"].as_i64().unwrap_or_default(),
        amount_received: answer["amount_received"].as_i64().unwrap_or_default(),
        currency: text("currency"),
    })
}
