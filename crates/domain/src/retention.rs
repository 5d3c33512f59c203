//! Retention and erasure of personal data (DONE-3): an order's file is kept for the operator's
//! retention period after its completion (never below the legal minimum), then proposed for
//! deletion; an admin approves or rejects the proposal; approved, the buyer's personal data is
//! erased from the order and everything about it, and the erasure is recorded. A legal hold keeps
//! an order out of every proposal.

use jiff::tz::TimeZone;
use sha2::{Digest, Sha256};

use crate::kernel::{Address, FieldError, Millis};

/// What an erased text reads.
pub const ERASED: &str = "[erased]";
/// The longest retention a setting may ask for.
pub const MAX_YEARS: u32 = 30;
/// Values shorter than this are not searched for in recorded texts (they would match by chance).
const SHORTEST_VALUE: usize = 3;

/// Checks the retention settings: a legal minimum of 1 to 30 years and a retention at least that.
pub fn validate_years(years: u32, legal_minimum: u32) -> Result<(), FieldError> {
    if !(1..=MAX_YEARS).contains(&legal_minimum) {
        return Err(FieldError::new(
            "retention_legal_minimum_years",
            "out_of_range",
            format!(
                "retention_legal_minimum_years must be 1 to {MAX_YEARS} (the law of your place; China: 3)"
            ),
        ));
    }
    if years < legal_minimum || years > MAX_YEARS {
        return Err(FieldError::new(
            "retention_years",
            "below_legal_minimum",
            format!(
                "retention_years {years} is outside {legal_minimum} to {MAX_YEARS}: files are kept at least the legal \
                 minimum of {legal_minimum} years set for this operator"
            ),
        ));
    }
    Ok(())
}

/// When the retention of a file completed at `completed_at` ends: the same time of the same
/// calendar day (UTC) `years` later; 29 February ends on 28 February.
pub fn retention_ends(completed_at: Millis, years: u32) -> Millis {
    shift_years(completed_at, i64::from(years))
}

/// The latest completion whose retention of `years` has ended at `now` (the same day `years`
/// earlier; never a day early).
pub fn completed_by(now: Millis, years: u32) -> Millis {
    shift_years(now, -i64::from(years))
}

fn shift_years(at: Millis, years: i64) -> Millis {
    let Ok(ts) = jiff::Timestamp::from_millisecond(at.0) else { return at };
    ts.to_zoned(TimeZone::UTC)
        .checked_add(jiff::Span::new().years(years))
        .map_or(at, |z| Millis(z.timestamp().as_millisecond()))
}

/// Where a deletion proposal stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProposalStatus {
    /// Listed, waiting for an admin.
    Proposed,
    /// Approved; the erasure is running (or was interrupted and resumes).
    Approved,
    /// Approved and carried out.
    Executed,
    /// Rejected: nothing was deleted.
    Rejected,
}

/// What an admin decides on a proposal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Reject,
}

impl ProposalStatus {
    pub const ALL: [ProposalStatus; 4] = [Self::Proposed, Self::Approved, Self::Executed, Self::Rejected];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Proposed => "proposed",
            Self::Approved => "approved",
            Self::Executed => "executed",
            Self::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// The status after `decision`, or why it cannot be taken. Approving an approved proposal
    /// again resumes an interrupted erasure.
    pub fn decide(self, decision: Decision) -> Result<ProposalStatus, String> {
        match (self, decision) {
            (Self::Proposed | Self::Approved, Decision::Approve) => Ok(Self::Approved),
            (Self::Proposed, Decision::Reject) => Ok(Self::Rejected),
            (Self::Approved, Decision::Reject) => {
                Err("the proposal is approved and its erasure has begun; it can no longer be rejected".into())
            }
            (Self::Executed, _) => Err("the proposal was carried out already".into()),
            (Self::Rejected, _) => Err("the proposal was rejected; make a new one".into()),
        }
    }
}

/// The buyer's values to look for in recorded texts (events, notes): name, e-mail, phone and
/// address lines, each at least three characters, longest first (so a longer value is replaced
/// before a shorter one inside it).
pub fn personal_values(name: &str, email: &str, phones: &[&str], address: &Address) -> Vec<String> {
    let mut values: Vec<String> =
        [name, email, &address.name, &address.company, &address.line1, &address.line2]
            .into_iter()
            .chain(phones.iter().copied())
            .chain([address.postcode.as_str()])
            .map(str::trim)
            .filter(|v| v.chars().count() >= SHORTEST_VALUE && *v != ERASED)
            .map(str::to_string)
            .collect();
    values.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    values.dedup();
    values
}

/// `json` (an event's data) with every string that holds one of the values replaced by its
/// erased form (`audit::erased_leaf`: its digest, so the event's link still proves it); keys,
/// numbers and other strings untouched. `None` when none holds one (or it is not JSON).
pub fn redact_json(json: &str, values: &[String]) -> Option<String> {
    fn walk(v: &mut serde_json::Value, values: &[String]) -> bool {
        match v {
            serde_json::Value::String(s) if values.iter().any(|x| s.contains(x.as_str())) => {
                *s = crate::audit::erased_leaf(s);
                true
            }
            serde_json::Value::Array(items) => {
                // Every string is looked at: no early stop.
                let mut any = false;
                for i in items {
                    any |= walk(i, values);
                }
                any
            }
            serde_json::Value::Object(map) => {
                let mut any = false;
                for i in map.values_mut() {
                    any |= walk(i, values);
                }
                any
            }
            _ => false,
        }
    }
    let mut parsed: serde_json::Value = serde_json::from_str(json).ok()?;
    walk(&mut parsed, values).then(|| parsed.to_string())
}

/// `text` (a reason, a note) replaced by its erased form when it holds one of the values.
pub fn redact_text(text: &str, values: &[String]) -> Option<String> {
    values.iter().any(|v| text.contains(v.as_str())).then(|| crate::audit::erased_leaf(text))
}

/// The address with only what is not personal kept: its country and state.
pub fn erased_address(a: &Address) -> Address {
    Address {
        name: ERASED.into(),
        company: String::new(),
        line1: ERASED.into(),
        line2: String::new(),
        city: String::new(),
        state: a.state.clone(),
        postcode: String::new(),
        country: a.country.clone(),
    }
}

/// A buyer's identifier (an e-mail or phone) as requests are recorded: its SHA-256, so the record
/// of an erasure does not keep what was erased.
pub fn subject_key(identifier: &str) -> String {
    hex::encode(Sha256::digest(identifier.trim().to_lowercase().as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Millis {
        Millis(s.parse::<jiff::Timestamp>().unwrap().as_millisecond())
    }

    #[test]
    fn retention_ends_on_the_same_calendar_day_years_later() {
        let cases = [
            ("2023-06-15T10:30:00Z", 3, "2026-06-15T10:30:00Z"),
            ("2024-02-29T08:00:00Z", 3, "2027-02-28T08:00:00Z"),
            ("2024-02-29T08:00:00Z", 4, "2028-02-29T08:00:00Z"),
            ("2023-12-31T23:59:59Z", 1, "2024-12-31T23:59:59Z"),
        ];
        for (completed, years, ends) in cases {
            assert_eq!(retention_ends(at(completed), years), at(ends), "{completed} + {years}");
            let by = completed_by(at(ends), years);
            assert!(
                retention_ends(by, years) <= at(ends),
                "what is due has ended, never a day early: {completed}"
            );
        }
        assert_eq!(completed_by(at("2026-11-27T12:00:00Z"), 3), at("2023-11-27T12:00:00Z"));
    }

    #[test]
    fn retention_is_never_below_the_legal_minimum() {
        let cases = [
            (3, 3, None),
            (5, 3, None),
            (30, 1, None),
            (2, 3, Some("retention_years")),
            (31, 3, Some("retention_years")),
            (3, 0, Some("retention_legal_minimum_years")),
            (40, 31, Some("retention_legal_minimum_years")),
        ];
        for (years, minimum, field) in cases {
            let got = validate_years(years, minimum).err().map(|e| e.field);
            assert_eq!(got.as_deref(), field, "{years} / {minimum}");
        }
        let message = validate_years(2, 3).unwrap_err().message;
        assert!(message.contains("legal minimum of 3"), "{message}");
    }

    #[test]
    fn every_decision_in_every_status() {
        use Decision::*;
        use ProposalStatus::*;
        let cases = [
            (Proposed, Approve, Some(Approved)),
            (Proposed, Reject, Some(Rejected)),
            (Approved, Approve, Some(Approved)),
            (Approved, Reject, None),
            (Executed, Approve, None),
            (Executed, Reject, None),
            (Rejected, Approve, None),
            (Rejected, Reject, None),
        ];
        assert_eq!(cases.len(), ProposalStatus::ALL.len() * 2);
        for (from, decision, to) in cases {
            assert_eq!(from.decide(decision).ok(), to, "{from:?} {decision:?}");
            assert_eq!(ProposalStatus::parse(from.as_str()), Some(from));
        }
    }

    #[test]
    fn only_the_strings_holding_personal_values_are_erased_and_the_json_stays_valid() {
        let address = Address {
            name: "Zoë \"Z\" O'Neil".into(),
            line1: "1 Quay St".into(),
            postcode: "100000".into(),
            country: "CN".into(),
            city: "Beijing".into(),
            ..Address::default()
        };
        let values =
            personal_values("Zoë \"Z\" O'Neil", "zoe@example.com", &["+8613800138000", "07"], &address);
        assert!(!values.contains(&"07".to_string()), "too short to look for: {values:?}");
        assert!(!values.contains(&"Beijing".to_string()), "a city alone is not personal");
        let data = serde_json::json!({"field": "shipping_address", "after": address, "note": "call +8613800138000",
                                      "granted_minor": 100000, "tracking": "YT100000", "email": "zoe@example.com"})
        .to_string();
        let redacted = redact_json(&data, &values).unwrap();
        let parsed: serde_json::Value = serde_json::from_str(&redacted).expect("still JSON");
        for v in &values {
            assert!(!redacted.contains(v.as_str()) || v == "100000", "{v} left in {redacted}");
        }
        assert_eq!(parsed["after"]["name"], crate::audit::erased_leaf("Zoë \"Z\" O'Neil"));
        assert_eq!(parsed["note"], crate::audit::erased_leaf("call +8613800138000"), "the whole string goes");
        assert_eq!(parsed["granted_minor"], 100000, "a number is not a postcode");
        assert_eq!(
            parsed["tracking"],
            crate::audit::erased_leaf("YT100000"),
            "a string holding one goes whole"
        );
        assert_eq!(parsed["after"]["city"], "Beijing");
        assert_eq!(redact_json("{\"holds\":[]}", &values), None, "nothing to erase");
        assert_eq!(
            redact_text("Hi Zoë \"Z\" O'Neil", &values),
            Some(crate::audit::erased_leaf("Hi Zoë \"Z\" O'Neil"))
        );
        assert_eq!(redact_text("looks fine", &values), None);
    }

    #[test]
    fn an_erased_address_keeps_only_country_and_state() {
        let a = Address {
            name: "Ada".into(),
            company: "Analytical".into(),
            line1: "12 St James's Square".into(),
            line2: "Flat 2".into(),
            city: "London".into(),
            state: "LND".into(),
            postcode: "SW1Y 4LB".into(),
            country: "GB".into(),
        };
        let e = erased_address(&a);
        assert_eq!((e.country.as_str(), e.state.as_str()), ("GB", "LND"));
        assert_eq!(
            (e.name.as_str(), e.line1.as_str(), e.postcode.as_str(), e.city.as_str()),
            (ERASED, ERASED, "", "")
        );
        assert_eq!(subject_key(" Ada@Example.com "), subject_key("ada@example.com"));
        assert_eq!(subject_key("ada@example.com").len(), 64);
    }
}
