//! Cookies of the web UI: the session token, the sign-in form's CSRF token and the language.

use axum::http::{HeaderMap, HeaderValue, header};
use subtle::ConstantTimeEq;

use crate::security::ClientContext;

pub const SESSION: &str = "tp_session";
pub const LOGIN_CSRF: &str = "tp_csrf";
pub const LANG: &str = "tp_lang";

/// The value of cookie `name`.
pub fn get<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .and_then(|c| c.name_raw().zip(c.value_raw()).map(|(_, v)| v))
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, Path=/, and Secure when the server is
/// configured as served over HTTPS; `max_age` 0 deletes.
pub fn set(ctx: &ClientContext, name: &str, value: &str, max_age: i64) -> HeaderValue {
    let mut cookie = cookie::Cookie::new(name, value);
    cookie.set_max_age(cookie::time::Duration::seconds(max_age));
    cookie.set_path("/");
    cookie.set_http_only(true);
    cookie.set_same_site(cookie::SameSite::Lax);
    cookie.set_secure(ctx.secure);
    HeaderValue::from_str(&cookie.to_string())
        .unwrap_or_else(|_| HeaderValue::from_static("invalid=1; Max-Age=0"))
}

/// Compares two tokens in constant time; empty tokens never match.
pub fn tokens_match(a: &str, b: &str) -> bool {
    !a.is_empty() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
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
    fn cookies_are_secure_only_when_served_over_https() {
        let plain = ClientContext { ip: "127.0.0.1".into(), secure: false };
        assert!(!set(&plain, SESSION, "x", 60).to_str().unwrap().contains("Secure"));
        let https = ClientContext { secure: true, ..plain };
        let v = set(&https, SESSION, "x", 60);
        let v = v.to_str().unwrap();
        assert!(v.contains("HttpOnly") && v.contains("SameSite=Lax") && v.contains("Secure"), "{v}");
        assert!(v.contains("Max-Age=60") && v.contains("Path=/"), "{v}");
    }

    #[test]
    fn token_comparison() {
        assert!(tokens_match("abc", "abc"));
        assert!(!tokens_match("abc", "abd"));
        assert!(!tokens_match("", ""));
    }
}
