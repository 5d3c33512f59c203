//! Payments through PayPal's Orders v2 and Payments v2 APIs (ORD-5, AFS-4), as PayPal documents
//! them:
//! - a token: `POST /v1/oauth2/token`, HTTP Basic with the app's client id and secret, form body
//!   `grant_type=client_credentials`, answered `{"access_token", "token_type": "Bearer",
//!   "expires_in"}`;
//! - an order: `POST /v2/checkout/orders` with `intent: CAPTURE` and one purchase unit
//!   (`amount {currency_code, value}` as a decimal string, `custom_id` the merchant's order,
//!   `invoice_id`), a `PayPal-Request-Id` making a retry answer the same order; the answer is
//!   `{"id", "status": "CREATED" | "PAYER_ACTION_REQUIRED", "links": [{"rel": "approve" |
//!   "payer-action", "href"}]}`, the link where the buyer approves;
//! - a refund: `POST /v2/payments/captures/{capture}/refund` with `amount` and `invoice_id`,
//!   answered `{"id", "status": "COMPLETED" | "PENDING" | "FAILED" | "CANCELLED"}`.
//!
//! Errors are `{"name", "message", "details": [{"issue", "description"}]}` (or OAuth's `{"error",
//! "error_description"}`). The base URL is configurable so tests can stand a local server in.

use tradeport_domain::kernel::{Currency, Money};

use crate::ProviderError;

/// A merchant's PayPal REST app.
#[derive(Clone)]
pub struct Paypal {
    client: reqwest::Client,
    base_url: String,
    client_id: String,
    secret: String,
}

impl std::fmt::Debug for Paypal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Paypal")
            .field("base_url", &self.base_url)
            .field("client_id", &self.client_id)
            .finish()
    }
}

/// An order as PayPal answered it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaypalOrder {
    pub id: String,
    /// `CREATED`, `PAYER_ACTION_REQUIRED`, `APPROVED`, `COMPLETED`, `VOIDED`, …
    pub status: String,
    /// Where the buyer approves the payment.
    pub approve_url: String,
}

/// A refund as PayPal answered it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaypalRefund {
    pub id: String,
    /// `COMPLETED`, `PENDING`, `FAILED` or `CANCELLED`.
    pub status: String,
}

fn refusal(what: &str, answer: &serde_json::Value) -> String {
    let text = |p: &str| answer.pointer(p).and_then(|v| v.as_str()).unwrap_or_default();
    let name = [text("/name"), text("/error")].into_iter().find(|s| !s.is_empty()).unwrap_or("?");
    let why = [text("/details/0/description"), text("/message"), text("/error_description")]
        .into_iter()
        .find(|s| !s.is_empty())
        .unwrap_or("no reason given");
    format!("PayPal refused {what} ({name}): {why}")
}

/// An id PayPal made (`^[A-Z0-9-]+$`), safe in a path.
fn checked_id<'a>(id: &'a str, what: &str) -> Result<&'a str, ProviderError> {
    if !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        Ok(id)
    } else {
        Err(ProviderError::Refused(format!("'{id}' is not a PayPal {what} id")))
    }
}

fn amount_of(minor: i64, currency: &str) -> Result<serde_json::Value, ProviderError> {
    let code = Currency::parse(currency)
        .ok_or_else(|| ProviderError::Refused(format!("'{currency}' is not an ISO 4217 currency")))?;
    let money = Money::new(minor, code).map_err(|e| ProviderError::Refused(e.to_string()))?;
    Ok(serde_json::json!({ "currency_code": code.code(), "value": money.major() }))
}

impl Paypal {
    /// `base_url` is `https://api-m.paypal.com` (or the sandbox's `https://api-m.sandbox.paypal.com`).
    pub fn new(base_url: &str, client_id: &str, secret: &str) -> Result<Self, String> {
        if client_id.trim().is_empty() || secret.trim().is_empty() {
            return Err("a PayPal app needs its client id and secret".into());
        }
        Ok(Self {
            client: crate::provider_client(20)?,
            base_url: base_url.trim_end_matches('/').to_string(),
            client_id: client_id.trim().into(),
            secret: secret.trim().into(),
        })
    }

    async fn token(&self) -> Result<String, ProviderError> {
        let request = self
            .client
            .post(format!("{}/v1/oauth2/token", self.base_url))
            .basic_auth(&self.client_id, Some(&self.secret))
            .form(&[("grant_type", "client_credentials")]);
        let answer =
            crate::provider_answer(request.send().await, "PayPal", |a| refusal("the app's credentials", a))
                .await?;
        answer["access_token"]
            .as_str()
            .filter(|t| !t.is_empty())
            .map(String::from)
            .ok_or_else(|| ProviderError::Unreachable("PayPal answered without an access token".into()))
    }

    async fn send(
        &self,
        request: reqwest::RequestBuilder,
        what: &str,
    ) -> Result<serde_json::Value, ProviderError> {
        let token = self.token().await?;
        crate::provider_answer(request.bearer_auth(token).send().await, "PayPal", |a| refusal(what, a)).await
    }

    /// Creates an order of `amount` (minor units) in `currency` for the merchant's order
    /// `custom_id`; `request_id` makes a retry answer the same order.
    pub async fn create_order(
        &self,
        amount: i64,
        currency: &str,
        custom_id: &str,
        invoice_id: &str,
        request_id: &str,
    ) -> Result<PaypalOrder, ProviderError> {
        let body = serde_json::json!({
            "intent": "CAPTURE",
            "purchase_units": [{
                "reference_id": custom_id,
                "custom_id": custom_id,
                "invoice_id": invoice_id,
                "amount": amount_of(amount, currency)?,
            }],
        });
        let request = self
            .client
            .post(format!("{}/v2/checkout/orders", self.base_url))
            .header("PayPal-Request-Id", request_id)
            .json(&body);
        order_of(&self.send(request, "the order").await?)
    }

    /// Refunds `amount` of the capture `capture_id`; `request_id` makes a retry safe.
    pub async fn refund_capture(
        &self,
        capture_id: &str,
        amount: i64,
        currency: &str,
        request_id: &str,
    ) -> Result<PaypalRefund, ProviderError> {
        let capture_id = checked_id(capture_id, "capture")?;
        let body = serde_json::json!({ "amount": amount_of(amount, currency)?, "invoice_id": request_id });
        let request = self
            .client
            .post(format!("{}/v2/payments/captures/{capture_id}/refund", self.base_url))
            .header("PayPal-Request-Id", request_id)
            .json(&body);
        let answer = self.send(request, "the refund").await?;
        let text = |k: &str| answer[k].as_str().unwrap_or_default().to_string();
        if text("id").is_empty() {
            return Err(ProviderError::Unreachable("PayPal answered without a refund".into()));
        }
        Ok(PaypalRefund { id: text("id"), status: text("status") })
    }
}

fn order_of(answer: &serde_json::Value) -> Result<PaypalOrder, ProviderError> {
    let text = |v: &serde_json::Value, k: &str| v[k].as_str().unwrap_or_default().to_string();
    if text(answer, "id").is_empty() {
        return Err(ProviderError::Unreachable("PayPal answered without an order".into()));
    }
    let approve_url = answer["links"]
        .as_array()
        .and_then(|links| {
            links.iter().find(|l| matches!(l["rel"].as_str(), Some("approve" | "payer-action")))
        })
        .map(|l| text(l, "href"))
        .unwrap_or_default();
    Ok(PaypalOrder { id: text(answer, "id"), status: text(answer, "status"), approve_url })
}

/// Why PayPal's certificate was not had: PayPal answered without one (the address is not a
/// certificate of PayPal's), or PayPal could not be reached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CertificateError {
    Refused(String),
    Unreachable(String),
}

/// The largest certificate chain taken.
const MAX_CERTIFICATE_BYTES: usize = 64 * 1024;

/// Fetches PayPal's signing certificate (PEM) from `url`, checked by the caller to be PayPal's.
pub async fn fetch_certificate(url: &str) -> Result<Vec<u8>, CertificateError> {
    let unreachable =
        |e: String| CertificateError::Unreachable(format!("PayPal's certificate could not be fetched: {e}"));
    let client = crate::provider_client(10).map_err(unreachable)?;
    let mut res = client.get(url).send().await.map_err(|e| unreachable(e.to_string()))?;
    let status = res.status();
    if status.is_client_error() {
        return Err(CertificateError::Refused(format!("PayPal has no certificate at {url} ({status})")));
    }
    if !status.is_success() {
        return Err(unreachable(format!("PayPal answered {status}")));
    }
    let mut pem = Vec::new();
    while let Some(chunk) = res.chunk().await.map_err(|e| unreachable(e.to_string()))? {
        pem.extend_from_slice(&chunk);
        if pem.len() > MAX_CERTIFICATE_BYTES {
            return Err(CertificateError::Refused(format!(
                "{url} answered more than 64 KiB: not a certificate"
            )));
        }
    }
    Ok(pem)
}
