//! Canned replies (SLA-4): an answer written once per language with placeholders in braces, filled
//! from the ticket's order when an agent uses it. A placeholder the product does not know is
//! refused when the reply is saved, naming it, so a buyer never receives `{ordr_no}`.

use std::collections::BTreeMap;

/// The placeholders a canned reply may use.
pub const PLACEHOLDERS: [&str; 7] =
    ["buyer_name", "order_no", "order_state", "tracking_no", "tracking_link", "estimate", "agent"];

/// The names in braces in `text`, in order; `Err` names an unclosed brace.
fn names_in(text: &str) -> Result<Vec<&str>, String> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let close = after
            .find('}')
            .ok_or_else(|| format!("a {{ at \"{}\" is never closed", excerpt(&rest[open..])))?;
        names.push(after[..close].trim());
        rest = &after[close + 1..];
    }
    Ok(names)
}

fn excerpt(s: &str) -> String {
    s.chars().take(20).collect()
}

/// Checks a reply's text: every placeholder known and closed; the error says which is not.
pub fn check_canned(text: &str) -> Result<(), String> {
    for name in names_in(text)? {
        if !PLACEHOLDERS.contains(&name) {
            return Err(format!(
                "{{{name}}} is not a placeholder; use {}",
                PLACEHOLDERS.map(|p| format!("{{{p}}}")).join(", ")
            ));
        }
    }
    Ok(())
}

/// `text` with each placeholder replaced by its value (an unknown value: left empty).
pub fn fill(text: &str, values: &BTreeMap<&str, String>) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                out.push_str(values.get(after[..close].trim()).map(String::as_str).unwrap_or_default());
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Of replies written in `languages`, the one for a buyer who reads `wanted`: the same language,
/// else the same primary language (`zh` for `zh-TW`), else English, else the first.
pub fn pick_language<'a>(languages: &[&'a str], wanted: &str) -> Option<&'a str> {
    let primary = |l: &str| l.split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase();
    languages
        .iter()
        .find(|l| l.eq_ignore_ascii_case(wanted))
        .or_else(|| languages.iter().find(|l| primary(l) == primary(wanted)))
        .or_else(|| languages.iter().find(|l| primary(l) == "en"))
        .or_else(|| languages.first())
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_and_unknown_ones_refused_by_name() {
        let text = "Hello {buyer_name}, order {order_no} arrives by {estimate}: {tracking_link}";
        assert_eq!(check_canned(text), Ok(()));
        let values = BTreeMap::from([
            ("buyer_name", "Ada".to_string()),
            ("order_no", "20261127000001".to_string()),
            ("tracking_link", "https://t.example/track/ab".to_string()),
        ]);
        assert_eq!(
            fill(text, &values),
            "Hello Ada, order 20261127000001 arrives by : https://t.example/track/ab",
            "a value not known is left empty"
        );
        assert!(check_canned("order {ordr_no}").unwrap_err().starts_with("{ordr_no} is not a placeholder"));
        assert!(check_canned("order {order_no").unwrap_err().contains("never closed"));
        assert_eq!(fill("{ buyer_name }!", &values), "Ada!", "spaces inside braces are allowed");
        assert_eq!(fill("no placeholders", &values), "no placeholders");
    }

    #[test]
    fn the_buyers_language_is_picked_then_its_family_then_english() {
        let have = ["en", "zh-CN", "de"];
        assert_eq!(pick_language(&have, "zh-CN"), Some("zh-CN"));
        assert_eq!(pick_language(&have, "zh-TW"), Some("zh-CN"));
        assert_eq!(pick_language(&have, "de-AT"), Some("de"));
        assert_eq!(pick_language(&have, "fr"), Some("en"));
        assert_eq!(pick_language(&["de"], "fr"), Some("de"));
        assert_eq!(pick_language(&[], "fr"), None);
    }
}
