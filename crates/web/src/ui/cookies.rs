//! Cookies of the web UI: the session token, the sign-in form's CSRF token and the language.

use axum::http::{HeaderMap, HeaderValue, header};

pub const SESSION: &str = "tp_session";
pub const LOGIN_CSRF: &str = "tp_csrf";
pub const LANG: &str = "tp_lang";

/// The value of cookie `name`.
pub fn get<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Whether the client reached us over TLS (directly or through a proxy that says so).
fn behind_tls(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|p| p.eq_ignore_ascii_case("https"))
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, Path=/, Secure behind TLS; `max_age` 0 deletes.
pub fn set(request_headers: &HeaderMap, name: &str, value: &str, max_age: i64) -> HeaderValue {
    let secure = if behind_tls(request_headers) { "; Secure" } else { "" };
    let cookie = format!("{name}={value}; Max-Age={max_age}; Path=/; HttpOnly; SameSite=Lax{secure}");
    HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static("invalid=1; Max-Age=0"))
}

/// Compares two tokens in time independent of where they differ.
pub fn tokens_match(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && !a.is_empty()
        && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_one_cookie_among_many() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_static("a=1; tp_session=abc; tp_lang=zh-CN"));
        assert_eq!(get(&h, SESSION), Some("abc"));
        assert_eq!(get(&h, LANG), Some("zh-CN"));
        assert_eq!(get(&h, "missing"), None);
    }

    #[test]
    fn cookies_are_secure_only_behind_tls() {
        let mut h = HeaderMap::new();
        assert!(!set(&h, SESSION, "x", 60).to_str().unwrap().contains("Secure"));
        h.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        let v = set(&h, SESSION, "x", 60);
        let v = v.to_str().unwrap();
        assert!(v.contains("HttpOnly") && v.contains("SameSite=Lax") && v.contains("Secure"));
    }

    #[test]
    fn token_comparison() {
        assert!(tokens_match("abc", "abc"));
        assert!(!tokens_match("abc", "abd"));
        assert!(!tokens_match("", ""));
    }
}
