//! Alipay's (Antom's) signatures, as its official SDKs make and check them. Requests, responses
//! and notifications are all signed the same way: SHA256withRSA over
//! `"<METHOD> <path>\n<client-id>.<time>.<raw body>"`, where the time is the `request-time` (or
//! `response-time`) header taken as it is, and the path is the one requested (for a
//! notification, the merchant's own notify path). The `signature` header reads
//! `algorithm=RSA256,keyVersion=1,signature=<base64, URL-encoded>`. Merchants sign with their
//! private key; Alipay's messages are checked with Alipay's public key.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::rsa_sha256::{RsaPrivateKey, RsaPublicKey};

/// What is signed.
pub fn alipay_content(method: &str, path: &str, client_id: &str, time: &str, body: &[u8]) -> Vec<u8> {
    let mut content = format!("{method} {path}\n{client_id}.{time}.").into_bytes();
    content.extend_from_slice(body);
    content
}

/// URL-encodes as the SDKs do (Python's `quote_plus`, Java's `URLEncoder`).
fn url_encode(raw: &str) -> String {
    raw.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => char::from(b).to_string(),
            b' ' => "+".into(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Percent-decodes; a literal `+` stays `+` (a sender that did not encode the base64 still reads).
fn url_decode(encoded: &str) -> Option<String> {
    let bytes = encoded.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The `signature` header for a message signed with the merchant's key.
pub fn alipay_signature_header(
    key: &RsaPrivateKey,
    method: &str,
    path: &str,
    client_id: &str,
    time: &str,
    body: &[u8],
) -> Result<String, String> {
    let signature = key.sign(&alipay_content(method, path, client_id, time, body))?;
    Ok(format!("algorithm=RSA256,keyVersion=1,signature={}", url_encode(&STANDARD.encode(signature))))
}

/// Why a notification is not taken as Alipay's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AlipaySignatureError {
    /// The header has no `signature=`, or names another algorithm.
    Malformed,
    /// The message names another client id than the account's.
    OtherClient(String),
    /// The signature does not match (a changed body, another key, another path).
    NoMatch,
}

impl std::fmt::Display for AlipaySignatureError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Malformed => {
                f.write_str("the signature header is not algorithm=RSA256,keyVersion=…,signature=…")
            }
            Self::OtherClient(c) => write!(f, "the notification is for client-id {c}, not this account's"),
            Self::NoMatch => f.write_str(
                "the signature does not match the body with Alipay's public key (a changed body, or another key)",
            ),
        }
    }
}

/// Checks a message signed by Alipay: `header` the `signature` header, `client_id` and `time`
/// the `client-id` and `request-time` headers, `expected_client` the account's client id.
#[allow(clippy::too_many_arguments)]
pub fn verify_alipay_signature(
    header: &str,
    public: &RsaPublicKey,
    method: &str,
    path: &str,
    client_id: &str,
    expected_client: &str,
    time: &str,
    body: &[u8],
) -> Result<(), AlipaySignatureError> {
    let algorithm_ok = header
        .split(',')
        .map(str::trim)
        .find_map(|p| p.strip_prefix("algorithm="))
        .is_none_or(|a| a.eq_ignore_ascii_case("RSA256"));
    let encoded = header.split_once("signature=").map(|(_, s)| s.trim()).filter(|s| !s.is_empty());
    let (Some(encoded), true) = (encoded, algorithm_ok) else {
        return Err(AlipaySignatureError::Malformed);
    };
    if client_id != expected_client {
        return Err(AlipaySignatureError::OtherClient(client_id.to_string()));
    }
    let signature =
        url_decode(encoded).and_then(|b64| STANDARD.decode(b64).ok()).ok_or(AlipaySignatureError::NoMatch)?;
    if public.verify(&alipay_content(method, path, client_id, time, body), &signature) {
        Ok(())
    } else {
        Err(AlipaySignatureError::NoMatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/payments/alipay");

    fn vector() -> serde_json::Value {
        let text = std::fs::read_to_string(format!("{DIR}/antom_vector.json")).unwrap();
        serde_json::from_str(&text).unwrap()
    }

    fn s<'a>(v: &'a serde_json::Value, k: &str) -> &'a str {
        v[k].as_str().unwrap()
    }

    /// The vector was made and checked with Alipay's own SDK (global-open-sdk-python 1.7.1,
    /// `fixtures/payments/alipay/make_vectors.py`): PKCS #1 v1.5 is deterministic, so signing
    /// gives the same header byte for byte, and verifying accepts it.
    #[test]
    fn agrees_with_alipays_sdk_on_its_vector() {
        let v = vector();
        let key_pem = std::fs::read_to_string(format!("{DIR}/test_antom_private_key.pem")).unwrap();
        let key = RsaPrivateKey::from_pkcs8_text(&key_pem).unwrap();
        let public = RsaPublicKey::from_spki_text(s(&v, "public_key_spki_b64")).unwrap();
        let (method, path, client, time, body) =
            (s(&v, "method"), s(&v, "path"), s(&v, "client_id"), s(&v, "request_time"), s(&v, "body"));
        assert_eq!(
            alipay_content(method, path, client, time, body.as_bytes()),
            s(&v, "content_to_sign").as_bytes()
        );
        let header = alipay_signature_header(&key, method, path, client, time, body.as_bytes()).unwrap();
        assert_eq!(header, s(&v, "signature_header"));
        let check = |header: &str, path: &str, client: &str, time: &str, body: &str| {
            verify_alipay_signature(
                header,
                &public,
                method,
                path,
                client,
                s(&v, "client_id"),
                time,
                body.as_bytes(),
            )
        };
        assert_eq!(check(&header, path, client, time, body), Ok(()));
        let spaced = header.replace(',', ", ");
        assert_eq!(check(&spaced, path, client, time, body), Ok(()), "the docs' spaced form reads");
        let raw_base64 = header.replace("%2B", "+").replace("%2F", "/").replace("%3D", "=");
        assert_eq!(check(&raw_base64, path, client, time, body), Ok(()), "an unencoded signature reads");
        let changed = body.replace("\"1000\"", "\"1001\"");
        assert_eq!(check(&header, path, client, time, &changed), Err(AlipaySignatureError::NoMatch));
        assert_eq!(check(&header, "/other", client, time, body), Err(AlipaySignatureError::NoMatch));
        assert_eq!(
            check(&header, path, client, "2024-05-28T12:12:13+08:00", body),
            Err(AlipaySignatureError::NoMatch)
        );
        assert_eq!(
            check(&header, path, "OTHER", time, body),
            Err(AlipaySignatureError::OtherClient("OTHER".into()))
        );
        assert_eq!(
            check("algorithm=RSA256,keyVersion=1", path, client, time, body),
            Err(AlipaySignatureError::Malformed)
        );
        let sha1 = header.replace("RSA256", "RSA");
        assert_eq!(check(&sha1, path, client, time, body), Err(AlipaySignatureError::Malformed));
        let other_key = RsaPublicKey::from_spki_text(
            &std::fs::read_to_string(format!("{DIR}/../rsa/provider_public_key.pem")).unwrap(),
        )
        .unwrap();
        let by_other =
            verify_alipay_signature(&header, &other_key, method, path, client, client, time, body.as_bytes());
        assert_eq!(by_other, Err(AlipaySignatureError::NoMatch));
    }
}
