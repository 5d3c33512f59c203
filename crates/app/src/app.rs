//! The application: the database and the clock, shared by every use case.

use std::sync::{Arc, Mutex};

use tradeport_domain::kernel::{EntityId, Millis};
use tradeport_store::Db;
use uuid::{ContextV7, Uuid};

use crate::Clock;

/// Where buyers' links point unless configured: the default listening address.
pub const DEFAULT_PUBLIC_URL: &str = "http://localhost:8080";

/// Everything a use case needs. Cheap to clone.
#[derive(Clone)]
pub struct App {
    db: Db,
    clock: Arc<dyn Clock>,
    /// Keeps ids made in the same millisecond in the order they were made, so events of one
    /// transaction sort in the order they happened.
    ids: Arc<Mutex<ContextV7>>,
    /// Where buyers' e-mail goes; `None` when no SMTP server is configured.
    mailer: Option<Arc<tradeport_connectors::mail::SmtpMailer>>,
    /// Where buyers' text messages go; `None` when no SMS provider is configured.
    sms: Option<Arc<tradeport_connectors::sms::TwilioSms>>,
    /// The operators' configurations as intake reads them, checked against their version.
    config: Arc<crate::access::ConfigCache>,
    /// The HTTP client of outgoing webhooks, made on first use.
    http: Arc<std::sync::OnceLock<reqwest::Client>>,
    /// Where uploaded files go; `None` when none is configured (uploads are refused).
    blobs: Option<Arc<tradeport_connectors::blobs::LocalBlobStore>>,
    /// Where carrier labels are bought; `None` when no EasyPost account is configured.
    easypost: Option<Arc<tradeport_connectors::easypost::EasyPost>>,
    /// Where card payments are refunded; `None` when no Stripe account is configured.
    stripe: Option<Arc<tradeport_connectors::stripe::Stripe>>,
    /// The keys that seal channel secrets at rest; `None` when none is configured (channel
    /// secrets are then refused).
    keyring: Option<Arc<tradeport_connectors::sealed::Keyring>>,
    /// Whether channel connections may name private or plain-HTTP addresses (tests, a closed
    /// installation); off by default, so a merchant cannot make the server reach its own network.
    private_channel_hosts: bool,
    /// Login with Amazon's token endpoint, for SP-API calls.
    amazon_token_url: Arc<str>,
    /// The pause after a marketplace's first 429 (Amazon, eBay), doubled after each further one.
    poll_backoff: std::time::Duration,
    /// The address buyers reach the product at, for links in their messages.
    public_url: Arc<str>,
    /// The payment providers' APIs, where merchants' payment accounts create payments.
    payment_apis: Arc<PaymentApis>,
    /// Meta's Graph API, where chat answers are sent through WhatsApp connections.
    graph_api: Arc<str>,
}

/// Where the payment providers' APIs are, and PayPal's signing certificates fetched so far.
#[derive(Debug, Default)]
struct PaymentApis {
    stripe: String,
    paypal: String,
    alipay: String,
    paypal_certs: Mutex<std::collections::HashMap<String, Arc<Vec<u8>>>>,
}

impl PaymentApis {
    fn with(&self, change: impl FnOnce(&mut Self)) -> Arc<Self> {
        let mut next = Self {
            stripe: self.stripe.clone(),
            paypal: self.paypal.clone(),
            alipay: self.alipay.clone(),
            paypal_certs: Mutex::default(),
        };
        change(&mut next);
        Arc::new(next)
    }
}

/// Stripe's API.
pub const STRIPE_API_URL: &str = "https://api.stripe.com";

/// PayPal's API (live; the sandbox is `https://api-m.sandbox.paypal.com`).
pub const PAYPAL_API_URL: &str = "https://api-m.paypal.com";

/// Alipay's cross-border API (Antom), its Asian host.
pub const ALIPAY_API_URL: &str = "https://open-sea-global.alipay.com";

/// Meta's Graph API (WhatsApp Business).
pub const GRAPH_API_URL: &str = "https://graph.facebook.com";

/// Login with Amazon's token endpoint.
pub const AMAZON_TOKEN_URL: &str = "https://api.amazon.com/auth/o2/token";

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App").field("db", &self.db).finish()
    }
}

impl App {
    pub fn new(db: Db, clock: Arc<dyn Clock>) -> Self {
        Self {
            db,
            clock,
            ids: Arc::new(Mutex::new(ContextV7::new())),
            mailer: None,
            sms: None,
            config: Arc::default(),
            http: Arc::default(),
            blobs: None,
            easypost: None,
            stripe: None,
            keyring: None,
            private_channel_hosts: false,
            amazon_token_url: Arc::from(AMAZON_TOKEN_URL),
            poll_backoff: std::time::Duration::from_secs(2),
            public_url: Arc::from(DEFAULT_PUBLIC_URL),
            payment_apis: Arc::new(PaymentApis {
                stripe: STRIPE_API_URL.into(),
                paypal: PAYPAL_API_URL.into(),
                alipay: ALIPAY_API_URL.into(),
                paypal_certs: Mutex::default(),
            }),
            graph_api: Arc::from(GRAPH_API_URL),
        }
    }

    /// The same app, linking buyers to `url` (e.g. `https://track.example.com`).
    pub fn with_public_url(self, url: &str) -> Self {
        Self { public_url: Arc::from(url.trim().trim_end_matches('/')), ..self }
    }

    /// The address buyers reach the product at, without a trailing slash.
    pub fn public_url(&self) -> &str {
        &self.public_url
    }

    /// The same app, keeping uploaded files in `store`.
    pub fn with_blobs(self, store: tradeport_connectors::blobs::LocalBlobStore) -> Self {
        Self { blobs: Some(Arc::new(store)), ..self }
    }

    /// The blob store, or the error that says none is configured.
    pub(crate) fn blobs(&self) -> Result<&tradeport_connectors::blobs::LocalBlobStore, crate::AppError> {
        self.blobs.as_deref().ok_or_else(|| crate::AppError::Conflict {
            code: "blobs.not_configured",
            message: "this server keeps no files: start it with --blob-dir (TRADEPORT_BLOB_DIR)".into(),
            fields: Vec::new(),
        })
    }

    /// The same app, sending buyers' e-mail through `mailer`.
    pub fn with_mailer(self, mailer: tradeport_connectors::mail::SmtpMailer) -> Self {
        Self { mailer: Some(Arc::new(mailer)), ..self }
    }

    /// This process's cache of the operators' configurations.
    pub(crate) fn config_cache(&self) -> &crate::access::ConfigCache {
        &self.config
    }

    pub(crate) fn mailer(&self) -> Option<&tradeport_connectors::mail::SmtpMailer> {
        self.mailer.as_deref()
    }

    /// The same app, sending buyers' text messages through `sms`.
    pub fn with_sms(self, sms: tradeport_connectors::sms::TwilioSms) -> Self {
        Self { sms: Some(Arc::new(sms)), ..self }
    }

    pub(crate) fn sms(&self) -> Option<&tradeport_connectors::sms::TwilioSms> {
        self.sms.as_deref()
    }

    /// The same app, buying carrier labels through `easypost`.
    pub fn with_easypost(self, easypost: tradeport_connectors::easypost::EasyPost) -> Self {
        Self { easypost: Some(Arc::new(easypost)), ..self }
    }

    pub(crate) fn easypost(&self) -> Option<&tradeport_connectors::easypost::EasyPost> {
        self.easypost.as_deref()
    }

    /// The same app, refunding card payments through `stripe`.
    pub fn with_stripe(self, stripe: tradeport_connectors::stripe::Stripe) -> Self {
        Self { stripe: Some(Arc::new(stripe)), ..self }
    }

    pub(crate) fn stripe(&self) -> Option<&tradeport_connectors::stripe::Stripe> {
        self.stripe.as_deref()
    }

    /// The same app, calling Stripe's API at `url` for merchants' payment accounts (a test's
    /// local server, Stripe's mock).
    pub fn with_stripe_api_url(self, url: &str) -> Self {
        let url = url.trim().trim_end_matches('/').to_string();
        Self { payment_apis: self.payment_apis.with(|a| a.stripe = url), ..self }
    }

    pub(crate) fn stripe_api_url(&self) -> &str {
        &self.payment_apis.stripe
    }

    /// The same app, calling PayPal's API at `url` (the sandbox, a test's local server, which
    /// may then publish signing certificates too).
    pub fn with_paypal_api_url(self, url: &str) -> Self {
        let url = url.trim().trim_end_matches('/').to_string();
        Self { payment_apis: self.payment_apis.with(|a| a.paypal = url), ..self }
    }

    pub(crate) fn paypal_api_url(&self) -> &str {
        &self.payment_apis.paypal
    }

    /// The same app, sending WhatsApp answers through Meta's Graph API at `url` (a test's server).
    pub fn with_graph_api_url(self, url: &str) -> Self {
        Self { graph_api: Arc::from(url.trim().trim_end_matches('/')), ..self }
    }

    pub(crate) fn graph_api_url(&self) -> &str {
        &self.graph_api
    }

    /// The same app, calling Alipay's API at `url` (another region's host, a test's server).
    pub fn with_alipay_api_url(self, url: &str) -> Self {
        let url = url.trim().trim_end_matches('/').to_string();
        Self { payment_apis: self.payment_apis.with(|a| a.alipay = url), ..self }
    }

    pub(crate) fn alipay_api_url(&self) -> &str {
        &self.payment_apis.alipay
    }

    /// PayPal's signing certificate published at `url`, fetched once: only from PayPal's own
    /// hosts, or from the configured PayPal API (the sandbox, a test's server standing in). An
    /// address elsewhere, or one PayPal answers with no certificate, is not PayPal's delivery
    /// (401); a PayPal that cannot be reached is no one's fault (409, and PayPal sends again).
    pub(crate) async fn paypal_certificate(&self, url: &str) -> Result<Arc<Vec<u8>>, crate::AppError> {
        use tradeport_connectors::paypal::CertificateError;
        use tradeport_connectors::paypal_signature::cert_url_allowed;
        if !cert_url_allowed(url, Some(&self.payment_apis.paypal)) {
            return Err(crate::AppError::Unsigned(format!(
                "PAYPAL-CERT-URL {url} is not where PayPal publishes its certificates: nothing was kept"
            )));
        }
        let poisoned = |e: std::sync::PoisonError<_>| crate::AppError::Internal(e.to_string());
        let cached = self.payment_apis.paypal_certs.lock().map_err(poisoned)?.get(url).cloned();
        if let Some(pem) = cached {
            return Ok(pem);
        }
        let pem = match tradeport_connectors::paypal::fetch_certificate(url).await {
            Ok(pem) => Arc::new(pem),
            Err(CertificateError::Refused(why)) => {
                return Err(crate::AppError::Unsigned(format!("{why}: nothing was kept")));
            }
            Err(CertificateError::Unreachable(why)) => {
                return Err(crate::AppError::Conflict {
                    code: "payment_hook.certificate_unreachable",
                    message: format!("{why}; nothing was kept, and PayPal will send the event again"),
                    fields: Vec::new(),
                });
            }
        };
        let mut certs = self.payment_apis.paypal_certs.lock().map_err(poisoned)?;
        if certs.len() >= 64 {
            certs.clear();
        }
        certs.insert(url.to_string(), pem.clone());
        Ok(pem)
    }

    /// The same app, sealing channel secrets with `keyring`.
    pub fn with_keyring(self, keyring: tradeport_connectors::sealed::Keyring) -> Self {
        Self { keyring: Some(Arc::new(keyring)), ..self }
    }

    /// The keyring, or the error that says none is configured.
    pub(crate) fn keyring(&self) -> Result<&tradeport_connectors::sealed::Keyring, crate::AppError> {
        self.keyring.as_deref().ok_or_else(|| crate::AppError::Conflict {
            code: "secrets.not_configured",
            message: "this server has no key to seal channel secrets with: start it with --secrets-key \
                      (TRADEPORT_SECRETS_KEY, 32 random bytes in base64, e.g. from `openssl rand -base64 32`)"
                .into(),
            fields: Vec::new(),
        })
    }

    /// The same app, letting channel connections name private or plain-HTTP addresses.
    pub fn with_private_channel_hosts(self) -> Self {
        Self { private_channel_hosts: true, ..self }
    }

    pub(crate) fn private_channel_hosts(&self) -> bool {
        self.private_channel_hosts
    }

    /// The same app, getting Amazon access tokens from `token_url` and pausing `backoff` after a
    /// first 429 (doubling after each further one).
    pub fn with_amazon(self, token_url: &str, backoff: std::time::Duration) -> Self {
        Self { amazon_token_url: Arc::from(token_url), poll_backoff: backoff, ..self }
    }

    pub(crate) fn amazon_token_url(&self) -> &str {
        &self.amazon_token_url
    }

    /// The same app, pausing `backoff` after a marketplace's first 429 (doubling after each
    /// further one) when it polls or reports to Amazon or eBay.
    pub fn with_poll_backoff(self, backoff: std::time::Duration) -> Self {
        Self { poll_backoff: backoff, ..self }
    }

    /// The first pause after a marketplace's 429.
    pub(crate) fn poll_backoff(&self) -> std::time::Duration {
        self.poll_backoff
    }

    /// The client of outgoing HTTP (webhooks): no redirects followed, 10 s to connect.
    pub(crate) fn http_client(&self) -> Result<&reqwest::Client, String> {
        if let Some(client) = self.http.get() {
            return Ok(client);
        }
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(std::time::Duration::from_secs(10))
            .user_agent("Tradeport-Webhooks/1")
            .build()
            .map_err(|e| format!("the HTTP client could not be made: {e}"))?;
        Ok(self.http.get_or_init(|| client))
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    pub fn now(&self) -> Millis {
        self.clock.now()
    }

    /// A new time-ordered id.
    pub fn new_id<T: EntityId>(&self) -> T {
        T::from_uuid(self.new_uuid())
    }

    /// A new UUIDv7 stamped with the app's clock, after every id this app made before.
    pub fn new_uuid(&self) -> Uuid {
        let ms = self.clock.now().0.max(0) as u64;
        // A poisoned lock only means another thread panicked while holding it; the counter
        // inside is still valid.
        let context = self.ids.lock().unwrap_or_else(|e| e.into_inner());
        let ts = uuid::Timestamp::from_unix(&*context, ms / 1000, ((ms % 1000) * 1_000_000) as u32);
        Uuid::new_v7(ts)
    }
}

impl App {
    /// An event by `actor` about one object, stamped now; set `reason`, `data` and `merchant_id`
    /// with struct update syntax where they apply.
    pub fn event<'a>(
        &self,
        actor: tradeport_domain::access::Actor,
        subject_type: &'a str,
        subject_id: impl ToString,
        kind: &'a str,
    ) -> tradeport_store::events::NewEvent<'a> {
        tradeport_store::events::NewEvent {
            id: self.new_uuid(),
            merchant_id: None,
            subject_type,
            subject_id: subject_id.to_string(),
            kind,
            actor,
            reason: None,
            data: "{}".into(),
            at: self.now(),
        }
    }
}
