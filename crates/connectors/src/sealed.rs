//! Secrets kept at rest (channel credentials and webhook secrets): sealed with XChaCha20-Poly1305
//! under a key that lives in configuration, never in the database.
//!
//! A sealed value reads `tp1.<key id>.<base64 of nonce and ciphertext>`. The key id (the first
//! eight hex digits of the key's SHA-256) says which key sealed it, so a key can be rotated: the
//! new key seals, the previous keys still open what they sealed, and [`Keyring::reseal`] moves a
//! value to the current key. Each value is bound to where it is kept (`context`, e.g. the
//! connection's id and the field): a sealed value copied into another row does not open.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use sha2::{Digest, Sha256};

const PREFIX: &str = "tp1";
const NONCE_LEN: usize = 24;

/// Why a value could not be sealed or opened.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error("a secrets key is 32 bytes written in base64 (e.g. `openssl rand -base64 32`)")]
    BadKey,
    #[error("the value is not a sealed secret")]
    NotSealed,
    #[error("the value was sealed with key {0}, which is not configured; add it to the previous keys")]
    UnknownKey(String),
    #[error("the value does not open with its key: it was changed or belongs elsewhere")]
    Tampered,
}

/// One key and its id.
#[derive(Clone)]
struct Key {
    id: String,
    cipher: XChaCha20Poly1305,
}

impl Key {
    fn parse(base64_key: &str) -> Result<Self, SealError> {
        let text = base64_key.trim();
        let bytes = STANDARD
            .decode(text)
            .or_else(|_| STANDARD_NO_PAD.decode(text.trim_end_matches('=')))
            .map_err(|_| SealError::BadKey)?;
        if bytes.len() != 32 {
            return Err(SealError::BadKey);
        }
        let id = hex::encode(&Sha256::digest(&bytes)[..4]);
        let cipher = XChaCha20Poly1305::new_from_slice(&bytes).map_err(|_| SealError::BadKey)?;
        Ok(Self { id, cipher })
    }
}

/// The current key, which seals, and the previous keys, which only open.
#[derive(Clone)]
pub struct Keyring {
    current: Key,
    previous: Vec<Key>,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let previous: Vec<&str> = self.previous.iter().map(|k| k.id.as_str()).collect();
        f.debug_struct("Keyring").field("current", &self.current.id).field("previous", &previous).finish()
    }
}

impl Keyring {
    /// A keyring from base64 keys: the current one and any number of previous ones.
    pub fn new(current: &str, previous: &[&str]) -> Result<Self, SealError> {
        Ok(Self {
            current: Key::parse(current)?,
            previous: previous
                .iter()
                .filter(|k| !k.trim().is_empty())
                .map(|k| Key::parse(k))
                .collect::<Result<_, _>>()?,
        })
    }

    /// A fresh random key, base64: what `openssl rand -base64 32` prints.
    pub fn generate_key() -> String {
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).expect("the operating system's random source is unavailable");
        STANDARD.encode(key)
    }

    /// The id of the key that seals.
    pub fn current_id(&self) -> &str {
        &self.current.id
    }

    /// `plain` sealed with the current key for `context`.
    pub fn seal(&self, plain: &str, context: &str) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).expect("the operating system's random source is unavailable");
        let payload = Payload { msg: plain.as_bytes(), aad: context.as_bytes() };
        // Encryption fails only for a message beyond 256 GiB, which a secret never is.
        let sealed = self.current.cipher.encrypt(&XNonce::from(nonce), payload).expect("a secret fits");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        format!("{PREFIX}.{}.{}", self.current.id, STANDARD_NO_PAD.encode(out))
    }

    /// The plain text of a value sealed for `context`, by whichever configured key sealed it.
    pub fn open(&self, sealed: &str, context: &str) -> Result<String, SealError> {
        let mut parts = sealed.splitn(3, '.');
        let (Some(PREFIX), Some(id), Some(body)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(SealError::NotSealed);
        };
        let key = std::iter::once(&self.current)
            .chain(&self.previous)
            .find(|k| k.id == id)
            .ok_or_else(|| SealError::UnknownKey(id.to_string()))?;
        let bytes = STANDARD_NO_PAD.decode(body).map_err(|_| SealError::NotSealed)?;
        if bytes.len() < NONCE_LEN {
            return Err(SealError::NotSealed);
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| SealError::NotSealed)?;
        let payload = Payload { msg: ciphertext, aad: context.as_bytes() };
        let plain = key.cipher.decrypt(&XNonce::from(nonce), payload).map_err(|_| SealError::Tampered)?;
        String::from_utf8(plain).map_err(|_| SealError::Tampered)
    }

    /// `sealed` moved to the current key; `None` when it is sealed with it already.
    pub fn reseal(&self, sealed: &str, context: &str) -> Result<Option<String>, SealError> {
        if sealed.split('.').nth(1) == Some(self.current.id.as_str()) {
            return Ok(None);
        }
        self.open(sealed, context).map(|plain| Some(self.seal(&plain, context)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    #[test]
    fn a_sealed_secret_opens_only_with_its_key_and_its_context() {
        let ring = Keyring::new(OLD, &[]).unwrap();
        let sealed = ring.seal("shpss_0123456789", "channel:1:secret");
        assert!(sealed.starts_with(&format!("tp1.{}.", ring.current_id())));
        assert!(!sealed.contains("shpss"), "the plain text never shows");
        assert_ne!(sealed, ring.seal("shpss_0123456789", "channel:1:secret"), "a fresh nonce each time");
        assert_eq!(ring.open(&sealed, "channel:1:secret").unwrap(), "shpss_0123456789");
        assert_eq!(ring.open(&sealed, "channel:2:secret"), Err(SealError::Tampered), "moved to another row");
        let mut flipped = sealed.clone().into_bytes();
        let last = flipped.len() - 2;
        flipped[last] = if flipped[last] == b'A' { b'B' } else { b'A' };
        assert_eq!(
            ring.open(&String::from_utf8(flipped).unwrap(), "channel:1:secret"),
            Err(SealError::Tampered)
        );
        assert_eq!(ring.open("shpss_0123456789", "channel:1:secret"), Err(SealError::NotSealed));
    }

    #[test]
    fn rotation_opens_old_values_and_reseals_them_with_the_new_key() {
        let old = Keyring::new(OLD, &[]).unwrap();
        let sealed = old.seal("woo secret", "c");
        let new_key = Keyring::generate_key();
        let rotated = Keyring::new(&new_key, &[OLD]).unwrap();
        assert_eq!(rotated.open(&sealed, "c").unwrap(), "woo secret");
        let moved = rotated.reseal(&sealed, "c").unwrap().expect("sealed with the old key");
        assert_eq!(rotated.reseal(&moved, "c").unwrap(), None, "already current");
        let without_old = Keyring::new(&new_key, &[]).unwrap();
        assert_eq!(without_old.open(&moved, "c").unwrap(), "woo secret");
        assert_eq!(without_old.open(&sealed, "c"), Err(SealError::UnknownKey(old.current_id().into())));
    }

    #[test]
    fn keys_must_be_32_bytes_of_base64() {
        assert_eq!(Keyring::new("short", &[]).unwrap_err(), SealError::BadKey);
        assert_eq!(Keyring::new("AAEC", &[]).unwrap_err(), SealError::BadKey);
        assert!(Keyring::new(&Keyring::generate_key(), &["", OLD]).is_ok());
    }
}
