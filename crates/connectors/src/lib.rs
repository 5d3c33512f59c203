//! Adapters to the outside world: password hashing (Argon2id), random secrets from the operating
//! system, PDF documents, e-mail over SMTP, text messages, signed webhooks, labels bought through
//! EasyPost, refunds through Stripe, sales channels' webhook signatures and secrets sealed at rest.

pub mod alipay_signature;
pub mod amazon_spapi;
pub mod blobs;
pub mod channel_hooks;
pub mod channel_pushback;
pub mod closed_days;
pub mod easypost;
pub mod mail;
pub mod passwords;
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

/// The HTTP client of a provider's API: no redirects followed (a key never goes elsewhere), and
/// a request given up after `timeout_s` seconds.
pub(crate) fn provider_client(timeout_s: u64) -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(timeout_s))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| e.to_string())
}
