//! eBay's OAuth for a seller's account, shared by the Trading API (member messages) and the Sell
//! Fulfillment API (orders): a user access token from eBay's identity service
//! (`POST /identity/v1/oauth2/token`, `grant_type=refresh_token`, the app's id and secret as Basic
//! credentials, the scopes asked for a subset of those the seller consented to), kept for the
//! client's life (eBay's lasts two hours; a client lives for one poll or one push).

use base64::Engine;
use serde_json::Value;
use tokio::sync::Mutex;

/// What a client needs of a connection.
#[derive(Clone, Debug)]
pub struct EbayAccess<'a> {
    /// `https://api.ebay.com` (sandbox: `https://api.sandbox.ebay.com`).
    pub base_url: &'a str,
    /// The Trading API's site: 0 US, 3 UK, 77 DE, 71 FR, 101 IT, 186 ES, 15 AU, 2 CA.
    pub site_id: u32,
    pub client_id: &'a str,
    pub client_secret: &'a str,
    pub refresh_token: &'a str,
    /// Space-separated OAuth scopes; empty: the client's own.
    pub scopes: &'a str,
}

/// One seller's token, fetched once.
pub(crate) struct EbayOAuth {
    pub(crate) client: reqwest::Client,
    pub(crate) base_url: String,
    client_id: String,
    client_secret: String,
    refresh_token: String,
    scopes: String,
    access_token: Mutex<Option<String>>,
}

impl EbayOAuth {
    /// `default_scope` is asked for when the connection names no scopes.
    pub(crate) fn new(access: &EbayAccess<'_>, default_scope: &str) -> Result<Self, String> {
        if access.refresh_token.is_empty() || access.client_id.is_empty() || access.client_secret.is_empty() {
            return Err(
                "the connection needs the credentials refresh_token, client_id and client_secret".into()
            );
        }
        let scopes = access.scopes.trim();
        Ok(Self {
            client: crate::provider_client(30)?,
            base_url: access.base_url.trim_end_matches('/').to_string(),
            client_id: access.client_id.into(),
            client_secret: access.client_secret.into(),
            refresh_token: access.refresh_token.into(),
            scopes: if scopes.is_empty() { default_scope.into() } else { scopes.into() },
            access_token: Mutex::new(None),
        })
    }

    /// The user access token.
    pub(crate) async fn token(&self) -> Result<String, String> {
        let mut held = self.access_token.lock().await;
        if let Some(t) = held.as_ref() {
            return Ok(t.clone());
        }
        let basic = base64::engine::general_purpose::STANDARD
            .encode(format!("{}:{}", self.client_id, self.client_secret));
        let form = [
            ("grant_type", "refresh_token"),
            ("refresh_token", self.refresh_token.as_str()),
            ("scope", self.scopes.as_str()),
        ];
        let res = self
            .client
            .post(format!("{}/identity/v1/oauth2/token", self.base_url))
            .header("authorization", format!("Basic {basic}"))
            .form(&form)
            .send()
            .await
            .map_err(|e| format!("eBay's identity service is unreachable: {e}"))?;
        let status = res.status();
        let body: Value = res.json().await.map_err(|e| format!("eBay's identity service answered: {e}"))?;
        let token = body["access_token"].as_str().filter(|_| status.is_success()).ok_or_else(|| {
            format!(
                "eBay gave no access token ({status}): {}",
                body["error_description"].as_str().or(body["error"].as_str()).unwrap_or("no reason given")
            )
        })?;
        *held = Some(token.to_string());
        Ok(token.to_string())
    }
}
