//! Random secrets (API keys, session and CSRF tokens) and their SHA-256 digests.

use sha2::{Digest, Sha256};

/// `bytes` random bytes from the operating system, hex-encoded.
///
/// Panics only if the operating system has no random source, in which case no secret could be
/// made safely and stopping is the right outcome.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).expect("the operating system's random source is unavailable");
    hex::encode(buf)
}

/// Hex SHA-256 of a secret: what is stored in place of it.
pub fn sha256_hex(secret: impl AsRef<[u8]>) -> String {
    hex::encode(Sha256::digest(secret.as_ref()))
}

/// Whether two secrets are equal, in time that does not depend on where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_of_the_asked_length() {
        let a = random_token(24);
        assert_eq!(a.len(), 48);
        assert_ne!(a, random_token(24));
    }

    #[test]
    fn sha256_matches_the_known_vector() {
        assert_eq!(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
