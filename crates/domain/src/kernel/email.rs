//! E-mail addresses, checked for the syntax mail servers accept and stored lower-cased.

use std::fmt;

use serde::Serialize;

/// A syntactically valid e-mail address, lower-cased.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    /// Parses an address: one `@`, a non-empty local part of allowed characters, a domain of
    /// dot-separated labels with at least one dot, at most 254 characters in all.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let s = raw.trim().to_lowercase();
        if s.is_empty() {
            return Err("is required, e.g. name@example.com");
        }
        if s.len() > 254 {
            return Err("is longer than 254 characters");
        }
        let Some((local, domain)) = s.split_once('@') else {
            return Err("must contain '@', e.g. name@example.com");
        };
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local.chars().all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
        if !local_ok {
            return Err("has an invalid part before '@'");
        }
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            });
        if !domain_ok {
            return Err("has an invalid domain after '@', e.g. example.com");
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::Email;

    #[test]
    fn accepts_ordinary_addresses_and_lowercases_them() {
        assert_eq!(
            Email::parse(" Li.Wei+orders@Example.COM ").unwrap().as_str(),
            "li.wei+orders@example.com"
        );
    }

    #[test]
    fn rejects_malformed_addresses() {
        for bad in
            ["", "no-at-sign", "@example.com", "a@b", "a..b@example.com", "a@-x.com", "a b@example.com"]
        {
            assert!(Email::parse(bad).is_err(), "{bad} should be rejected");
        }
    }
}
