//! What buyers read, in their language: Fluent catalogues (`locales/notifications/*.ftl`) in
//! English (the fallback), 简体中文, Español, Deutsch, Français and 日本語.

use std::sync::OnceLock;

use fluent_bundle::FluentValue;

use crate::i18n::{Catalogue, number, text};

/// The languages buyers' messages are written in; the first is the fallback.
pub const BUYER_LANGUAGES: [&str; 6] = ["en", "zh-CN", "es", "de", "fr", "ja"];

fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| {
        Catalogue::new(&[
            ("en", include_str!("../../locales/notifications/en.ftl")),
            ("zh-CN", include_str!("../../locales/notifications/zh-CN.ftl")),
            ("es", include_str!("../../locales/notifications/es.ftl")),
            ("de", include_str!("../../locales/notifications/de.ftl")),
            ("fr", include_str!("../../locales/notifications/fr.ftl")),
            ("ja", include_str!("../../locales/notifications/ja.ftl")),
        ])
    })
}

/// A message ready to send: its language, subject, and body as text and as HTML.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderedMessage {
    pub language: &'static str,
    pub subject: String,
    pub text: String,
    pub html: String,
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Renders the messages `keys` of one topic as paragraphs; the first key is the subject.
fn render(language: &str, keys: &[&str], args: &[(&str, FluentValue<'_>)]) -> RenderedMessage {
    let catalogue = catalogue();
    let index = catalogue.pick(language);
    let text_of = |key: &str| catalogue.format(index, key, args).unwrap_or_default();
    let subject = text_of(keys[0]);
    let paragraphs: Vec<String> = keys[1..].iter().map(|k| text_of(k)).collect();
    let html_body: String = paragraphs.iter().map(|p| format!("<p>{}</p>\n", escape_html(p))).collect();
    let lang = catalogue.locales()[index];
    RenderedMessage {
        language: lang,
        html: format!(
            "<!doctype html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{}</title></head>\n<body>\n{html_body}</body></html>\n",
            escape_html(&subject)
        ),
        text: paragraphs.join("\n\n") + "\n",
        subject,
    }
}

/// The e-mail telling a buyer the order is confirmed (ORD-7): number, items, total, when it
/// leaves the warehouse, how the tracking number will come.
pub fn render_order_confirmed(
    language: &str,
    order_no: &str,
    buyer_name: &str,
    items: i64,
    total: &str,
    dispatch_by: &str,
) -> RenderedMessage {
    render(
        language,
        &[
            "order-confirmed-subject",
            "order-confirmed-greeting",
            "order-confirmed-body",
            "order-confirmed-tracking",
            "order-confirmed-attachment",
            "order-confirmed-signature",
        ],
        &[
            ("order_no", text(order_no)),
            ("buyer_name", text(buyer_name)),
            ("count", number(items)),
            ("total", text(total)),
            ("dispatch_by", text(dispatch_by)),
        ],
    )
}

/// The text message telling a buyer the order is confirmed (ORD-7), short enough for one or two
/// SMS segments.
pub fn render_order_confirmed_sms(language: &str, order_no: &str) -> String {
    let catalogue = catalogue();
    let index = catalogue.pick(language);
    catalogue.format(index, "order-confirmed-sms", &[("order_no", text(order_no))]).unwrap_or_default()
}

/// The e-mail telling a department's staff of its overdue steps at a sweep (SLA-2), in the
/// operator's language (English or Chinese): how many, where, and the first orders.
pub fn render_sla_overdue(
    language: &str,
    department: &str,
    place: &str,
    overdue: i64,
    orders: &[&str],
) -> RenderedMessage {
    let listed = orders.join(", ");
    let catalogue = catalogue();
    let key = format!("department-{department}");
    let index = catalogue.pick(language);
    let department = catalogue.format(index, &key, &[]).unwrap_or_else(|| department.to_string());
    let place = match place {
        "" => catalogue.format(index, "sla-place-unallocated", &[]).unwrap_or_default(),
        code => code.to_string(),
    };
    render(
        language,
        &["sla-overdue-subject", "sla-overdue-body", "sla-overdue-orders", "sla-overdue-action"],
        &[
            ("department", text(&department)),
            ("place", text(&place)),
            ("count", number(overdue)),
            ("orders", text(&listed)),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_parses_and_has_every_message() {
        assert_eq!(catalogue().errors(), &[] as &[String]);
        let keys = ["order-confirmed-subject", "order-confirmed-body", "order-confirmed-tracking"];
        for (index, language) in BUYER_LANGUAGES.iter().enumerate() {
            for key in keys {
                assert!(catalogue().has(index, key), "{language} has {key}");
            }
        }
    }

    #[test]
    fn the_buyers_language_is_chosen_with_a_fallback() {
        let subject = |lang: &str| {
            render_order_confirmed(lang, "20260325000001", "Ana", 2, "58.00 GBP", "2026-03-26").subject
        };
        assert_eq!(subject("en"), "Your order 20260325000001 is confirmed");
        assert_eq!(subject("zh-CN"), "您的订单 20260325000001 已确认");
        assert_eq!(subject("zh-TW"), "您的订单 20260325000001 已确认", "by primary language");
        assert_eq!(subject("es-MX"), "Su pedido 20260325000001 está confirmado");
        assert_eq!(subject("DE"), "Ihre Bestellung 20260325000001 ist bestätigt");
        assert_eq!(subject("fr_CA"), "Votre commande 20260325000001 est confirmée");
        assert_eq!(subject("ja"), "ご注文 20260325000001 を確定しました");
        assert_eq!(subject("pt-BR"), "Your order 20260325000001 is confirmed", "English when unknown");
        assert_eq!(subject(""), "Your order 20260325000001 is confirmed");
    }

    #[test]
    fn plurals_follow_the_language_and_html_is_escaped() {
        let one = render_order_confirmed("en", "N1", "<Ana>", 1, "5.00 EUR", "2026-03-26");
        let nan = render_order_confirmed("en", "1e3", "Nan", 1, "5.00 EUR", "2026-03-26");
        assert!(
            nan.text.starts_with("Hello Nan,") && nan.subject.contains("1e3"),
            "names stay text: {}",
            nan.text
        );
        assert!(one.text.contains("one item for 5.00 EUR"), "{}", one.text);
        assert!(one.html.contains("Hello &lt;Ana&gt;,") && one.html.contains("lang=\"en\""), "{}", one.html);
        let many = render_order_confirmed("de", "N1", "Ana", 3, "5.00 EUR", "2026-03-26");
        assert!(many.text.contains("3 Artikel für 5.00 EUR"), "{}", many.text);
        assert_eq!(many.language, "de");
    }

    #[test]
    fn staff_hear_of_overdue_steps_in_the_operators_language() {
        let zh = render_sla_overdue("zh-CN", "order_management", "", 3, &["o-1", "o-2"]);
        assert_eq!(zh.subject, "尚未分配仓库的订单：订单管理部 有 3 个环节已超时");
        assert!(zh.text.contains("订单：o-1, o-2"), "{}", zh.text);
        let en = render_sla_overdue("en", "warehouse", "UK-MAN", 1, &["o-9"]);
        assert_eq!(en.subject, "One overdue step for Warehouse at UK-MAN");
        // A language without staff messages reads them in English.
        assert_eq!(render_sla_overdue("de", "warehouse", "UK-MAN", 1, &["o-9"]).subject, en.subject);
    }
}
