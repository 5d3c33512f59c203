//! RSA signatures with SHA-256 over PKCS #1 v1.5 ("SHA256withRSA", what Alipay calls RSA2 and
//! PayPal names in `PAYPAL-AUTH-ALGO`), through `ring`.
//!
//! Keys are read as providers hand them out: a public key as an X.509 SubjectPublicKeyInfo, in
//! PEM (`-----BEGIN PUBLIC KEY-----`) or as bare base64 of the DER (Alipay's console); a private
//! key as PKCS #8, in PEM (`-----BEGIN PRIVATE KEY-----`) or bare base64.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ring::signature::{RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_SHA256, RsaKeyPair, UnparsedPublicKey};

/// A provider's RSA public key, read.
#[derive(Clone, PartialEq, Eq)]
pub struct RsaPublicKey {
    /// PKCS #1 `RSAPublicKey`, DER.
    pkcs1: Vec<u8>,
}

impl std::fmt::Debug for RsaPublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RsaPublicKey({} bytes)", self.pkcs1.len())
    }
}

/// The DER inside a PEM block labelled `label`, or the text read as bare base64.
fn der_of(text: &str, label: &str) -> Result<Vec<u8>, String> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let body = match (text.find(&begin), text.find(&end)) {
        (Some(b), Some(e)) if b < e => &text[b + begin.len()..e],
        (None, None) => text,
        _ => return Err(format!("the key is not a {label} PEM block")),
    };
    let compact: String = body.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    STANDARD.decode(compact).map_err(|e| format!("the key is not base64: {e}"))
}

/// One DER element at the start of `der`: its tag, its contents and what follows it.
pub(crate) fn element(der: &[u8]) -> Result<(u8, &[u8], &[u8]), String> {
    let bad = || "the key is not DER".to_string();
    let (&tag, rest) = der.split_first().ok_or_else(bad)?;
    let (&first, rest) = rest.split_first().ok_or_else(bad)?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return Err(bad());
        }
        let len = rest[..n].iter().fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        (len, &rest[n..])
    };
    if rest.len() < len {
        return Err(bad());
    }
    Ok((tag, &rest[..len], &rest[len..]))
}

/// The OID of rsaEncryption (1.2.840.113549.1.1.1), DER contents.
const RSA_ENCRYPTION: [u8; 9] = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];

impl RsaPublicKey {
    /// Reads a SubjectPublicKeyInfo (PEM or bare base64).
    pub fn from_spki_text(text: &str) -> Result<Self, String> {
        Self::from_spki_der(&der_of(text.trim(), "PUBLIC KEY")?)
    }

    /// Reads a SubjectPublicKeyInfo, DER: `SEQUENCE { SEQUENCE { rsaEncryption, NULL }, BIT STRING }`.
    pub fn from_spki_der(der: &[u8]) -> Result<Self, String> {
        let (tag, spki, _) = element(der)?;
        let (alg_tag, alg, rest) = element(spki)?;
        let (oid_tag, oid, _) = element(alg)?;
        if tag != 0x30 || alg_tag != 0x30 || oid_tag != 0x06 || oid != RSA_ENCRYPTION {
            return Err("the key is not an RSA public key (SubjectPublicKeyInfo with rsaEncryption)".into());
        }
        let (bits_tag, bits, _) = element(rest)?;
        match bits.split_first() {
            Some((0, pkcs1)) if bits_tag == 0x03 => {
                let (seq, _, _) = element(pkcs1)?;
                if seq != 0x30 {
                    return Err("the key's RSAPublicKey is not a SEQUENCE".into());
                }
                Ok(Self { pkcs1: pkcs1.to_vec() })
            }
            _ => Err("the key has no public key bit string".into()),
        }
    }

    /// Whether `signature` is this key's SHA256withRSA signature of `message` (keys of 2048 to
    /// 8192 bits).
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, &self.pkcs1).verify(message, signature).is_ok()
    }
}

/// A merchant's RSA private key, to sign requests to a provider.
pub struct RsaPrivateKey(RsaKeyPair);

impl std::fmt::Debug for RsaPrivateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RsaPrivateKey(..)")
    }
}

impl RsaPrivateKey {
    /// Reads a PKCS #8 private key (PEM or bare base64).
    pub fn from_pkcs8_text(text: &str) -> Result<Self, String> {
        let der = der_of(text.trim(), "PRIVATE KEY")?;
        RsaKeyPair::from_pkcs8(&der)
            .map(Self)
            .map_err(|e| format!("the key is not an RSA private key in PKCS #8: {e}"))
    }

    /// The SHA256withRSA signature of `message`.
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, String> {
        let mut signature = vec![0; self.0.public().modulus_len()];
        self.0
            .sign(&RSA_PKCS1_SHA256, &ring::rand::SystemRandom::new(), message, &mut signature)
            .map_err(|_| "the message could not be signed".to_string())?;
        Ok(signature)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/payments/rsa");

    fn read(name: &str) -> String {
        std::fs::read_to_string(format!("{DIR}/{name}")).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    #[test]
    fn a_signature_made_with_the_private_key_verifies_with_its_public_key_only() {
        let private = RsaPrivateKey::from_pkcs8_text(&read("provider_private_key.pem")).unwrap();
        let public = RsaPublicKey::from_spki_text(&read("provider_public_key.pem")).unwrap();
        let other = RsaPublicKey::from_spki_text(&read("merchant_public_key.pem")).unwrap();
        let signature = private.sign(b"message").unwrap();
        assert!(public.verify(b"message", &signature));
        assert!(!public.verify(b"messagf", &signature));
        assert!(!other.verify(b"message", &signature));
    }

    #[test]
    fn a_public_key_reads_as_pem_or_as_bare_base64_and_nothing_else_reads() {
        let pem = read("provider_public_key.pem");
        let bare: String = pem.lines().filter(|l| !l.starts_with("-----")).collect::<Vec<_>>().concat();
        assert_eq!(RsaPublicKey::from_spki_text(&pem), RsaPublicKey::from_spki_text(&bare));
        assert!(RsaPublicKey::from_spki_text("not a key").is_err());
        assert!(RsaPublicKey::from_spki_text(&bare[..bare.len() / 2]).is_err());
        assert!(RsaPrivateKey::from_pkcs8_text(&pem).is_err());
    }
}
