//! Adapters to the outside world: password hashing (Argon2id), random secrets from the operating
//! system, PDF documents, e-mail over SMTP, text messages, signed webhooks, labels bought through
//! EasyPost, payments and refunds through Stripe, PayPal and Alipay (and their signatures), sales
//! channels' webhook signatures and secrets sealed at rest.

pub mod alipay;
pub mod alipay_signature;
pub mod amazon_spapi;
pub mod blobs;
pub mod channel_hooks;
pub mod channel_pushback;
pub mod closed_days;
pub mod easypost;
pub mod ebay_fulfillment;
pub mod ebay_oauth;
pub mod ebay_trading;
pub mod mail;
pub mod mail_in;
pub mod package;
pub mod passwords;
pub mod paypal;
pub mod paypal_signature;
pub mod pdf;
pub mod rsa_sha256;
pub mod sealed;
pub mod secrets;
pub mod sheets;
pub mod sms;
pub mod stripe;
pub mod stripe_signature;
pub mod webhooks;
pub mod whatsapp;
pub mod xlsx;

/// Percent-encodes a query value (RFC 3986 unreserved characters kept).
pub(crate) fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Sends the request `make` builds, and again after a growing pause (`backoff`, doubled each time)
/// while the answer is 429 or 5xx, at most `tries` times in all: the first other answer, or
/// `None` when every try was throttled.
pub(crate) async fn send_with_backoff(
    make: impl Fn() -> reqwest::RequestBuilder,
    backoff: std::time::Duration,
    tries: u32,
) -> Result<Option<reqwest::Response>, reqwest::Error> {
    let mut pause = backoff;
    for attempt in 1..=tries {
        let res = make().send().await?;
        let status = res.status();
        if status.as_u16() != 429 && !status.is_server_error() {
            return Ok(Some(res));
        }
        if attempt < tries {
            tokio::time::sleep(pause).await;
            pause = pause.saturating_mul(2);
        }
    }
    Ok(None)
}

/// The HTTP client of a provider's API: no redirects followed (a key never goes elsewhere), and
/// a request given up after `timeout_s` seconds.
pub(crate) fn provider_client(timeout_s: u64) -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(timeout_s))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| e.to_string())
}

/// Why a provider did not do what was asked: it refused (a final answer), or could not be asked
/// (try again; with the same idempotency key, nothing is done twice).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProviderError {
    Refused(String),
    Unreachable(String),
}

impl std::fmt::Display for ProviderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Refused(why) | Self::Unreachable(why) => f.write_str(why),
        }
    }
}

/// Reads a provider's JSON answer: a 429 or 5xx (or no answer) is a reason to try again, another
/// error status a refusal, explained by `refusal` from the body.
pub(crate) async fn provider_answer(
    sent: Result<reqwest::Response, reqwest::Error>,
    provider: &str,
    refusal: impl FnOnce(&serde_json::Value) -> String,
) -> Result<serde_json::Value, ProviderError> {
    let res =
        sent.map_err(|e| ProviderError::Unreachable(format!("{provider} could not be reached: {e}")))?;
    let status = res.status();
    let answer: serde_json::Value = res
        .json()
        .await
        .map_err(|e| ProviderError::Unreachable(format!("{provider}'s answer could not be read: {e}")))?;
    if status.is_server_error() || status.as_u16() == 429 {
        return Err(ProviderError::Unreachable(format!("{provider} answered {status}; try again")));
    }
    if !status.is_success() {
        return Err(ProviderError::Refused(refusal(&answer)));
    }
    Ok(answer)
}
