//! Postal addresses checked against Google's per-country address rules (bundled; see
//! `data/README.md` for the source and licence): which fields a country requires and the pattern
//! of its postcodes.

use std::collections::HashMap;
use std::sync::OnceLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use super::FieldError;
use super::region::{StateMatch, find_state};

/// A shipping address as the buyer gave it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Address {
    pub name: String,
    pub company: String,
    pub line1: String,
    pub line2: String,
    pub city: String,
    /// State, province or region.
    pub state: String,
    pub postcode: String,
    /// ISO 3166-1 alpha-2, e.g. `GB`.
    pub country: String,
}

impl Address {
    /// The address as stored: the country code in capitals and a state the country lists in
    /// its one canonical form (the address data's key), so `Zhejiang`, `浙江` and `CN-ZJ` are
    /// stored as the same province. A state not found is kept as written (it is held).
    pub fn canonical(&self) -> Address {
        let country = self.country.trim().to_ascii_uppercase();
        let state = match find_state(&country, &self.state) {
            StateMatch::Found(region) => region.key.clone(),
            _ => self.state.trim().to_string(),
        };
        Address { country, state, ..self.clone() }
    }

    /// The state as a carrier's system takes it: in Latin script (the region's code where the
    /// data's key is one, `CA`; else its Latin name, `Zhejiang Sheng`), as written when unknown.
    pub fn state_for_carrier(&self) -> String {
        match find_state(&self.country, &self.state) {
            StateMatch::Found(region) => region.latin(),
            _ => self.state.trim().to_string(),
        }
    }

    /// The address as printed on a document or label: name, company, street lines, postcode with
    /// city and region, country; empty parts left out.
    pub fn printed_lines(&self) -> Vec<String> {
        [
            self.name.clone(),
            self.company.clone(),
            self.line1.clone(),
            self.line2.clone(),
            format!("{} {} {}", self.postcode, self.city, self.state),
            self.country.clone(),
        ]
        .into_iter()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
    }
}

#[derive(Deserialize)]
struct RulesFile {
    countries: HashMap<String, RawRule>,
}

#[derive(Deserialize)]
struct RawRule {
    name: Option<String>,
    require: Option<String>,
    zip: Option<String>,
    zipex: Option<String>,
}

/// What one country requires.
#[derive(Debug)]
pub struct CountryRule {
    pub name: String,
    require: String,
    zip: Option<Regex>,
    zip_example: Option<String>,
}

fn rules() -> &'static HashMap<String, CountryRule> {
    static RULES: OnceLock<HashMap<String, CountryRule>> = OnceLock::new();
    RULES.get_or_init(|| {
        let file: RulesFile =
            serde_json::from_str(include_str!("../../data/i18n_address_country_rules.json"))
                .expect("the bundled address rules are valid JSON");
        let default_require =
            file.countries.get("ZZ").and_then(|z| z.require.clone()).unwrap_or_else(|| "AC".into());
        file.countries
            .into_iter()
            .filter(|(code, _)| code != "ZZ")
            .map(|(code, raw)| {
                let zip = raw.zip.as_deref().and_then(|z| Regex::new(&format!("^(?:{z})$")).ok());
                let rule = CountryRule {
                    name: title_case(raw.name.as_deref().unwrap_or(&code)),
                    require: raw.require.unwrap_or_else(|| default_require.clone()),
                    zip,
                    zip_example: raw.zipex.and_then(|e| e.split(',').next().map(str::to_string)),
                };
                (code, rule)
            })
            .collect()
    })
}

fn title_case(upper: &str) -> String {
    upper
        .split(' ')
        .map(|w| {
            let lower = w.to_lowercase();
            let mut chars = lower.chars();
            match chars.next() {
                Some(f) if !matches!(lower.as_str(), "of" | "and" | "the") => {
                    f.to_uppercase().collect::<String>() + chars.as_str()
                }
                _ => lower,
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The rules of a country, by ISO alpha-2 code.
pub fn country_rule(code: &str) -> Option<&'static CountryRule> {
    rules().get(&code.trim().to_ascii_uppercase())
}

/// Whether `code` is a country the address rules know.
pub fn is_known_country(code: &str) -> bool {
    country_rule(code).is_some()
}

/// Problems that make an address too vague to ship to, each naming the field and the fix.
/// `prefix` is the field path of the address in the request, e.g. `shipping_address`.
pub fn address_problems(a: &Address, prefix: &str) -> Vec<FieldError> {
    let mut out = Vec::new();
    let Some(rule) = country_rule(&a.country) else {
        out.push(FieldError::new(
            format!("{prefix}.country"),
            "unknown_country",
            "country must be an ISO 3166-1 alpha-2 code, e.g. GB, US, DE, CN",
        ));
        return out;
    };
    let country = &rule.name;
    let mut need = |letter: char, value: &str, field: &str, what: &str, example: &str| {
        if rule.require.contains(letter) && value.trim().is_empty() {
            out.push(
                FieldError::new(
                    format!("{prefix}.{field}"),
                    format!("{field}_required"),
                    format!("{what} is required for {country}{example}"),
                )
                .with("country", a.country.trim().to_ascii_uppercase()),
            );
        }
    };
    need('A', &a.line1, "line1", "the street and house number", ", e.g. 221B Baker Street");
    need('C', &a.city, "city", "the city", "");
    need('S', &a.state, "state", "the state, province or region", "");
    let example = rule.zip_example.as_deref().map(|e| format!(", e.g. {e}")).unwrap_or_default();
    need('Z', &a.postcode, "postcode", "postcode", &example);
    let postcode = a.postcode.trim().to_ascii_uppercase();
    let postcode_valid = !postcode.is_empty() && rule.zip.as_ref().is_none_or(|re| re.is_match(&postcode));
    if !postcode.is_empty() && !postcode_valid {
        out.push(
            FieldError::new(
                format!("{prefix}.postcode"),
                "postcode_invalid",
                format!("postcode '{}' is not a valid postcode for {country}{example}", a.postcode.trim()),
            )
            .with("postcode", a.postcode.trim())
            .with("country", a.country.trim().to_ascii_uppercase()),
        );
    }
    let state = a.state.trim();
    if state.is_empty() {
        return out;
    }
    match find_state(&a.country, state) {
        StateMatch::NotListed => {}
        StateMatch::Found(region) if postcode_valid && !region.takes_postcode(&postcode) => {
            let example = region.zip_example.as_deref().map(|e| format!(" (e.g. {e})")).unwrap_or_default();
            let message = format!(
                "{prefix}.postcode '{}' is not a postcode of {prefix}.state {}{example}; ask the buyer which of the two is right",
                a.postcode.trim(),
                region.label()
            );
            for field in ["postcode", "state"] {
                out.push(
                    FieldError::new(format!("{prefix}.{field}"), "postcode_state_mismatch", message.clone())
                        .with("postcode", a.postcode.trim())
                        .with("state", region.label()),
                );
            }
        }
        StateMatch::Found(_) => {}
        StateMatch::Unknown { nearest, listed } => {
            let hint = match nearest.as_slice() {
                [] => format!("write one of the {listed} listed for {country}, by name or ISO code"),
                [one] => format!("did you mean '{}'?", one.label()),
                more => format!(
                    "did you mean one of {}?",
                    more.iter().map(|r| format!("'{}'", r.label())).collect::<Vec<_>>().join(", ")
                ),
            };
            out.push(
                FieldError::new(
                    format!("{prefix}.state"),
                    "state_unknown",
                    format!("state '{state}' is not a state, province or region of {country}; {hint}"),
                )
                .with("state", state)
                .with("country", a.country.trim().to_ascii_uppercase()),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gb() -> Address {
        Address {
            name: "Ada".into(),
            line1: "1 Lovelace Way".into(),
            city: "London".into(),
            postcode: "EC1Y 8SY".into(),
            country: "GB".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_complete_uk_address_passes() {
        assert!(address_problems(&gb(), "shipping_address").is_empty());
    }

    #[test]
    fn a_uk_address_without_postcode_says_what_to_add() {
        let a = Address { postcode: String::new(), ..gb() };
        let p = address_problems(&a, "shipping_address");
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].field, "shipping_address.postcode");
        assert_eq!(p[0].message, "postcode is required for United Kingdom, e.g. EC1Y 8SY");
    }

    #[test]
    fn a_malformed_us_zip_and_a_missing_state_are_named() {
        let a = Address {
            line1: "1 Main St".into(),
            city: "Cupertino".into(),
            postcode: "9501".into(),
            country: "us".into(),
            ..Default::default()
        };
        let codes: Vec<String> = address_problems(&a, "a").into_iter().map(|e| e.code).collect();
        assert_eq!(codes, ["state_required", "postcode_invalid"]);
    }

    #[test]
    fn hong_kong_needs_no_postcode_and_unknown_countries_are_refused() {
        let hk = Address {
            line1: "1 Queen's Road".into(),
            state: "Kowloon".into(),
            country: "HK".into(),
            ..Default::default()
        };
        assert!(address_problems(&hk, "a").is_empty());
        assert_eq!(
            address_problems(&Address { country: "XQ".into(), ..gb() }, "a")[0].code,
            "unknown_country"
        );
    }
}
