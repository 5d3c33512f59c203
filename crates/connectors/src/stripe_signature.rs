//! Stripe's webhook signatures, as Stripe documents them: the `Stripe-Signature` header holds a
//! timestamp and one or more signatures, `t=1492774577,v1=5257a8…,v1=…,v0=…`. A `v1` is the hex
//! HMAC-SHA256 of `"<t>.<raw body>"` keyed with the endpoint's secret (`whsec_…`); while a secret
//! is being rolled, Stripe signs with each secret still valid and sends one `v1` for each. Other
//! schemes (`v0`, test mode's) are ignored. A delivery is genuine when one `v1` matches one of the
//! secrets, compared in constant time, and its timestamp is no older than the tolerance (Stripe's
//! libraries default to five minutes), which stops a captured delivery from being replayed later.
//! As Stripe's own libraries do, a timestamp ahead of the clock is not refused.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// Stripe's default tolerance, in seconds.
pub const DEFAULT_TOLERANCE_SECS: i64 = 300;

/// Why a delivery is not taken as Stripe's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StripeSignatureError {
    /// The header cannot be read (no `t=`, no `v1=`).
    Malformed,
    /// No `v1` matches any of the secrets (a wrong secret or a changed body).
    NoMatch,
    /// Signed longer ago than the tolerance allows.
    Stale { age_secs: i64 },
}

impl std::fmt::Display for StripeSignatureError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Malformed => f.write_str("the Stripe-Signature header has no t= timestamp or no v1= signature"),
            Self::NoMatch => f.write_str(
                "no v1 signature of the Stripe-Signature header matches this account's webhook secret (a wrong secret, or a changed body)",
            ),
            Self::Stale { age_secs } => write!(
                f,
                "the delivery was signed {age_secs} s ago, more than the {DEFAULT_TOLERANCE_SECS} s allowed: a replay is refused"
            ),
        }
    }
}

/// The `v1` signature of `body` at `timestamp` under `secret`, as Stripe computes it.
pub fn stripe_v1_signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// Checks a delivery's `Stripe-Signature` header against `secrets` at `now_secs`.
pub fn verify_stripe_signature(
    header: &str,
    body: &[u8],
    secrets: &[&str],
    now_secs: i64,
    tolerance_secs: i64,
) -> Result<(), StripeSignatureError> {
    // Read as Stripe's libraries read it: `,`-separated `key=value` pairs, the first `t`, every
    // `v1` as written (lower-case hex; anything else matches nothing).
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.split_once('=') {
            Some(("t", t)) if timestamp.is_none() => {
                timestamp = Some(t.parse::<i64>().map_err(|_| StripeSignatureError::Malformed)?)
            }
            Some(("v1", s)) => signatures.push(s),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(StripeSignatureError::Malformed)?;
    if signatures.is_empty() {
        return Err(StripeSignatureError::Malformed);
    }
    let matches = secrets.iter().filter(|s| !s.is_empty()).any(|secret| {
        let expected = stripe_v1_signature(secret, timestamp, body);
        signatures.iter().any(|given| bool::from(expected.as_bytes().ct_eq(given.as_bytes())))
    });
    if !matches {
        return Err(StripeSignatureError::NoMatch);
    }
    let age_secs = now_secs.saturating_sub(timestamp);
    if tolerance_secs > 0 && age_secs > tolerance_secs {
        return Err(StripeSignatureError::Stale { age_secs });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_test_secret";

    #[test]
    fn a_signed_body_passes_and_every_kind_of_tampering_fails() {
        let body = br#"{"id":"evt_1"}"#;
        let sig = stripe_v1_signature(SECRET, 1_700_000_000, body);
        let header = format!("t=1700000000,v1={sig}");
        let now = 1_700_000_010;
        assert_eq!(verify_stripe_signature(&header, body, &[SECRET], now, 300), Ok(()));
        assert_eq!(verify_stripe_signature(&header, body, &["whsec_old", SECRET], now, 300), Ok(()));
        assert_eq!(
            verify_stripe_signature(&header, br#"{"id":"evt_2"}"#, &[SECRET], now, 300),
            Err(StripeSignatureError::NoMatch)
        );
        assert_eq!(
            verify_stripe_signature(&header, body, &["whsec_other"], now, 300),
            Err(StripeSignatureError::NoMatch)
        );
        assert_eq!(
            verify_stripe_signature(&header, body, &[SECRET], 1_700_000_301, 300),
            Err(StripeSignatureError::Stale { age_secs: 301 })
        );
        assert_eq!(verify_stripe_signature(&header, body, &[SECRET], 1_700_000_300, 300), Ok(()));
        assert_eq!(
            verify_stripe_signature(
                &header.to_uppercase().replace("T=", "t=").replace("V1=", "v1="),
                body,
                &[SECRET],
                now,
                300
            ),
            Err(StripeSignatureError::NoMatch),
            "upper-case hex is not Stripe's"
        );
        for bad in ["", "v1=00", "t=1700000000", "t=abc,v1=00", &format!("t=1700000000,v0={sig}")] {
            assert_eq!(
                verify_stripe_signature(bad, body, &[SECRET], now, 300),
                Err(StripeSignatureError::Malformed),
                "{bad}"
            );
        }
        // A secret being rolled: two v1, one per secret; either secret alone verifies.
        let old = stripe_v1_signature("whsec_old", 1_700_000_000, body);
        let rolled = format!("t=1700000000,v1={old},v1={sig}");
        assert_eq!(verify_stripe_signature(&rolled, body, &[SECRET], now, 300), Ok(()));
        assert_eq!(verify_stripe_signature(&rolled, body, &["whsec_old"], now, 300), Ok(()));
        assert_eq!(
            verify_stripe_signature(&rolled, body, &[""], now, 300),
            Err(StripeSignatureError::NoMatch)
        );
    }

    /// Every vector in `fixtures/payments/stripe/signature_vectors.json`, whose verdicts Stripe's
    /// own Python library gave (`make_vectors.py` there), gets the same verdict here.
    #[test]
    fn stripes_own_library_and_this_check_agree_on_every_vector() {
        use base64::Engine;
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/payments/stripe");
        let vectors: Vec<serde_json::Value> =
            serde_json::from_str(&std::fs::read_to_string(dir.join("signature_vectors.json")).unwrap())
                .unwrap();
        assert!(vectors.len() >= 15, "the vectors are all there");
        for v in vectors {
            let body = match v["body_file"].as_str() {
                Some(file) => std::fs::read(dir.join(file)).unwrap(),
                None => {
                    base64::engine::general_purpose::STANDARD.decode(v["body_b64"].as_str().unwrap()).unwrap()
                }
            };
            let got = verify_stripe_signature(
                v["header"].as_str().unwrap(),
                &body,
                &[v["secret"].as_str().unwrap()],
                v["now"].as_i64().unwrap(),
                v["tolerance"].as_i64().unwrap(),
            );
            assert_eq!(got.is_ok(), v["accepted"].as_bool().unwrap(), "{}: {got:?}", v["name"]);
        }
    }
}
