//! UI strings in English and Simplified Chinese, in Fluent (`locales/*.ftl`, embedded in the
//! binary): plurals and selectors per language, values filled in by name. Templates ask for
//! strings by the code's dotted key (`orders.hold`); the catalogue spells it `orders-hold`.
//! Domain messages (why an order is held) are shown in the UI's language by their code.

use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use tradeport_domain::kernel::FieldError;

/// The languages of the UI; the first is the fallback.
pub const LOCALES: [&str; 2] = ["en", "zh-CN"];

const FILES: [&str; 2] = [include_str!("../../locales/en.ftl"), include_str!("../../locales/zh-CN.ftl")];

type Bundle = FluentBundle<FluentResource>;

/// A catalogue and the syntax errors found in it (a test keeps them empty).
fn load(locale: &str, text: &str) -> (Bundle, Vec<String>) {
    let language = locale.parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![language]);
    // No Unicode isolation marks around values: the strings go into HTML attributes and text.
    bundle.set_use_isolating(false);
    let mut errors = Vec::new();
    // A resource with syntax errors still holds every message that parsed.
    let resource = FluentResource::try_new(text.to_string()).unwrap_or_else(|(partial, e)| {
        errors.extend(e.iter().map(|e| format!("{locale}: {e:?}")));
        partial
    });
    if let Err(e) = bundle.add_resource(resource) {
        errors.extend(e.iter().map(|e| format!("{locale}: {e:?}")));
    }
    (bundle, errors)
}

fn bundles() -> &'static [Bundle; 2] {
    static BUNDLES: OnceLock<[Bundle; 2]> = OnceLock::new();
    BUNDLES.get_or_init(|| [0, 1].map(|i| load(LOCALES[i], FILES[i]).0))
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

    fn format(&self, key: &str, args: Option<&FluentArgs<'_>>) -> Option<String> {
        let bundle = &bundles()[self.index];
        let pattern = bundle.get_message(&key.replace('.', "-"))?.value()?;
        let mut errors = Vec::new();
        Some(bundle.format_pattern(pattern, args, &mut errors).into_owned())
    }

    /// The string for `key`; the key itself if missing (a test keeps the catalogues complete).
    pub fn get(&self, key: &str) -> String {
        self.format(key, None).unwrap_or_else(|| key.to_string())
    }

    /// The string for `key` with `$name` set to `value` (a number when it reads as one, so
    /// plural forms apply).
    pub fn fill(&self, key: &str, name: &str, value: &str) -> String {
        let mut args = FluentArgs::new();
        args.set(name.to_string(), FluentValue::try_number(value));
        self.format(key, Some(&args)).unwrap_or_else(|| key.to_string())
    }

    /// Why an order is held, in this language: the catalogue's text for its code, else the
    /// domain's own (English) message.
    pub fn hold(&self, h: &FieldError) -> String {
        let mut args = FluentArgs::new();
        args.set("field", h.field.clone());
        args.set("message", h.message.clone());
        let translated =
            if self.index == 0 { None } else { self.format(&format!("hold-{}", h.code), Some(&args)) };
        translated.unwrap_or_else(|| h.message.clone())
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

    /// The message ids of a catalogue, except the domain codes only other languages translate.
    fn ids(text: &str) -> BTreeSet<String> {
        let resource = FluentResource::try_new(text.to_string()).unwrap_or_else(|(r, _)| r);
        let ids = resource.entries().filter_map(|e| match e {
            fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_string()),
            _ => None,
        });
        ids.filter(|id| !id.starts_with("hold-")).collect()
    }

    #[test]
    fn every_catalogue_parses_and_every_language_has_every_key() {
        for (locale, text) in LOCALES.iter().zip(FILES) {
            assert_eq!(load(locale, text).1, Vec::<String>::new());
        }
        assert_eq!(ids(FILES[0]), ids(FILES[1]));
        assert!(ids(FILES[0]).len() > 50);
    }

    #[test]
    fn plurals_follow_the_language() {
        let en = Tr::for_locale("en");
        assert_eq!(en.fill("orders.bulk_done", "count", "1"), "One order approved.");
        assert_eq!(en.fill("orders.bulk_done", "count", "0"), "No order was approved.");
        assert_eq!(en.fill("orders.bulk_done", "count", "12"), "12 orders approved.");
        assert_eq!(
            en.fill("login.throttled", "minutes", "1"),
            "Too many failed sign-ins for this account. Try again in one minute."
        );
        assert_eq!(Tr::for_locale("zh-CN").fill("orders.bulk_done", "count", "12"), "已通过 12 个订单。");
    }

    #[test]
    fn every_hold_reads_in_chinese() {
        let zh = Tr::for_locale("zh-CN");
        for code in tradeport_domain::orders::HOLD_CODES {
            let h = FieldError::new("buyer.phone", code, "english details");
            let text = zh.hold(&h);
            assert!(text != h.message && !text.starts_with("hold-"), "{code}: {text}");
            assert!(text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{code}: {text}");
        }
        let staff = FieldError::new("order", "held_by_staff", "buyer asked to wait");
        assert_eq!(zh.hold(&staff), "员工暂停：buyer asked to wait");
        assert_eq!(Tr::for_locale("en").hold(&staff), "buyer asked to wait");
        let unknown = FieldError::new("x", "no_such_code", "as the domain said");
        assert_eq!(zh.hold(&unknown), "as the domain said");
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
                assert!(bundles()[0].has_message(&key.replace('.', "-")), "missing key {key}");
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
