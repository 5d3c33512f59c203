//! UI strings in English and Simplified Chinese, in Fluent (`locales/*.ftl`, embedded in the
//! binary): plurals and selectors per language, values filled in by name. Templates ask for
//! strings by the code's dotted key (`orders.hold`); the catalogue spells it `orders-hold`.
//! Domain messages (why an order is held) are shown in the UI's language by their code.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use jiff::tz::TimeZone;

use tradeport_app::i18n::{Catalogue, number, text};
use tradeport_domain::kernel::FieldError;

/// The languages of the UI; the first is the fallback.
pub const LOCALES: [&str; 2] = ["en", "zh-CN"];

const FILES: [&str; 2] = [include_str!("../../locales/en.ftl"), include_str!("../../locales/zh-CN.ftl")];

fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| Catalogue::new(&[(LOCALES[0], FILES[0]), (LOCALES[1], FILES[1])]))
}

/// The strings of one language, and the time zone the reader's times are shown in.
#[derive(Clone, Copy, Debug)]
pub struct Tr {
    pub locale: &'static str,
    index: usize,
    pub zone: &'static TimeZone,
}

impl Tr {
    /// The catalogue for `locale`, or English; times in UTC.
    pub fn for_locale(locale: &str) -> Self {
        let index = LOCALES.iter().position(|l| l.eq_ignore_ascii_case(locale)).unwrap_or(0);
        Self { locale: LOCALES[index], index, zone: zone("UTC") }
    }

    /// The same strings, with times shown in the IANA zone `name` (UTC when it is unknown).
    pub fn in_zone(self, name: &str) -> Self {
        Self { zone: zone(name), ..self }
    }

    /// The string for `key`; the key itself if missing (a test keeps the catalogues complete).
    pub fn get(&self, key: &str) -> String {
        catalogue().format(self.index, &key.replace('.', "-"), &[]).unwrap_or_else(|| key.to_string())
    }

    /// The string for `key` with the number `$name` set to `n` (plural forms apply).
    pub fn fill(&self, key: &str, name: &str, n: i64) -> String {
        catalogue()
            .format(self.index, &key.replace('.', "-"), &[(name, number(n))])
            .unwrap_or_else(|| key.to_string())
    }

    /// The message `key` with the text `value` in place of `$name`.
    pub fn fill_text(&self, key: &str, name: &str, value: &str) -> String {
        catalogue()
            .format(self.index, &key.replace('.', "-"), &[(name, tradeport_app::i18n::text(value))])
            .unwrap_or_else(|| key.to_string())
    }

    /// The catalogue's name for the code `code` under `prefix` (`event`, `order_received`),
    /// or `None` when no language has one.
    pub fn named(&self, prefix: &str, code: &str) -> Option<String> {
        catalogue().format(self.index, &format!("{prefix}-{code}"), &[])
    }

    /// The word for the code `code` under `prefix`, or the code itself when none is written.
    pub fn word(&self, prefix: &str, code: &str) -> String {
        self.named(prefix, code).unwrap_or_else(|| code.to_string())
    }

    /// The message `key` with several texts filled in by name.
    pub fn fill_texts(&self, key: &str, values: &[(&str, &str)]) -> String {
        let args: Vec<_> = values.iter().map(|(name, value)| (*name, text(value))).collect();
        catalogue().format(self.index, &key.replace('.', "-"), &args).unwrap_or_else(|| key.to_string())
    }

    /// Why an order is held, in this language: the catalogue's text for its code, else the
    /// domain's own (English) message.
    pub fn hold(&self, h: &FieldError) -> String {
        if self.index == 0 {
            return h.message.clone();
        }
        let mut args = vec![("field", text(&h.field)), ("message", text(&h.message))];
        args.extend(h.params.iter().map(|(name, value)| (name.as_str(), text(value))));
        catalogue()
            .format_exact(self.index, &format!("hold-{}", h.code), &args)
            .unwrap_or_else(|| h.message.clone())
    }

    /// A validation error in this language: the catalogue's `invalid-<code>` with the error's
    /// values, else the domain's own (English) message.
    pub fn field_error(&self, e: &FieldError) -> String {
        if self.index == 0 {
            return e.message.clone();
        }
        let mut args = vec![("field", text(&e.field))];
        args.extend(e.params.iter().map(|(name, value)| (name.as_str(), text(value))));
        catalogue()
            .format_exact(self.index, &format!("invalid-{}", e.code), &args)
            .unwrap_or_else(|| e.message.clone())
    }

    /// Why an action cannot be taken now, in this language: the catalogue's `conflict-<code>`
    /// (dots written as dashes), else the domain's own (English) message.
    pub fn conflict(&self, code: &str, message: &str) -> String {
        if self.index == 0 {
            return message.to_string();
        }
        let key = format!("conflict-{}", code.replace('.', "-"));
        catalogue().format_exact(self.index, &key, &[]).unwrap_or_else(|| message.to_string())
    }

    /// A refusal that is not about fields or a conflict, in this language: something not found
    /// (`not_found-<thing>`) or not allowed (`access-<kind>`); `None` keeps the English text.
    pub fn refusal(&self, e: &tradeport_app::AppError) -> Option<String> {
        use tradeport_app::AppError as E;
        use tradeport_domain::access::AccessError as A;
        if self.index == 0 {
            return None;
        }
        let key = match e {
            E::NotFound(what) | E::Access(A::NotFound(what)) => {
                format!("not_found-{}", what.replace(' ', "_"))
            }
            E::Access(A::Forbidden { .. }) => "access-forbidden".into(),
            E::Access(A::Unauthenticated) => "access-unauthenticated".into(),
            _ => return None,
        };
        catalogue().format_exact(self.index, &key, &[])
    }

    /// The locale the language switch leads to.
    pub fn other_locale(&self) -> &'static str {
        LOCALES[(self.index + 1) % LOCALES.len()]
    }
}

/// The zone called `name`, loaded once per process: tenants name a handful of zones.
fn zone(name: &str) -> &'static TimeZone {
    static ZONES: OnceLock<Mutex<HashMap<String, &'static TimeZone>>> = OnceLock::new();
    let mut zones = ZONES.get_or_init(Mutex::default).lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(zone) = zones.get(name) {
        return zone;
    }
    let loaded: &'static TimeZone = Box::leak(Box::new(TimeZone::get(name).unwrap_or(TimeZone::UTC)));
    zones.insert(name.to_string(), loaded);
    loaded
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
        use fluent_bundle::FluentResource;
        let resource = FluentResource::try_new(text.to_string()).unwrap_or_else(|(r, _)| r);
        let ids = resource.entries().filter_map(|e| match e {
            fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_string()),
            _ => None,
        });
        let domain = |id: &String| {
            ["hold-", "invalid-", "conflict-", "not_found-", "access-"].iter().any(|p| id.starts_with(p))
        };
        ids.filter(|id| !domain(id)).collect()
    }

    #[test]
    fn every_catalogue_parses_and_every_language_has_every_key() {
        assert_eq!(catalogue().errors(), &[] as &[String]);
        assert_eq!(ids(FILES[0]), ids(FILES[1]));
        assert!(ids(FILES[0]).len() > 50);
    }

    #[test]
    fn plurals_follow_the_language() {
        let en = Tr::for_locale("en");
        assert_eq!(en.fill("orders.bulk_done", "count", 1), "One order approved.");
        assert_eq!(en.fill("orders.bulk_done", "count", 0), "No order was approved.");
        assert_eq!(en.fill("orders.bulk_done", "count", 12), "12 orders approved.");
        assert_eq!(
            en.fill("login.throttled", "minutes", 1),
            "Too many failed sign-ins for this account. Try again in one minute."
        );
        assert_eq!(Tr::for_locale("zh-CN").fill("orders.bulk_done", "count", 12), "已通过 12 个订单。");
    }

    #[test]
    fn every_hold_reads_in_chinese() {
        let zh = Tr::for_locale("zh-CN");
        for code in tradeport_domain::orders::HOLD_CODES {
            // With the values the domain gives this code, and no English in the Chinese text.
            let h = tradeport_domain::orders::hold_params(code)
                .iter()
                .fold(FieldError::new("buyer.phone", code, "english details"), |h, name| h.with(name, "V"));
            let text = zh.hold(&h);
            assert!(text != h.message && !text.starts_with("hold-"), "{code}: {text}");
            assert!(text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{code}: {text}");
            // Staff write the reason of their hold in their own words.
            assert!(code == "held_by_staff" || !text.contains("english"), "{code}: {text}");
        }
        for code in tradeport_domain::orders::REJECT_CODES {
            let e = FieldError::new("lines[0].sku", code, "english details");
            let e =
                ["sku", "total", "expected", "rule", "country"].iter().fold(e, |e, name| e.with(name, "V"));
            let text = zh.field_error(&e);
            assert!(text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{code}: {text}");
        }
        // A hold stored before its values were: the English message rather than a gap.
        let old = FieldError::new("paid_minor", "not_paid", "the order is not fully paid");
        assert_eq!(zh.hold(&old), "the order is not fully paid");
        let staff = FieldError::new("order", "held_by_staff", "buyer asked to wait");
        assert_eq!(zh.hold(&staff), "员工暂停：buyer asked to wait");
        assert_eq!(Tr::for_locale("en").hold(&staff), "buyer asked to wait");
        let unknown = FieldError::new("x", "no_such_code", "as the domain said");
        assert_eq!(zh.hold(&unknown), "as the domain said");
    }

    /// The Rust sources of the app and domain crates.
    fn domain_sources() -> Vec<String> {
        fn walk(dir: &std::path::Path, out: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    out.push(std::fs::read_to_string(&path).unwrap());
                }
            }
        }
        let mut files = Vec::new();
        let crates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        walk(&crates.join("app/src"), &mut files);
        walk(&crates.join("domain/src"), &mut files);
        files
    }

    /// The code of each `FieldError::new(field, "code", …)` and `errors.add(field, "code", …)`:
    /// the string after the first argument.
    fn field_error_codes(text: &str) -> BTreeSet<String> {
        let mut codes = BTreeSet::new();
        for marker in ["FieldError::new(", ".add("] {
            for (at, _) in text.match_indices(marker) {
                let rest = &text[at + marker.len()..];
                let (mut depth, mut quoted, mut end) = (0i32, false, None);
                for (i, c) in rest.char_indices() {
                    match c {
                        '"' => quoted = !quoted,
                        '(' | '[' | '{' if !quoted => depth += 1,
                        ')' | ']' | '}' if !quoted => depth -= 1,
                        ',' if !quoted && depth == 0 => {
                            end = Some(i);
                            break;
                        }
                        _ => {}
                    }
                    if depth < 0 {
                        break;
                    }
                }
                let Some(end) = end else { continue };
                let second = rest[end + 1..].trim_start();
                if let Some(code) = second.strip_prefix('"').and_then(|r| r.split('"').next())
                    && !code.is_empty()
                    && code.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                {
                    codes.insert(code.to_string());
                }
            }
        }
        codes
    }

    /// Every field error the app and domain produce reads in Chinese (its `invalid-<code>`, or
    /// `hold-<code>` for a hold): a new code without its message fails here.
    #[test]
    fn every_field_error_reads_in_chinese() {
        let codes: BTreeSet<String> = domain_sources().iter().flat_map(|t| field_error_codes(t)).collect();
        assert!(codes.len() > 100, "the scan finds the codes: {}", codes.len());
        let zh = Tr::for_locale("zh-CN");
        let missing: Vec<&String> = codes
            .iter()
            .filter(|c| {
                // With the values the domain gives the code (an intake refusal's or a hold's).
                let names = ["sku", "total", "expected", "rule", "country"].into_iter();
                let names = names.chain(tradeport_domain::orders::hold_params(c).iter().copied());
                let e = names.fold(FieldError::new("f", c.as_str(), "english"), |e, n| e.with(n, "V"));
                zh.field_error(&e) == "english" && zh.hold(&e) == "english"
            })
            .collect();
        assert!(missing.is_empty(), "field errors without a Chinese message: {missing:?}");
    }

    /// Every conflict code a use case can answer with (`code: "…"` or `conflict("…"` in the app's
    /// sources) reads in Chinese: a new one without its message fails here.
    #[test]
    fn every_conflict_reads_in_chinese() {
        let files = domain_sources();
        let mut codes = BTreeSet::new();
        for text in &files {
            for marker in ["code: \"", "conflict(\""] {
                for (at, _) in text.match_indices(marker) {
                    let rest = &text[at + marker.len()..];
                    let code = &rest[..rest.find('"').unwrap_or(0)];
                    if code.contains('.')
                        && code.chars().all(|c| c.is_ascii_lowercase() || c == '_' || c == '.')
                    {
                        codes.insert(code.to_string());
                    }
                }
            }
            for (at, _) in text.match_indices("conflict(\n") {
                let rest = text[at..].split('"').nth(1).unwrap_or_default();
                if rest.contains('.') && !rest.contains(' ') {
                    codes.insert(rest.to_string());
                }
            }
        }
        assert!(codes.len() > 100, "the scan finds the codes: {}", codes.len());
        let zh = Tr::for_locale("zh-CN");
        let missing: Vec<&String> = codes.iter().filter(|c| zh.conflict(c, "english") == "english").collect();
        assert!(missing.is_empty(), "conflicts without a Chinese message: {missing:?}");
        assert_eq!(Tr::for_locale("en").conflict("order.illegal_transition", "as said"), "as said");
    }

    /// Everything a use case can say it did not find (`NotFound("…")` in the app's sources) reads
    /// in Chinese.
    #[test]
    fn every_thing_not_found_reads_in_chinese() {
        let mut things = BTreeSet::new();
        for text in domain_sources() {
            for (at, _) in text.match_indices("NotFound(\"") {
                let rest = &text[at + "NotFound(\"".len()..];
                things.insert(rest[..rest.find('"').unwrap_or(0)].to_string());
            }
        }
        assert!(things.len() > 30, "the scan finds them: {}", things.len());
        let zh = Tr::for_locale("zh-CN");
        let missing: Vec<&String> = things
            .iter()
            .filter(|w| {
                zh.refusal(&tradeport_app::AppError::NotFound(Box::leak(w.to_string().into_boxed_str())))
                    .is_none()
            })
            .collect();
        assert!(missing.is_empty(), "not found without a Chinese message: {missing:?}");
        assert_eq!(Tr::for_locale("en").refusal(&tradeport_app::AppError::NotFound("order")), None);
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
            include_str!("../../templates/time_limits.html"),
            include_str!("../../templates/notifications.html"),
            include_str!("../../templates/message_edit.html"),
            include_str!("../../templates/warehouse.html"),
            include_str!("../../templates/asn_detail.html"),
            include_str!("../../templates/scan_receive.html"),
            include_str!("../../templates/scan_pick.html"),
            include_str!("../../templates/scan_pack.html"),
            include_str!("../../templates/channels.html"),
            include_str!("../../templates/payments.html"),
            include_str!("../../templates/settlement.html"),
            include_str!("../../templates/channel_detail.html"),
            include_str!("../../templates/order_import.html"),
            include_str!("../../templates/service.html"),
            include_str!("../../templates/ticket.html"),
            include_str!("../../templates/survey.html"),
            include_str!("../../templates/reports.html"),
            include_str!("../../templates/kpis.html"),
        ];
        for text in templates {
            for part in text.split("t.get(\"").skip(1) {
                let key = part.split('"').next().unwrap_or_default();
                assert!(catalogue().has(0, &key.replace('.', "-")), "missing key {key}");
            }
        }
        // Keys the notifications page builds from names.
        let messages =
            tradeport_domain::notifications::BuyerMessage::ALL.map(|m| format!("notify-m-{}", m.as_str()));
        let states = tradeport_domain::jobs::JobState::ALL.map(|s| format!("notify-state-{}", s.as_str()));
        // Keys the warehouse pages build from names.
        use tradeport_domain::warehouse::{AsnAction, AsnStatus, Discrepancy};
        let warehouse: Vec<String> = AsnStatus::ALL
            .iter()
            .map(|s| format!("asn_status-{}", s.as_str()))
            .chain(AsnAction::ALL.iter().map(|a| format!("asn_action-{}", a.as_str())))
            .chain(
                [Discrepancy::Short, Discrepancy::Over, Discrepancy::Damaged, Discrepancy::WrongSku]
                    .iter()
                    .map(|d| format!("discrepancy-{}", d.as_str())),
            )
            .chain(
                tradeport_domain::orders::OrderStatus::ALL.iter().map(|s| format!("status-{}", s.as_str())),
            )
            .collect();
        // Keys the channel pages build from names.
        use tradeport_domain::channels::{ChannelKind, DeliveryOutcome, IMPORT_COLUMNS};
        let channels: Vec<String> = ChannelKind::ALL
            .iter()
            .map(|k| format!("channel_kind-{}", k.as_str()))
            .chain(DeliveryOutcome::ALL.iter().map(|o| format!("delivery_outcome-{}", o.as_str())))
            .chain(IMPORT_COLUMNS.iter().map(|c| format!("import_column-{}", c.key)))
            .chain(
                ["mapping", "running", "done", "failed", "interrupted"]
                    .map(|s| format!("imports-status_{s}")),
            )
            .chain(["active", "paused"].map(|s| format!("channels-status_{s}")))
            .collect();
        // Keys the customer-service pages build from names.
        use tradeport_domain::tickets::{Category, TicketChannel, TicketStatus};
        let service: Vec<String> = Category::ALL
            .iter()
            .map(|c| format!("ticket_category-{}", c.as_str()))
            .chain(TicketChannel::ALL.iter().map(|c| format!("ticket_channel-{}", c.as_str())))
            .chain(TicketStatus::ALL.iter().map(|s| format!("ticket_status-{}", s.as_str())))
            .chain(["in", "out", "auto", "note"].map(|d| format!("ticket_direction-{d}")))
            .chain(["all", "mine", "unassigned", "overdue", "escalated"].map(|v| format!("service-view_{v}")))
            .collect();
        // Keys the KPI page builds from names.
        let kpis: Vec<String> = tradeport_domain::kpi::KPIS
            .iter()
            .map(|k| format!("kpi-{}", k.key))
            .chain(["department", "merchant", "person", "day"].map(|b| format!("kpi-by_{b}")))
            .collect();
        let all = messages.iter().chain(&states).chain(&warehouse).chain(&channels).chain(&service);
        for key in all.chain(&kpis) {
            assert!(catalogue().has(0, key) && catalogue().has(1, key), "missing key {key}");
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
            Tr::for_locale("en").fill("login.throttled", "minutes", 15),
            "Too many failed sign-ins for this account. Try again in 15 minutes."
        );
    }
}
