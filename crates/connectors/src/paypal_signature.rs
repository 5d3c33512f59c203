//! PayPal's webhook signatures, verified offline as PayPal documents it ("verify the signature
//! yourself"). Each delivery carries:
//! - `PAYPAL-TRANSMISSION-ID` and `PAYPAL-TRANSMISSION-TIME`;
//! - `PAYPAL-TRANSMISSION-SIG`: base64 of the SHA256withRSA signature of
//!   `<transmission id>|<transmission time>|<webhook id>|<CRC-32 of the raw body, unsigned decimal>`,
//!   where the webhook id is the one PayPal gave the receiving webhook (so an event meant for
//!   another webhook does not verify here);
//! - `PAYPAL-CERT-URL`: where PayPal's signing certificate is published;
//! - `PAYPAL-AUTH-ALGO`: `SHA256withRSA`.
//!
//! The certificate is only taken from PayPal's own API hosts, over HTTPS (TLS authenticates the
//! host), and must be issued to `messageverificationcerts.paypal.com` (or the sandbox's
//! `messageverificationcerts.sandbox.paypal.com`), as PayPal's SDKs check.

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName};

/// The hosts PayPal publishes its certificates on.
pub const PAYPAL_CERT_ORIGINS: [&str; 4] = [
    "https://api.paypal.com/",
    "https://api-m.paypal.com/",
    "https://api.sandbox.paypal.com/",
    "https://api-m.sandbox.paypal.com/",
];

/// The names PayPal's message-signing certificates are issued to.
const SIGNER_NAMES: [&str; 2] =
    ["messageverificationcerts.paypal.com", "messageverificationcerts.sandbox.paypal.com"];

/// The signature headers of one delivery.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PaypalTransmission {
    pub id: String,
    pub time: String,
    /// Base64.
    pub signature: String,
    pub cert_url: String,
    pub auth_algo: String,
}

impl PaypalTransmission {
    /// Reads the headers (names in lower case); `None` names the first one missing.
    pub fn from_headers(headers: &[(String, String)]) -> Result<Self, String> {
        let get = |name: &str| {
            headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .ok_or_else(|| format!("the delivery has no {} header", name.to_ascii_uppercase()))
        };
        Ok(Self {
            id: get("paypal-transmission-id")?,
            time: get("paypal-transmission-time")?,
            signature: get("paypal-transmission-sig")?,
            cert_url: get("paypal-cert-url")?,
            auth_algo: get("paypal-auth-algo")?,
        })
    }

    /// What PayPal signed for a delivery of `body` to the webhook `webhook_id`.
    pub fn signed_message(&self, webhook_id: &str, body: &[u8]) -> String {
        format!("{}|{}|{}|{}", self.id, self.time, webhook_id, crc32fast::hash(body))
    }
}

/// Whether `url` is where PayPal publishes certificates: `/v1/notifications/certs/` on one of
/// PayPal's API hosts over HTTPS, or on one of `extra_origins` (ending in `/`: a test's local
/// server standing in for PayPal).
pub fn cert_url_allowed(url: &str, extra_origins: &[String]) -> bool {
    let safe = !url.contains("..") && !url.contains('@') && !url.contains('#') && !url.contains('?');
    let path_of = |origin: &str| url.strip_prefix(origin).filter(|p| p.starts_with(CERT_PATH)).is_some();
    safe && (PAYPAL_CERT_ORIGINS.iter().any(|o| path_of(o)) || extra_origins.iter().any(|o| path_of(o)))
}

/// Where, under an origin, PayPal publishes certificates.
const CERT_PATH: &str = "v1/notifications/certs/";

/// Why a delivery is not taken as PayPal's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PaypalSignatureError {
    /// Not SHA256withRSA.
    Algorithm(String),
    /// The certificate does not read, or is not issued to PayPal's message-signing name.
    Certificate(String),
    /// The signature is not base64, or does not match (a changed body, another webhook).
    NoMatch,
}

impl std::fmt::Display for PaypalSignatureError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Algorithm(a) => write!(f, "PAYPAL-AUTH-ALGO is {a}; only SHA256withRSA is accepted"),
            Self::Certificate(why) => write!(f, "PayPal's certificate is refused: {why}"),
            Self::NoMatch => f.write_str(
                "PAYPAL-TRANSMISSION-SIG does not match the body and this account's webhook id (a changed body, or an event for another webhook)",
            ),
        }
    }
}

/// Checks `t`'s signature over `body` for the webhook `webhook_id`, with the certificate
/// published at `t.cert_url` (`cert_pem`, the leaf first).
pub fn verify_paypal_signature(
    t: &PaypalTransmission,
    body: &[u8],
    webhook_id: &str,
    cert_pem: &[u8],
) -> Result<(), PaypalSignatureError> {
    if !t.auth_algo.eq_ignore_ascii_case("SHA256withRSA") {
        return Err(PaypalSignatureError::Algorithm(t.auth_algo.clone()));
    }
    let leaf = CertificateDer::pem_slice_iter(cert_pem)
        .next()
        .ok_or_else(|| PaypalSignatureError::Certificate("no certificate in the PEM".into()))?
        .map_err(|e| PaypalSignatureError::Certificate(format!("not PEM: {e:?}")))?;
    let cert = webpki::EndEntityCert::try_from(&leaf)
        .map_err(|e| PaypalSignatureError::Certificate(format!("not an X.509 certificate: {e}")))?;
    let issued_to_paypal = SIGNER_NAMES.iter().any(|name| {
        ServerName::try_from(*name).is_ok_and(|n| cert.verify_is_valid_for_subject_name(&n).is_ok())
    });
    if !issued_to_paypal {
        return Err(PaypalSignatureError::Certificate(format!(
            "it is not issued to {}",
            SIGNER_NAMES.join(" or ")
        )));
    }
    use base64::Engine;
    let signature = base64::engine::general_purpose::STANDARD
        .decode(t.signature.as_bytes())
        .map_err(|_| PaypalSignatureError::NoMatch)?;
    let message = t.signed_message(webhook_id, body);
    cert.verify_signature(webpki::ring::RSA_PKCS1_2048_8192_SHA256, message.as_bytes(), &signature)
        .map_err(|_| PaypalSignatureError::NoMatch)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/payments/paypal");

    fn read(name: &str) -> Vec<u8> {
        std::fs::read(format!("{DIR}/{name}")).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    /// Six deliveries PayPal signed (its Java SDK's test, and five from PayPal's webhook
    /// simulator); `paypal_sig_tool.py verify` checks the same with Python's `cryptography`.
    #[test]
    fn paypals_own_signed_deliveries_verify_and_any_change_is_refused() {
        let file: serde_json::Value = serde_json::from_slice(&read("signature_vectors.json")).unwrap();
        let vectors = file["vectors"].as_array().unwrap();
        assert_eq!(vectors.len(), 6);
        for v in vectors {
            let s = |k: &str| v[k].as_str().unwrap().to_string();
            let t = PaypalTransmission {
                id: s("transmission_id"),
                time: s("transmission_time"),
                signature: s("transmission_sig"),
                cert_url: s("cert_url"),
                auth_algo: s("auth_algo"),
            };
            let cert = read(&s("cert_file"));
            let body = s("body");
            let webhook = s("webhook_id");
            assert_eq!(t.signed_message(&webhook, body.as_bytes()), s("signed_message"));
            // The Java SDK's test names a made-up address; the simulator's are PayPal's own.
            let published = t.cert_url.contains("/notifications/certs/");
            assert_eq!(cert_url_allowed(&t.cert_url, &[]), published, "{}", t.cert_url);
            assert_eq!(
                verify_paypal_signature(&t, body.as_bytes(), &webhook, &cert),
                Ok(()),
                "{}",
                s("event_type")
            );
            let refused = |t: &PaypalTransmission, body: &str, webhook: &str| {
                verify_paypal_signature(t, body.as_bytes(), webhook, &cert)
            };
            assert_eq!(refused(&t, &body, "WH-OTHER"), Err(PaypalSignatureError::NoMatch));
            assert_eq!(refused(&t, &format!("{body} "), &webhook), Err(PaypalSignatureError::NoMatch));
            let later = PaypalTransmission { time: "2030-01-01T00:00:00Z".into(), ..t.clone() };
            assert_eq!(refused(&later, &body, &webhook), Err(PaypalSignatureError::NoMatch));
            let sha1 = PaypalTransmission { auth_algo: "SHA1withRSA".into(), ..t.clone() };
            assert!(matches!(refused(&sha1, &body, &webhook), Err(PaypalSignatureError::Algorithm(_))));
            let wrong_cert =
                verify_paypal_signature(&t, body.as_bytes(), &webhook, &read("test_signer_cert.pem"));
            assert_eq!(wrong_cert, Err(PaypalSignatureError::NoMatch));
        }
    }

    #[test]
    fn only_a_certificate_issued_to_paypals_signing_name_and_published_by_paypal_is_used() {
        let t = PaypalTransmission {
            auth_algo: "SHA256withRSA".into(),
            signature: "AAAA".into(),
            ..Default::default()
        };
        let wrong_name = verify_paypal_signature(&t, b"{}", "WH", &read("test_wrong_name_cert.pem"));
        assert!(
            matches!(wrong_name, Err(PaypalSignatureError::Certificate(why)) if why.contains("not issued"))
        );
        let garbage = verify_paypal_signature(&t, b"{}", "WH", b"not a certificate");
        assert!(matches!(garbage, Err(PaypalSignatureError::Certificate(_))));
        for url in [
            "http://api.paypal.com/v1/notifications/certs/CERT-1",
            "https://api.paypal.com.evil.example/v1/notifications/certs/CERT-1",
            "https://evil.example/v1/notifications/certs/CERT-1",
            "https://api.paypal.com/v1/notifications/certs/../../x",
            "https://api.paypal.com/v1/oauth2/token",
        ] {
            assert!(!cert_url_allowed(url, &[]), "{url}");
        }
        assert!(cert_url_allowed("https://api-m.sandbox.paypal.com/v1/notifications/certs/CERT-1", &[]));
        let local = vec!["http://127.0.0.1:9/".to_string()];
        assert!(cert_url_allowed("http://127.0.0.1:9/v1/notifications/certs/CERT-1", &local));
        assert!(!cert_url_allowed("http://127.0.0.1:9/other", &local));
    }
}
