//! Refunds through Stripe (AFS-4), as Stripe documents its Refunds API: a form-encoded
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

/// Why a refund was not made: Stripe refused it (a final answer), or could not be asked (try
/// again with the same idempotency key).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StripeError {
    Refused(String),
    Unreachable(String),
}

impl std::fmt::Display for StripeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Refused(why) | Self::Unreachable(why) => f.write_str(why),
        }
    }
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
        let res = self
            .client
            .post(format!("{}/v1/refunds", self.base_url))
            .bearer_auth(&self.secret_key)
            .header("Idempotency-Key", idempotency_key)
            .form(&form)
            .send()
            .await
            .map_err(|e| StripeError::Unreachable(format!("Stripe could not be reached: {e}")))?;
        let status = res.status();
        let answer: serde_json::Value = res
            .json()
            .await
            .map_err(|e| StripeError::Unreachable(format!("Stripe's answer could not be read: {e}")))?;
        if status.is_server_error() || status.as_u16() == 429 {
            return Err(StripeError::Unreachable(format!("Stripe answered {status}; try again")));
        }
        if !status.is_success() {
            let e = &answer["error"];
            return Err(StripeError::Refused(format!(
                "Stripe refused the refund ({}): {}",
                e["code"].as_str().or(e["type"].as_str()).unwrap_or("?"),
                e["message"].as_str().unwrap_or("no reason given")
            )));
        }
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
