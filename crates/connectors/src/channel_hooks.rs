//! Signatures of sales channels' webhooks (Shopify, WooCommerce), checked over the raw body
//! before anything parses it.
//!
//! Both sign the same way: the base64 HMAC-SHA256 of the raw body, keyed with the shared secret
//! (`X-Shopify-Hmac-SHA256`, `X-WC-Webhook-Signature`). Shopify may sign with the previous secret
//! for up to an hour after a rotation, so every secret given is tried. WooCommerce keys the HMAC
//! with the secret HTML-entity-decoded (`wp_specialchars_decode($secret, ENT_QUOTES)`).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// The base64 HMAC-SHA256 of `body` keyed with `secret`: how a channel signs a delivery.
pub fn sign_base64(secret: &str, body: &[u8]) -> String {
    // HMAC takes a key of any length.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(body);
    STANDARD.encode(mac.finalize().into_bytes())
}

/// Whether `header` is the base64 HMAC-SHA256 of `body` under one of `secrets`, compared in
/// constant time.
pub fn base64_signature_valid(secrets: &[&str], body: &[u8], header: &str) -> bool {
    let Ok(given) = STANDARD.decode(header.trim()) else { return false };
    secrets.iter().filter(|s| !s.is_empty()).any(|secret| {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else { return false };
        mac.update(body);
        mac.verify_slice(&given).is_ok()
    })
}

/// Whether `header` is Meta's `X-Hub-Signature-256` of `body` under one of `secrets` (the app
/// secret): `sha256=` and the hex HMAC-SHA256 of the raw bytes, compared in constant time.
pub fn hub_signature_valid(secrets: &[&str], body: &[u8], header: &str) -> bool {
    let Some(hex_digest) = header.trim().strip_prefix("sha256=") else { return false };
    let Ok(given) = hex::decode(hex_digest) else { return false };
    secrets.iter().filter(|s| !s.is_empty()).any(|secret| {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else { return false };
        mac.update(body);
        mac.verify_slice(&given).is_ok()
    })
}

/// The key WooCommerce signs with: the stored secret with the entities
/// `wp_specialchars_decode(…, ENT_QUOTES)` decodes (`&amp;`, `&lt;`, `&gt;`, `&quot;`, `&#039;`)
/// turned back into their characters.
pub fn woocommerce_signing_key(secret: &str) -> String {
    let mut out = String::with_capacity(secret.len());
    let mut rest = secret;
    'outer: while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        for (entity, c) in
            [("&amp;", '&'), ("&lt;", '<'), ("&gt;", '>'), ("&quot;", '"'), ("&#039;", '\''), ("&#39;", '\'')]
        {
            if let Some(after) = rest.strip_prefix(entity) {
                out.push(c);
                rest = after;
                continue 'outer;
            }
        }
        out.push('&');
        rest = &rest[1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The vectors of `research/integrations.md` §1.1, computed with Python's hmac module.
    #[test]
    fn shopify_test_vectors_verify() {
        assert_eq!(sign_base64("test_secret", b"{}"), "dIomMpiYavYNlSAFvWWH63/jalqfHdr5TKTLRnKUc8s=");
        assert!(base64_signature_valid(
            &["test_secret"],
            br#"{"id":1}"#,
            "AsdkItclzjG20ZJ6IZQVt1E9shG3lPvXw9/GqURv0T4="
        ));
    }

    #[test]
    fn a_wrong_secret_body_or_header_fails_and_the_previous_secret_passes() {
        let signed = sign_base64("old", b"{}");
        assert!(base64_signature_valid(&["new", "old"], b"{}", &signed), "previous secret, during rotation");
        assert!(!base64_signature_valid(&["new"], b"{}", &signed));
        assert!(!base64_signature_valid(&["old"], b"{ }", &signed), "another body");
        assert!(!base64_signature_valid(&["old"], b"{}", ""), "no header");
        assert!(!base64_signature_valid(&["old"], b"{}", "not base64!"));
        assert!(!base64_signature_valid(&["", ""], b"{}", &sign_base64("", b"{}")), "no secret never passes");
    }

    /// Computed with Python's hmac module, as Meta documents the check.
    #[test]
    fn meta_hub_signatures_verify_in_hex_and_nothing_else_passes() {
        let body = br#"{"object":"whatsapp_business_account"}"#;
        let header = "sha256=42c02be66a0bea444dfeba4722f7542b79f179101e09a27bae0325160213891b";
        assert!(hub_signature_valid(&["app_secret_123"], body, header));
        assert!(hub_signature_valid(&["new", "app_secret_123"], body, header), "previous secret");
        assert!(hub_signature_valid(
            &["app_secret_123"],
            body,
            &header.to_ascii_uppercase().replace("SHA256=", "sha256=")
        ));
        assert!(!hub_signature_valid(&["other"], body, header));
        assert!(!hub_signature_valid(&["app_secret_123"], b"{}", header), "another body");
        assert!(!hub_signature_valid(&["app_secret_123"], body, &header[7..]), "no sha256= prefix");
        assert!(!hub_signature_valid(&["app_secret_123"], body, "sha256=zz"));
        assert!(!hub_signature_valid(&[""], body, "sha256="), "no secret never passes");
    }

    #[test]
    fn woocommerce_keys_are_entity_decoded_as_wordpress_does() {
        let cases = [
            ("plain", "plain"),
            ("a&amp;b", "a&b"),
            ("&lt;x&gt;", "<x>"),
            ("q&quot;t&#039;s&#39;", "q\"t's'"),
            ("a&b&amp", "a&b&amp"),
            ("&amp;amp;", "&amp;"),
        ];
        for (stored, key) in cases {
            assert_eq!(woocommerce_signing_key(stored), key, "{stored}");
        }
    }
}
