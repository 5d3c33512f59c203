//! Buyers' messages (SLA-3, ORD-7) in the catalogue's wording or in an operator's own: each
//! message is a subject, an e-mail body (paragraphs split by blank lines) and a text message,
//! all Fluent. An operator's wording is checked before it is kept: it must parse and may use
//! only the message's own values, so a kept wording always renders.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentError, FluentResource, FluentValue};
use fluent_syntax::ast;
use tradeport_domain::kernel::FieldError;
use tradeport_domain::notifications::{BuyerMessage, TemplateInput, buyer_action, validate_template_shape};

use super::locale_format::{format_date, format_money};
use super::messages::{FILES, RenderedMessage, catalogue, compose};
use crate::i18n::{number, text};

/// What a buyer is sent for one message: the e-mail and the text message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderedBuyerMessage {
    pub email: RenderedMessage,
    pub sms: String,
}

/// An operator's own wording of one message in one language, parsed and checked.
pub struct CustomWording {
    bundle: FluentBundle<FluentResource>,
    /// The wording as kept: its parts trimmed.
    input: TemplateInput,
}

impl CustomWording {
    pub fn input(&self) -> &TemplateInput {
        &self.input
    }
}

impl std::fmt::Debug for CustomWording {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CustomWording")
    }
}

/// The three parts of a wording, in the order its Fluent source lists them.
const PARTS: [&str; 3] = ["subject", "body", "sms"];

/// The buyer language a requested one is served in (`es-MX` → `es`, unknown → `en`).
pub fn buyer_language(requested: &str) -> &'static str {
    let catalogue = catalogue();
    catalogue.locales()[catalogue.pick(requested)]
}

/// Renders `message` for a buyer who reads `language`, in `custom` wording when the operator
/// wrote one for that language, else in the catalogue's.
pub fn render_buyer_message(
    message: BuyerMessage,
    language: &str,
    args: &[(&str, FluentValue<'_>)],
    custom: Option<&CustomWording>,
) -> RenderedBuyerMessage {
    let language = buyer_language(language);
    let catalogues = |name: &str| {
        let catalogue = catalogue();
        let key = format!("{}-{name}", message.as_str());
        catalogue.format(catalogue.pick(language), &key, args).unwrap_or_default()
    };
    // A kept wording renders (it was checked); should it not, the buyer reads the catalogue's.
    let part = |name: &str| match custom.map(|c| format_part(&c.bundle, name, args)) {
        Some(Ok(text)) => text,
        Some(Err((_, errors))) => {
            tracing::warn!(
                message = message.as_str(),
                language,
                part = name,
                ?errors,
                "an own wording did not render; the catalogue's is sent"
            );
            catalogues(name)
        }
        None => catalogues(name),
    };
    let paragraphs: Vec<String> = part("body")
        .split("\n\n")
        .map(|p| p.trim_matches('\n').to_string())
        .filter(|p| !p.is_empty())
        .collect();
    RenderedBuyerMessage { email: compose(language, part("subject"), &paragraphs), sms: part("sms") }
}

fn format_part(
    bundle: &FluentBundle<FluentResource>,
    name: &str,
    args: &[(&str, FluentValue<'_>)],
) -> Result<String, (String, Vec<FluentError>)> {
    let mut fluent_args = FluentArgs::new();
    for (key, value) in args {
        fluent_args.set(key.to_string(), value.clone());
    }
    let Some(pattern) = bundle.get_message(name).and_then(|m| m.value()) else {
        return Err((String::new(), Vec::new()));
    };
    let mut errors = Vec::new();
    let out = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors).into_owned();
    if errors.is_empty() { Ok(out) } else { Err((out, errors)) }
}

/// Checks an operator's wording of `message` in `language` and parses it: every part present,
/// within its limit, valid Fluent, naming only the message's values. Each problem names the
/// part, the line and the fix.
pub fn compile_wording(
    message: BuyerMessage,
    language: &'static str,
    input: &TemplateInput,
) -> Result<CustomWording, Vec<FieldError>> {
    let wording = validate_template_shape(input)?;
    let body: String = wording
        .body
        .lines()
        .map(|l| if l.trim().is_empty() { "\n".to_string() } else { format!("    {l}\n") })
        .collect();
    // Each part is parsed on its own, so a problem is told in the part and line it is in.
    let sources = [
        ("subject", format!("subject = {}\n", wording.subject)),
        ("body", format!("body =\n{body}")),
        ("sms", format!("sms = {}\n", wording.sms)),
    ];
    let known = message.variables();
    let mut resources = Vec::new();
    let mut problems = Vec::new();
    for (part, source) in sources {
        match FluentResource::try_new(source.clone()) {
            Ok(resource) => {
                // Every value named anywhere, in every variant of a selector, must be the message's.
                let mut named = Vec::new();
                for entry in resource.entries() {
                    if let ast::Entry::Message(ast::Message { value: Some(pattern), .. }) = entry {
                        names_in_pattern(pattern, &mut named);
                    }
                }
                named.dedup();
                for name in &named {
                    let why = match name.strip_prefix('$') {
                        Some(id) if known.contains(&id) => continue,
                        Some(id) => format!("{part} uses {{ ${id} }}, which this message does not have; use one of {}", known.join(", ")),
                        None => format!("{part} refers to {name}; write the text itself, or use one of {}", known.join(", ")),
                    };
                    problems.push(FieldError::new(part, "unknown_value", why));
                }
                resources.push(resource);
            }
            Err((_, errors)) => problems.extend(errors.iter().map(|e| {
                let line = source[..e.pos.start.min(source.len())].matches('\n').count().max(1);
                FieldError::new(
                    part,
                    "syntax",
                    format!("{part}, line {line}: {e}; write a value as {{ $name }}, a literal brace as {{\"{{\"}}, and quote a line that starts with [, * or . like {{\"*\"}}"),
                )
            })),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut bundle = FluentBundle::new_concurrent(vec![language.parse().unwrap_or_default()]);
    bundle.set_use_isolating(false);
    for resource in resources {
        bundle.add_resource(resource).map_err(|e| {
            vec![FieldError::new("body", "syntax", format!("the wording defines a part twice: {e:?}"))]
        })?;
    }
    let samples = sample_values(message, language);
    let args: Vec<(&str, FluentValue<'_>)> = samples.iter().map(|(k, v)| (*k, v.clone())).collect();
    for part in PARTS {
        let Err((_, errors)) = format_part(&bundle, part, &args) else { continue };
        for e in errors {
            problems.push(FieldError::new(part, "invalid", format!("{part}: {e}; check the Fluent syntax")));
        }
    }
    if problems.is_empty() { Ok(CustomWording { bundle, input: wording }) } else { Err(problems) }
}

/// The values (`$name`) and other messages or terms (`name`, `-name`) a pattern refers to,
/// in every variant of every selector.
fn names_in_pattern(pattern: &ast::Pattern<&str>, out: &mut Vec<String>) {
    for element in &pattern.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            names_in_expression(expression, out);
        }
    }
}

fn names_in_expression(expression: &ast::Expression<&str>, out: &mut Vec<String>) {
    match expression {
        ast::Expression::Select { selector, variants } => {
            names_in_inline(selector, out);
            for variant in variants {
                names_in_pattern(&variant.value, out);
            }
        }
        ast::Expression::Inline(inline) => names_in_inline(inline, out),
    }
}

fn names_in_inline(inline: &ast::InlineExpression<&str>, out: &mut Vec<String>) {
    match inline {
        ast::InlineExpression::VariableReference { id } => out.push(format!("${}", id.name)),
        ast::InlineExpression::MessageReference { id, .. } => out.push(id.name.to_string()),
        ast::InlineExpression::TermReference { id, .. } => out.push(format!("-{}", id.name)),
        ast::InlineExpression::FunctionReference { arguments, .. } => {
            for argument in arguments.positional.iter().chain(arguments.named.iter().map(|n| &n.value)) {
                names_in_inline(argument, out);
            }
        }
        ast::InlineExpression::Placeable { expression } => names_in_expression(expression, out),
        ast::InlineExpression::StringLiteral { .. } | ast::InlineExpression::NumberLiteral { .. } => {}
    }
}

/// The catalogue's wording of `message` in `language` (English where the language lacks it),
/// as an operator edits it: the Fluent source of each part, indentation removed.
pub fn default_wording(message: BuyerMessage, language: &str) -> TemplateInput {
    let index = catalogue().pick(language);
    let part = |name: &str| {
        let key = format!("{}-{name}", message.as_str());
        message_source(FILES[index].1, &key).or_else(|| message_source(FILES[0].1, &key)).unwrap_or_default()
    };
    TemplateInput { subject: part("subject"), body: part("body"), sms: part("sms") }
}

/// The source of message `key` in a Fluent file: the text after `key =` and the indented lines
/// that continue it, common indentation removed.
fn message_source(file: &str, key: &str) -> Option<String> {
    let mut lines = file.lines().skip_while(|l| l.split_once('=').map(|(k, _)| k.trim()) != Some(key));
    let first = lines.next()?.split_once('=')?.1.trim().to_string();
    let rest: Vec<&str> = lines.take_while(|l| l.is_empty() || l.starts_with(' ')).collect();
    let rest = &rest[..rest.iter().rposition(|l| !l.trim().is_empty()).map_or(0, |i| i + 1)];
    let indent = rest.iter().filter(|l| !l.trim().is_empty()).map(|l| l.len() - l.trim_start().len()).min();
    let dedented = rest.iter().map(|l| l.get(indent.unwrap_or(0)..).unwrap_or("").to_string());
    let all: Vec<String> = std::iter::once(first).filter(|f| !f.is_empty()).chain(dedented).collect();
    Some(all.join("\n"))
}

/// The example values a preview fills in (and the Notifications page shows), written the way
/// `language` writes them.
pub fn sample_values(message: BuyerMessage, language: &str) -> Vec<(&'static str, FluentValue<'static>)> {
    let day = |offset: i64| {
        let date = jiff::civil::date(2026, 11, 27).saturating_add(jiff::Span::new().days(offset));
        FluentValue::from(format_date(language, date))
    };
    message
        .variables()
        .iter()
        .map(|&name| {
            let value = match name {
                "order_no" => text("20261126000042"),
                "buyer_name" => text("Ana García"),
                "count" => number(2),
                "total" | "amount" => FluentValue::from(format_money(language, "45.99", "GBP")),
                "dispatch_by" => day(0),
                "delivered_on" => day(2),
                "new_estimate" => day(5),
                "actions" => {
                    FluentValue::from(hold_actions(language, &["postcode_required", "phone_invalid"]))
                }
                "carrier" => text("Royal Mail"),
                "item" => text("Green tea 100 g"),
                "tracking_no" => text("RR123456785GB"),
                "code" => text("TPC-7K2QX"),
                "links" => text(
                    "1: https://tradeport.example/survey/3f9a…?score=1\n…\n5: https://tradeport.example/survey/3f9a…?score=5",
                ),
                "survey_url" => text("https://tradeport.example/survey/3f9a…"),
                _ => text("https://tradeport.example/track/RR123456785GB"),
            };
            (name, value)
        })
        .collect()
}

/// What a held order asks of the buyer (ORD-10), one line per thing to do, in the buyer's
/// language: each hold code's sentence once, holds for staff left out.
pub fn hold_actions(language: &str, codes: &[&str]) -> String {
    let catalogue = catalogue();
    let index = catalogue.pick(language);
    let mut keys: Vec<&str> = Vec::new();
    for key in codes.iter().filter_map(|c| buyer_action(c)) {
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    if keys.is_empty() {
        keys.push("check");
    }
    keys.iter()
        .filter_map(|k| catalogue.format(index, &format!("hold-action-{k}"), &[]))
        .map(|line| format!("- {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notifications::BUYER_LANGUAGES;

    fn confirmed(language: &str, buyer: &str, count: i64) -> RenderedBuyerMessage {
        let args = [
            ("order_no", text("20260325000001")),
            ("buyer_name", text(buyer)),
            ("count", number(count)),
            ("total", FluentValue::from("GBP 58.00")),
            ("dispatch_by", FluentValue::from("26 March 2026")),
        ];
        render_buyer_message(BuyerMessage::OrderConfirmed, language, &args, None)
    }

    #[test]
    fn every_language_has_every_part_of_every_message() {
        assert_eq!(catalogue().errors(), &[] as &[String]);
        for (index, language) in BUYER_LANGUAGES.iter().enumerate() {
            for m in BuyerMessage::ALL {
                for part in PARTS {
                    assert!(
                        catalogue().has(index, &format!("{}-{part}", m.as_str())),
                        "{language} {m:?} {part}"
                    );
                }
            }
            for action in [
                "phone", "email", "payment", "service", "goods", "street", "city", "region", "postcode",
                "stock", "check",
            ] {
                assert!(catalogue().has(index, &format!("hold-action-{action}")), "{language} {action}");
            }
        }
    }

    #[test]
    fn the_catalogues_wording_read_back_as_source_renders_the_same() {
        for m in BuyerMessage::ALL {
            for language in BUYER_LANGUAGES {
                let source = default_wording(m, language);
                let compiled = compile_wording(m, language, &source)
                    .unwrap_or_else(|e| panic!("{m:?} {language}: {e:?}\n{source:?}"));
                let samples = sample_values(m, language);
                let ours = render_buyer_message(m, language, &samples, Some(&compiled));
                assert_eq!(ours, render_buyer_message(m, language, &samples, None), "{m:?} {language}");
                assert!(ours.email.text.matches("\n\n").count() >= 1, "{m:?} {language}: paragraphs kept");
                assert!(
                    !ours.sms.is_empty() && ours.sms.chars().count() <= 320,
                    "{m:?} {language}: {}",
                    ours.sms
                );
            }
        }
    }

    #[test]
    fn the_buyers_language_is_chosen_with_a_fallback() {
        let subject = |lang: &str| confirmed(lang, "Ana", 2).email.subject;
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
        let one = confirmed("en", "<Ana>", 1).email;
        assert!(one.text.starts_with("Hello <Ana>,\n\nwe have confirmed"), "{}", one.text);
        assert!(one.text.contains("one item for GBP 58.00"), "{}", one.text);
        assert!(
            one.html.contains("<p>Hello &lt;Ana&gt;,</p>") && one.html.contains("lang=\"en\""),
            "{}",
            one.html
        );
        let nan = confirmed("en", "Nan", 1).email;
        assert!(nan.text.starts_with("Hello Nan,"), "names stay text: {}", nan.text);
        let many = confirmed("de", "Ana", 3);
        assert!(many.email.text.contains("3 Artikel für GBP 58.00"), "{}", many.email.text);
        assert_eq!(many.email.language, "de");
        assert_eq!(
            many.sms,
            "Ihre Bestellung 20260325000001 ist bestätigt. Die Sendungsnummer folgt beim Versand."
        );
    }

    #[test]
    fn a_held_order_tells_the_buyer_each_thing_to_do_once() {
        let codes = ["postcode_required", "postcode_invalid", "phone_invalid", "second_review_due"];
        assert_eq!(
            hold_actions("en", &codes),
            "- Check the postcode of the delivery address and send it to us.\n- Send us a phone number the carrier can call, with the country code."
        );
        assert_eq!(hold_actions("zh-CN", &["not_paid"]), "- 请完成订单付款。");
        assert_eq!(
            hold_actions("fr", &["second_review_due"]),
            "- Nous vérifions votre commande et vous contacterons si nécessaire.",
            "a hold only staff resolve still tells the buyer something"
        );
        let args = [
            ("order_no", text("#1001")),
            ("buyer_name", text("Ana")),
            ("actions", FluentValue::from(hold_actions("es", &["city_required", "not_paid"]))),
        ];
        let held = render_buyer_message(BuyerMessage::OrderOnHold, "es", &args, None).email;
        assert!(
            held.text.contains("#1001")
                && held.text.contains("- Envíenos la ciudad de la dirección de entrega.\n- Complete el pago"),
            "{}",
            held.text
        );
        assert!(
            held.html.contains("entrega.<br>\n- Complete"),
            "lines of one paragraph stay lines: {}",
            held.html
        );
    }

    #[test]
    fn an_operators_wording_is_used_and_checked_before_it_is_kept() {
        let mine = TemplateInput {
            subject: "Order { $order_no }: thanks, { $buyer_name }!".into(),
            body: "Dear { $buyer_name },\n\n{ $count ->\n    [one] your item ships\n   *[other] your { $count } items ship\n} by { $dispatch_by }.\n\nAcme".into(),
            sms: "Acme: order { $order_no } confirmed".into(),
        };
        let compiled = compile_wording(BuyerMessage::OrderConfirmed, "en", &mine).unwrap();
        let args = [
            ("order_no", text("N1")),
            ("buyer_name", text("Ana")),
            ("count", number(3)),
            ("total", FluentValue::from("GBP 1.00")),
            ("dispatch_by", FluentValue::from("27 November 2026")),
        ];
        let r = render_buyer_message(BuyerMessage::OrderConfirmed, "en", &args, Some(&compiled));
        assert_eq!(r.email.subject, "Order N1: thanks, Ana!");
        assert_eq!(r.email.text, "Dear Ana,\n\nyour 3 items ship by 27 November 2026.\n\nAcme\n");
        assert_eq!(r.sms, "Acme: order N1 confirmed");

        let problems = |subject: &str, body: &str| -> Vec<(String, String, String)> {
            let input = TemplateInput { subject: subject.into(), body: body.into(), sms: "ok".into() };
            compile_wording(BuyerMessage::OrderCancelled, "de", &input)
                .unwrap_err()
                .into_iter()
                .map(|e| (e.field, e.code, e.message))
                .collect()
        };
        let unknown = problems("Storno { $tracking_no }", "Text");
        assert_eq!((unknown[0].0.as_str(), unknown[0].1.as_str()), ("subject", "unknown_value"));
        assert!(
            unknown[0].2.contains("{ $tracking_no }") && unknown[0].2.contains("order_no, buyer_name, total"),
            "{}",
            unknown[0].2
        );
        let syntax = problems("Storno", "Zeile eins\nZeile { $order_no\ndrei");
        assert_eq!((syntax[0].0.as_str(), syntax[0].1.as_str()), ("body", "syntax"), "{syntax:?}");
        // A placeable may span lines, so the parser stops where the brace was due: line 3.
        assert!(
            syntax[0].2.starts_with("body, line 3: Expected a token starting with \"}\""),
            "{}",
            syntax[0].2
        );
        let hidden =
            problems("Storno", "{ $total ->\n    [0] nichts\n   *[other] { $tracking_no } { -brand }\n}");
        let named: Vec<(&str, &str)> = hidden.iter().map(|p| (p.0.as_str(), p.1.as_str())).collect();
        assert_eq!(
            named,
            [("body", "unknown_value"), ("body", "unknown_value")],
            "every variant is checked: {hidden:?}"
        );
        assert!(hidden[0].2.contains("{ $tracking_no }") && hidden[1].2.contains("-brand"), "{hidden:?}");
        let starred = problems("Storno", "Hallo\n* Punkt");
        assert_eq!(starred[0].0, "body", "{starred:?}");
    }
}
