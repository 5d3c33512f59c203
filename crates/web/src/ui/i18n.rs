//! UI strings in English and Simplified Chinese, read from `locales/*.txt` (one `key = value` per
//! line) that are embedded in the binary. Templates ask for strings by key.

use std::collections::HashMap;
use std::sync::OnceLock;

/// The languages of the UI; the first is the fallback.
pub const LOCALES: [&str; 2] = ["en", "zh-CN"];

const FILES: [&str; 2] = [include_str!("../../locales/en.txt"), include_str!("../../locales/zh-CN.txt")];

fn parse(text: &str) -> HashMap<&str, &str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once(" = ").or_else(|| l.split_once('=')))
        .map(|(k, v)| (k.trim(), v.trim()))
        .collect()
}

fn catalogues() -> &'static [HashMap<&'static str, &'static str>; 2] {
    static CATALOGUES: OnceLock<[HashMap<&'static str, &'static str>; 2]> = OnceLock::new();
    CATALOGUES.get_or_init(|| FILES.map(parse))
}

/// The strings of one language.
#[derive(Clone, Copy, Debug)]
pub struct Tr {
    pub locale: &'static str,
    index: usize,
}

impl Tr {
    /// The catalogue for `locale`, or English.
    pub fn for_locale(locale: &str) -> Self {
        let index = LOCALES.iter().position(|l| l.eq_ignore_ascii_case(locale)).unwrap_or(0);
        Self { locale: LOCALES[index], index }
    }

    /// The string for `key`; the key itself if missing (a test keeps the catalogues complete).
    pub fn get<'a>(&self, key: &'a str) -> &'a str {
        catalogues()[self.index].get(key).copied().unwrap_or(key)
    }

    /// The string for `key` with `{name}` replaced by `value`.
    pub fn fill(&self, key: &str, name: &str, value: &str) -> String {
        self.get(key).replace(&format!("{{{name}}}"), value)
    }

    /// The locale the language switch leads to.
    pub fn other_locale(&self) -> &'static str {
        LOCALES[(self.index + 1) % LOCALES.len()]
    }
}

/// Picks the locale: the `tp_lang` cookie, then the operator's default, then Accept-Language.
pub fn choose(cookie: Option<&str>, operator_default: Option<&str>, accept_language: Option<&str>) -> Tr {
    if let Some(l) = cookie.filter(|l| LOCALES.contains(l)) {
        return Tr::for_locale(l);
    }
    if let Some(l) = operator_default.filter(|l| LOCALES.contains(l)) {
        return Tr::for_locale(l);
    }
    let prefers_chinese =
        accept_language.is_some_and(|a| a.trim_start().to_ascii_lowercase().starts_with("zh"));
    Tr::for_locale(if prefers_chinese { "zh-CN" } else { "en" })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn every_language_has_every_key() {
        let [en, zh] = catalogues();
        let en_keys: BTreeSet<_> = en.keys().collect();
        let zh_keys: BTreeSet<_> = zh.keys().collect();
        assert_eq!(en_keys, zh_keys);
        assert!(en_keys.len() > 50);
    }

    #[test]
    fn every_key_used_in_a_template_exists() {
        let templates = [
            include_str!("../../templates/base.html"),
            include_str!("../../templates/login.html"),
            include_str!("../../templates/dashboard.html"),
            include_str!("../../templates/users.html"),
            include_str!("../../templates/api_keys.html"),
            include_str!("../../templates/settings.html"),
            include_str!("../../templates/orders.html"),
            include_str!("../../templates/order_detail.html"),
            include_str!("../../templates/order_new.html"),
            include_str!("../../templates/confirmation.html"),
            include_str!("../../templates/inventory.html"),
        ];
        for text in templates {
            for part in text.split("t.get(\"").skip(1) {
                let key = part.split('"').next().unwrap_or_default();
                assert!(catalogues()[0].contains_key(key), "missing key {key}");
            }
        }
    }

    #[test]
    fn the_cookie_wins_then_the_operator_then_the_browser() {
        assert_eq!(choose(Some("zh-CN"), Some("en"), None).locale, "zh-CN");
        assert_eq!(choose(None, Some("zh-CN"), Some("en-GB")).locale, "zh-CN");
        assert_eq!(choose(Some("xx"), None, Some("zh-TW,zh;q=0.9")).locale, "zh-CN");
        assert_eq!(choose(None, None, None).locale, "en");
        assert_eq!(Tr::for_locale("zh-CN").get("nav.orders"), "订单");
        assert_eq!(
            Tr::for_locale("en").fill("login.throttled", "minutes", "15"),
            "Too many failed sign-ins for this account. Try again in 15 minutes."
        );
    }
}
