//! Webhooks to merchants' endpoints, signed the Standard Webhooks way
//! (https://www.standardwebhooks.com/): headers `webhook-id` (the same on every attempt of one
//! message, so a receiver can drop repeats), `webhook-timestamp` (Unix seconds) and
//! `webhook-signature`: `v1,<base64 of HMAC-SHA256(key, "{id}.{timestamp}.{body}")>`, one per
//! valid secret, space-separated, so a secret can be rotated with an overlap. A secret is
//! `whsec_` followed by the base64 of its key.

use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// A new secret: `whsec_` and 32 random bytes in base64.
pub fn new_secret() -> Result<String, String> {
    let mut key = [0u8; 32];
    getrandom::fill(&mut key).map_err(|e| format!("no randomness from the operating system: {e}"))?;
    Ok(format!("whsec_{}", STANDARD.encode(key)))
}

/// The signature of one message under one secret: `v1,<base64>`.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &str) -> Result<String, String> {
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").unwrap_or(secret))
        .map_err(|e| format!("the endpoint's secret is not base64: {e}"))?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).map_err(|e| e.to_string())?;
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    Ok(format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes())))
}

/// Whether `header` (a `webhook-signature` value) holds a valid signature of the message under
/// `secret`, compared in constant time: what a receiver does.
pub fn verify(secret: &str, id: &str, timestamp: i64, body: &str, header: &str) -> bool {
    let Ok(expected) = sign(secret, id, timestamp, body) else {
        return false;
    };
    header.split(' ').any(|candidate| {
        use subtle::ConstantTimeEq;
        candidate.len() == expected.len() && bool::from(candidate.as_bytes().ct_eq(expected.as_bytes()))
    })
}

/// What one delivery attempt came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attempt {
    /// The receiver's HTTP status, when it answered.
    pub status: Option<u16>,
    /// Why it did not count as delivered, when it did not.
    pub error: Option<String>,
    pub duration_ms: i64,
}

/// Posts one signed message; any 2xx answer within `timeout` is a delivery.
pub async fn post(
    client: &reqwest::Client,
    url: &str,
    id: &str,
    timestamp: i64,
    body: &str,
    secrets: &[&str],
    timeout: Duration,
) -> Attempt {
    let started = Instant::now();
    let signatures: Result<Vec<String>, String> =
        secrets.iter().map(|s| sign(s, id, timestamp, body)).collect();
    let result = match signatures {
        Err(e) => Err(e),
        Ok(signatures) => client
            .post(url)
            .timeout(timeout)
            .header("content-type", "application/json")
            .header("webhook-id", id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signatures.join(" "))
            .body(body.to_string())
            .send()
            .await
            .map_err(|e| {
                if e.is_timeout() {
                    format!("no answer within {} s", timeout.as_secs())
                } else {
                    e.to_string()
                }
            }),
    };
    let duration_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
    match result {
        Ok(res) if res.status().is_success() => {
            Attempt { status: Some(res.status().as_u16()), error: None, duration_ms }
        }
        Ok(res) => Attempt {
            status: Some(res.status().as_u16()),
            error: Some(format!("the endpoint answered HTTP {}", res.status().as_u16())),
            duration_ms,
        },
        Err(e) => Attempt { status: None, error: Some(e), duration_ms },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_follow_the_standard_webhooks_example() {
        // The example of the Standard Webhooks specification.
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
        let body = r#"{"test": 2432232314}"#;
        let signature = sign(secret, id, 1614265330, body).unwrap();
        assert_eq!(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        assert!(verify(secret, id, 1614265330, body, &format!("v1,bm90IGl0 {signature}")));
        assert!(!verify(secret, id, 1614265331, body, &signature), "another timestamp");
        assert!(!verify(secret, id, 1614265330, "{}", &signature), "another body");
    }

    #[test]
    fn new_secrets_are_distinct_and_usable() {
        let (a, b) = (new_secret().unwrap(), new_secret().unwrap());
        assert!(a.starts_with("whsec_") && a != b);
        assert!(sign(&a, "m", 1, "{}").is_ok());
        assert!(sign("whsec_not base64!", "m", 1, "{}").is_err());
    }
}

/// Whether `header` is EasyPost's signature of `body` with `secret`: `hmac-sha256-hex=` and the
/// hex HMAC-SHA256 of the body keyed with the secret in Unicode NFKD (EasyPost's own check),
/// compared in constant time.
pub fn easypost_signature_valid(secret: &str, body: &[u8], header: &str) -> bool {
    use unicode_normalization::UnicodeNormalization;
    let Some(hex_sig) = header.trim().strip_prefix("hmac-sha256-hex=") else { return false };
    let Ok(given) = hex::decode(hex_sig) else { return false };
    let key: String = secret.nfkd().collect();
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key.as_bytes()) else { return false };
    mac.update(body);
    mac.verify_slice(&given).is_ok()
}

#[cfg(test)]
mod easypost_tests {
    use super::easypost_signature_valid;

    /// The fixture file ends in a newline that was not in the body EasyPost signed.
    const FILE: &[u8] =
        include_bytes!("../../../../shared/fixtures/tracking/easypost_webhook_event_tracker_updated.json");

    fn body() -> &'static [u8] {
        FILE.strip_suffix(b"\n").unwrap_or(FILE)
    }
    const SIGNATURE: &str =
        "hmac-sha256-hex=38f3f53c103713df81616a0a186d77141957323ec21d5fe9363db93840f527db";

    #[test]
    fn easyposts_own_test_vector_verifies_and_a_tampered_body_does_not() {
        assert!(
            easypost_signature_valid("sécret", body(), SIGNATURE),
            "the NFKD key of the documented vector"
        );
        let mut tampered = body().to_vec();
        tampered[10] ^= 1;
        assert!(!easypost_signature_valid("sécret", &tampered, SIGNATURE));
        assert!(!easypost_signature_valid("secret", body(), SIGNATURE), "another secret");
        assert!(!easypost_signature_valid("sécret", body(), "38f3f53c"), "no scheme prefix");
    }
}

/// Whether `header` (`aftership-hmac-sha256`) is AfterShip's signature of `body`: the base64
/// HMAC-SHA256 of the raw body keyed with the webhook secret, compared in constant time.
pub fn aftership_signature_valid(secret: &str, body: &[u8], header: &str) -> bool {
    crate::channel_hooks::base64_signature_valid(&[secret], body, header)
}

/// Whether `header` (`sign`) is 17TRACK's signature of `body`: the hex SHA-256 of the raw body,
/// a slash and the API key, compared in constant time.
pub fn seventeen_track_signature_valid(key: &str, body: &[u8], header: &str) -> bool {
    use sha2::Digest;
    let Ok(given) = hex::decode(header.trim()) else { return false };
    let mut hash = Sha256::new();
    hash.update(body);
    hash.update(b"/");
    hash.update(key.as_bytes());
    let expected = hash.finalize();
    given.len() == expected.len()
        && given.iter().zip(expected.iter()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

#[cfg(test)]
mod aggregator_tests {
    use super::{aftership_signature_valid, seventeen_track_signature_valid};

    const BODY: &[u8] = br#"{"event":"tracking_update","msg":{"tracking_number":"RR473124829CN"}}"#;

    /// The expected values were computed with Python's hmac and hashlib, not with this code.
    #[test]
    fn aggregator_signatures_verify_and_tampering_does_not() {
        let aftership = "jjygSRS+ZbU4Nl3/TZk2cts9ngfrojHBAtYQRpu/gIM=";
        assert!(aftership_signature_valid("as-secret", BODY, aftership));
        assert!(!aftership_signature_valid("other", BODY, aftership));
        assert!(!aftership_signature_valid("as-secret", &BODY[1..], aftership));
        let seventeen = "7021bc432b21a2fea98d52857ff0d5159c7d71eb069b94c7c11bb0b776d42584";
        assert!(seventeen_track_signature_valid("17-key", BODY, seventeen));
        assert!(!seventeen_track_signature_valid("17-key", &BODY[1..], seventeen));
        assert!(!seventeen_track_signature_valid("17-key", BODY, "not hex"));
    }
}
