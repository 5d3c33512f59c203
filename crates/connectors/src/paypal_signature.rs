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
//! host, as PayPal's own Node sample relies on), and must be issued to
//! `messageverificationcerts.paypal.com` (or the sandbox's
//! `messageverificationcerts.sandbox.paypal.com`) and valid now, as PayPal's Java SDK checks. Its
//! chain to DigiCert is not built here: the fetch over HTTPS from PayPal's host is what vouches
//! for it (the Python SDK builds the chain from certificates it bundles).

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

/// Whether `url` is where PayPal publishes certificates: `/v1/notifications/certs/…` on one of
/// PayPal's API hosts over HTTPS, or on `configured_api` (the PayPal API the server is configured
/// with: the sandbox, or a test's local server standing in). The address is read as a URL first,
/// so no encoding, dot segment, user or port trick leads elsewhere.
pub fn cert_url_allowed(url: &str, configured_api: Option<&str>) -> bool {
    let Ok(u) = reqwest::Url::parse(url) else { return false };
    let plain = u.username().is_empty()
        && u.password().is_none()
        && u.query().is_none()
        && u.fragment().is_none()
        && !u.path().contains('%')
        && u.path().starts_with(CERT_PATH)
        && u.path().len() > CERT_PATH.len();
    let origin = |base: &str| {
        reqwest::Url::parse(base).is_ok_and(|b| {
            (b.scheme(), b.host_str(), b.port_or_known_default())
                == (u.scheme(), u.host_str(), u.port_or_known_default())
        })
    };
    plain && (PAYPAL_CERT_ORIGINS.iter().any(|o| origin(o)) || configured_api.is_some_and(origin))
}

/// Where PayPal publishes certificates.
const CERT_PATH: &str = "/v1/notifications/certs/";

/// A DER time (UTCTime `YYMMDDHHMMSSZ` or GeneralizedTime `YYYYMMDDHHMMSSZ`) in Unix seconds.
fn der_time(tag: u8, raw: &[u8]) -> Option<i64> {
    let text = std::str::from_utf8(raw).ok()?.strip_suffix('Z')?;
    let full = match (tag, text.len()) {
        (0x17, 12) => format!("{}{text}", if text[..2].parse::<u32>().ok()? >= 50 { "19" } else { "20" }),
        (0x18, 14) => text.to_string(),
        _ => return None,
    };
    let at = chrono::NaiveDateTime::parse_from_str(&full, "%Y%m%d%H%M%S").ok()?;
    Some(at.and_utc().timestamp())
}

/// A certificate's validity, (not before, not after) in Unix seconds.
fn validity(cert_der: &[u8]) -> Option<(i64, i64)> {
    use crate::rsa_sha256::element;
    let (_, cert, _) = element(cert_der).ok()?;
    let (_, tbs, _) = element(cert).ok()?;
    let (tag, _, mut rest) = element(tbs).ok()?;
    if tag == 0xa0 {
        rest = element(rest).ok()?.2; // the serial number after the version
    }
    let rest = element(rest).ok()?.2; // the signature algorithm
    let rest = element(rest).ok()?.2; // the issuer
    let (_, validity, _) = element(rest).ok()?;
    let (before_tag, before, rest) = element(validity).ok()?;
    let (after_tag, after, _) = element(rest).ok()?;
    Some((der_time(before_tag, before)?, der_time(after_tag, after)?))
}

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
/// published at `t.cert_url` (`cert_pem`, the leaf first), valid at `now_secs`.
pub fn verify_paypal_signature(
    t: &PaypalTransmission,
    body: &[u8],
    webhook_id: &str,
    cert_pem: &[u8],
    now_secs: i64,
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
    let (from, until) = validity(&leaf)
        .ok_or_else(|| PaypalSignatureError::Certificate("its validity cannot be read".into()))?;
    if !(from..=until).contains(&now_secs) {
        return Err(PaypalSignatureError::Certificate(
            "it is not valid now (expired, or not yet valid)".into(),
        ));
    }
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
            assert_eq!(cert_url_allowed(&t.cert_url, None), published, "{}", t.cert_url);
            // Both certificates have expired since: checked as of the delivery.
            let then = chrono::DateTime::parse_from_rfc3339(&t.time).unwrap().timestamp();
            let verify = |t: &PaypalTransmission, body: &str, webhook: &str, cert: &[u8], now: i64| {
                verify_paypal_signature(t, body.as_bytes(), webhook, cert, now)
            };
            assert_eq!(verify(&t, &body, &webhook, &cert, then), Ok(()), "{}", s("event_type"));
            let expired = verify(&t, &body, &webhook, &cert, 1_800_000_000);
            assert!(
                matches!(expired, Err(PaypalSignatureError::Certificate(why)) if why.contains("not valid now"))
            );
            let refused =
                |t: &PaypalTransmission, body: &str, webhook: &str| verify(t, body, webhook, &cert, then);
            assert_eq!(refused(&t, &body, "WH-OTHER"), Err(PaypalSignatureError::NoMatch));
            assert_eq!(refused(&t, &format!("{body} "), &webhook), Err(PaypalSignatureError::NoMatch));
            let later = PaypalTransmission { time: "2030-01-01T00:00:00Z".into(), ..t.clone() };
            assert_eq!(refused(&later, &body, &webhook), Err(PaypalSignatureError::NoMatch));
            let sha1 = PaypalTransmission { auth_algo: "SHA1withRSA".into(), ..t.clone() };
            assert!(matches!(refused(&sha1, &body, &webhook), Err(PaypalSignatureError::Algorithm(_))));
            let wrong_cert = verify(&t, &body, &webhook, &read("test_signer_cert.pem"), 1_800_000_000);
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
        let now = 1_800_000_000;
        let wrong_name = verify_paypal_signature(&t, b"{}", "WH", &read("test_wrong_name_cert.pem"), now);
        assert!(
            matches!(wrong_name, Err(PaypalSignatureError::Certificate(why)) if why.contains("not issued"))
        );
        let garbage = verify_paypal_signature(&t, b"{}", "WH", b"not a certificate", now);
        assert!(matches!(garbage, Err(PaypalSignatureError::Certificate(_))));
        let ours = verify_paypal_signature(&t, b"{}", "WH", &read("test_signer_cert.pem"), now);
        assert_eq!(
            ours,
            Err(PaypalSignatureError::NoMatch),
            "valid, issued to PayPal's name: only the signature fails"
        );
        for url in [
            "http://api.paypal.com/v1/notifications/certs/CERT-1",
            "https://api.paypal.com.evil.example/v1/notifications/certs/CERT-1",
            "https://evil.example/v1/notifications/certs/CERT-1",
            "https://api.paypal.com/v1/notifications/certs/../../x",
            "https://api.paypal.com/v1/notifications/certs/%2e%2e/%2e%2e/v1/oauth2/token",
            "https://api.paypal.com/v1/notifications/certs/%2fx",
            "https://user@api.paypal.com/v1/notifications/certs/CERT-1",
            "https://api.paypal.com:8443/v1/notifications/certs/CERT-1",
            "https://api.paypal.com/v1/notifications/certs/CERT-1?x=1",
            "https://api.paypal.com/v1/notifications/certs/",
            "https://api.paypal.com/v1/oauth2/token",
            "not a url",
        ] {
            assert!(!cert_url_allowed(url, None), "{url}");
        }
        assert!(cert_url_allowed("https://API-M.sandbox.paypal.com/v1/notifications/certs/CERT-1", None));
        let local = Some("http://127.0.0.1:9");
        assert!(cert_url_allowed("http://127.0.0.1:9/v1/notifications/certs/CERT-1", local));
        assert!(!cert_url_allowed("http://127.0.0.1:10/v1/notifications/certs/CERT-1", local));
        assert!(!cert_url_allowed("http://127.0.0.1:9/other", local));
    }
}
