//! What buyers read, in their language: Fluent catalogues (`locales/notifications/*.ftl`) in
//! English (the fallback), 简体中文, Español, Deutsch, Français and 日本語.

use std::sync::OnceLock;

use fluent_bundle::FluentValue;

use crate::i18n::{Catalogue, number, text};

/// The languages buyers' messages are written in; the first is the fallback.
pub const BUYER_LANGUAGES: [&str; 6] = ["en", "zh-CN", "es", "de", "fr", "ja"];

/// The catalogue files, as written (the Messages page shows their wording to edit).
pub(super) const FILES: [(&str, &str); 6] = [
    ("en", include_str!("../../locales/notifications/en.ftl")),
    ("zh-CN", include_str!("../../locales/notifications/zh-CN.ftl")),
    ("es", include_str!("../../locales/notifications/es.ftl")),
    ("de", include_str!("../../locales/notifications/de.ftl")),
    ("fr", include_str!("../../locales/notifications/fr.ftl")),
    ("ja", include_str!("../../locales/notifications/ja.ftl")),
];

pub(super) fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| Catalogue::new(&FILES))
}

/// A message ready to send: its language, subject, and body as text and as HTML.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderedMessage {
    pub language: &'static str,
    pub subject: String,
    pub text: String,
    pub html: String,
}

pub(crate) fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// A customer-service sentence (a `ticket-…` key) in `language` (English when it has none).
pub(crate) fn ticket_text(language: &str, key: &str, args: &[(&str, FluentValue<'_>)]) -> String {
    let catalogue = catalogue();
    catalogue.format(catalogue.pick(language), key, args).unwrap_or_default()
}

/// Renders the messages `keys` of one topic as paragraphs; the first key is the subject.
fn render(language: &str, keys: &[&str], args: &[(&str, FluentValue<'_>)]) -> RenderedMessage {
    let catalogue = catalogue();
    let index = catalogue.pick(language);
    let text_of = |key: &str| catalogue.format(index, key, args).unwrap_or_default();
    let paragraphs: Vec<String> = keys[1..].iter().map(|k| text_of(k)).collect();
    compose(catalogue.locales()[index], text_of(keys[0]), &paragraphs)
}

/// An e-mail of `paragraphs` (lines within one kept as lines) as text and as HTML.
pub(super) fn compose(language: &'static str, subject: String, paragraphs: &[String]) -> RenderedMessage {
    let html_body: String =
        paragraphs.iter().map(|p| format!("<p>{}</p>\n", escape_html(p).replace('\n', "<br>\n"))).collect();
    RenderedMessage {
        language,
        html: format!(
            "<!doctype html>\n<html lang=\"{language}\"><head><meta charset=\"utf-8\"><title>{}</title></head>\n<body>\n{html_body}</body></html>\n",
            escape_html(&subject)
        ),
        text: paragraphs.join("\n\n") + "\n",
        subject,
    }
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

/// The e-mail that brings the supervision group the month's report (KPI-1), in the operator's
/// language: the two headline figures and how many KPIs missed their targets.
pub fn render_supervision_report(
    language: &str,
    month: &str,
    timeliness: &str,
    satisfaction: &str,
    missed: i64,
) -> RenderedMessage {
    render(
        language,
        &["supervision-report-subject", "supervision-report-body", "supervision-report-action"],
        &[
            ("month", text(month)),
            ("timeliness", text(timeliness)),
            ("satisfaction", text(satisfaction)),
            ("missed", number(missed)),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

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
