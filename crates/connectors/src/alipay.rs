//! Payments through Alipay's cross-border acquiring (Antom, the `/ams/api` API; ORD-5, AFS-4), as
//! its SDKs speak it: every call is a JSON `POST /ams/api/v1/payments/<name>` with the headers
//! `client-id`, `request-time` and `signature` (the merchant's RSA2 signature, see
//! [`crate::alipay_signature`]); a sandbox client (`SANDBOX_…`) calls `/ams/sandbox/api/…`
//! instead. Answers carry `result {resultCode, resultStatus, resultMessage}`, `resultStatus` `S`
//! done, `F` refused, `U` not known yet, and are signed by Alipay (`response-time`, `signature`),
//! which is checked with Alipay's public key.
//! - `pay` (`productCode: CASHIER_PAYMENT`, `paymentRequestId` the idempotency key, amounts
//!   `{currency, value}` with the value a string of minor units): answered `U` /
//!   `PAYMENT_IN_PROCESS` with `paymentId` and `normalUrl`, where the buyer pays;
//! - `refund` (`refundRequestId` the idempotency key, `paymentId`, `refundAmount`).

use crate::ProviderError;
use crate::alipay_signature::{alipay_signature_header, verify_alipay_signature};
use crate::rsa_sha256::{RsaPrivateKey, RsaPublicKey};

/// A merchant's Antom client.
pub struct Alipay {
    client: reqwest::Client,
    base_url: String,
    client_id: String,
    key: RsaPrivateKey,
    alipay_key: RsaPublicKey,
}

impl std::fmt::Debug for Alipay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Alipay")
            .field("base_url", &self.base_url)
            .field("client_id", &self.client_id)
            .finish()
    }
}

/// A payment as Alipay answered it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlipayPayment {
    /// Alipay's id; empty until Alipay gives one.
    pub payment_id: String,
    /// Where the buyer pays (on creation).
    pub pay_url: String,
}

/// A refund as Alipay answered it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlipayRefund {
    pub refund_id: String,
    /// `S` done, `U` not known yet (its notification tells).
    pub result_status: String,
}

impl Alipay {
    /// `base_url` is Antom's regional host (e.g. `https://open-sea-global.alipay.com`); `key` the
    /// merchant's private key (PKCS #8), `alipay_key` Alipay's public key.
    pub fn new(base_url: &str, client_id: &str, key: &str, alipay_key: &str) -> Result<Self, String> {
        if client_id.trim().is_empty() {
            return Err("an Alipay client needs its client id".into());
        }
        Ok(Self {
            client: crate::provider_client(20)?,
            base_url: base_url.trim_end_matches('/').to_string(),
            client_id: client_id.trim().into(),
            key: RsaPrivateKey::from_pkcs8_text(key)?,
            alipay_key: RsaPublicKey::from_spki_text(alipay_key)?,
        })
    }

    fn path(&self, name: &str) -> String {
        let api = if self.client_id.starts_with("SANDBOX_") { "/ams/sandbox/api" } else { "/ams/api" };
        format!("{api}/v1/payments/{name}")
    }

    /// Sends a signed call and checks Alipay's signature on the answer; an `F` result is a refusal.
    async fn call(&self, name: &str, body: &serde_json::Value) -> Result<serde_json::Value, ProviderError> {
        let path = self.path(name);
        let body = body.to_string();
        let time = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis().to_string())
            .unwrap_or_default();
        let signature =
            alipay_signature_header(&self.key, "POST", &path, &self.client_id, &time, body.as_bytes())
                .map_err(ProviderError::Refused)?;
        let sent = self
            .client
            .post(format!("{}{path}", self.base_url))
            .header("client-id", &self.client_id)
            .header("request-time", &time)
            .header("signature", signature)
            .header("content-type", "application/json; charset=UTF-8")
            .body(body)
            .send()
            .await
            .map_err(|e| ProviderError::Unreachable(format!("Alipay could not be reached: {e}")))?;
        let header = |name: &str| {
            sent.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
        };
        let (signature, time, client) = (header("signature"), header("response-time"), header("client-id"));
        let status = sent.status();
        let raw = sent
            .bytes()
            .await
            .map_err(|e| ProviderError::Unreachable(format!("Alipay's answer could not be read: {e}")))?;
        if status.is_server_error() || status.as_u16() == 429 {
            return Err(ProviderError::Unreachable(format!("Alipay answered {status}; try again")));
        }
        verify_alipay_signature(
            &signature,
            &self.alipay_key,
            "POST",
            &path,
            &client,
            &self.client_id,
            &time,
            &raw,
        )
        .map_err(|why| ProviderError::Unreachable(format!("Alipay's answer is refused: {why}; try again")))?;
        let answer: serde_json::Value = serde_json::from_slice(&raw)
            .map_err(|e| ProviderError::Unreachable(format!("Alipay's answer is not JSON: {e}")))?;
        let result =
            |k: &str| answer.pointer(&format!("/result/{k}")).and_then(|v| v.as_str()).unwrap_or_default();
        if result("resultStatus") == "F" || !status.is_success() {
            return Err(ProviderError::Refused(format!(
                "Alipay refused {name} ({}): {}",
                result("resultCode"),
                result("resultMessage")
            )));
        }
        Ok(answer)
    }

    /// Asks for a cashier payment of `amount` (minor units) in `currency` for the merchant's
    /// order; `payment_request_id` makes a retry answer the same payment.
    #[allow(clippy::too_many_arguments)]
    pub async fn pay(
        &self,
        payment_request_id: &str,
        amount: i64,
        currency: &str,
        order_id: &str,
        notify_url: &str,
        redirect_url: &str,
    ) -> Result<AlipayPayment, ProviderError> {
        let money = serde_json::json!({ "currency": currency, "value": amount.to_string() });
        let body = serde_json::json!({
            "productCode": "CASHIER_PAYMENT",
            "paymentRequestId": payment_request_id,
            "order": { "referenceOrderId": order_id, "orderDescription": format!("Order {order_id}"), "orderAmount": money },
            "paymentAmount": money,
            "paymentMethod": { "paymentMethodType": "ALIPAY_CN" },
            "paymentRedirectUrl": redirect_url,
            "paymentNotifyUrl": notify_url,
            "env": { "terminalType": "WEB" },
        });
        let answer = self.call("pay", &body).await?;
        Ok(payment_of(&answer))
    }

    /// Refunds `amount` of Alipay's payment `payment_id`; `refund_request_id` makes a retry safe.
    pub async fn refund(
        &self,
        refund_request_id: &str,
        payment_id: &str,
        amount: i64,
        currency: &str,
        notify_url: &str,
    ) -> Result<AlipayRefund, ProviderError> {
        let body = serde_json::json!({
            "refundRequestId": refund_request_id,
            "paymentId": payment_id,
            "refundAmount": { "currency": currency, "value": amount.to_string() },
            "refundNotifyUrl": notify_url,
        });
        let answer = self.call("refund", &body).await?;
        let text = |k: &str| answer.pointer(k).and_then(|v| v.as_str()).unwrap_or_default().to_string();
        Ok(AlipayRefund { refund_id: text("/refundId"), result_status: text("/result/resultStatus") })
    }
}

fn payment_of(answer: &serde_json::Value) -> AlipayPayment {
    let text = |k: &str| answer.pointer(k).and_then(|v| v.as_str()).unwrap_or_default().to_string();
    AlipayPayment {
        payment_id: text("/paymentId"),
        pay_url: [text("/normalUrl"), text("/redirectActionForm/redirectUrl")]
            .into_iter()
            .find(|u| !u.is_empty())
            .unwrap_or_default(),
    }
}
