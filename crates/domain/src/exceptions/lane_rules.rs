//! Exception rules per lane (SHP-6, SHP-7): for parcels from an origin warehouse to a destination
//! country with a service (each may be "any"), a rule says when a parcel is in trouble: no update
//! for N hours, stuck at one status for N days, returned to sender, refused by customs, delivery
//! failed N times, N days past the promised date. A rule that matches names the case to open and
//! the cause in words.

use serde::{Deserialize, Serialize};

use super::CaseType;
use crate::kernel::{FieldError, Millis};
use crate::shipping::{ClearanceStep, TrackingStatus};
use crate::sla::Department;

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;

/// What a rule watches for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RuleKind {
    /// No tracking event for `threshold` hours.
    NoUpdate,
    /// The same status for `threshold` days.
    Stuck,
    /// Going or gone back to the sender.
    ReturnedToSender,
    /// Customs refused it.
    CustomsRefused,
    /// `threshold` failed delivery attempts.
    DeliveryFailed,
    /// Not delivered `threshold` days after the promised date.
    PastPromisedDate,
}

impl RuleKind {
    pub const ALL: [RuleKind; 6] = [
        Self::NoUpdate,
        Self::Stuck,
        Self::ReturnedToSender,
        Self::CustomsRefused,
        Self::DeliveryFailed,
        Self::PastPromisedDate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::NoUpdate => "no_update",
            Self::Stuck => "stuck",
            Self::ReturnedToSender => "returned_to_sender",
            Self::CustomsRefused => "customs_refused",
            Self::DeliveryFailed => "delivery_failed",
            Self::PastPromisedDate => "past_promised_date",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s.trim())
    }

    pub fn case_type(self) -> CaseType {
        match self {
            Self::NoUpdate | Self::Stuck | Self::PastPromisedDate => CaseType::LogisticsDelay,
            Self::ReturnedToSender => CaseType::ReturnedToSender,
            Self::CustomsRefused => CaseType::CustomsProblem,
            Self::DeliveryFailed => CaseType::DeliveryFailed,
        }
    }

    /// Whether only the passing of time makes it match (checked by the sweep, not by events).
    pub fn is_timed(self) -> bool {
        matches!(self, Self::NoUpdate | Self::Stuck | Self::PastPromisedDate)
    }

    /// Whether the case it opened closes by itself after an event: a parcel without news that
    /// has news (`updated`: the newest event so far), a stuck one that `moved`, a late or failing
    /// one that was delivered (or, late, returned). Returned and refused parcels need a person.
    pub fn closed_by(self, status: TrackingStatus, moved: bool, updated: bool) -> bool {
        match self {
            Self::NoUpdate => updated,
            Self::Stuck => moved,
            Self::PastPromisedDate => status.is_final(),
            Self::DeliveryFailed => status == TrackingStatus::Delivered,
            Self::ReturnedToSender | Self::CustomsRefused => false,
        }
    }

    /// What `threshold` counts, and its allowed range.
    fn threshold_unit(self) -> (&'static str, i64, i64) {
        match self {
            Self::NoUpdate => ("hours", 1, 24 * 60),
            Self::Stuck => ("days", 1, 60),
            Self::DeliveryFailed => ("attempts", 1, 10),
            Self::PastPromisedDate => ("days", 0, 60),
            Self::ReturnedToSender | Self::CustomsRefused => ("", 0, 0),
        }
    }
}

/// A rule as the API and the rules form give it; empty lane fields mean "any".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct LaneRuleInput {
    /// Origin warehouse code, or empty for any.
    pub origin: String,
    /// Destination country (ISO code), or empty for any.
    pub destination: String,
    /// Carrier service code, or empty for any.
    pub service: String,
    /// no_update, stuck, returned_to_sender, customs_refused, delivery_failed, past_promised_date.
    pub kind: String,
    /// Hours (no_update), days (stuck, past_promised_date) or attempts (delivery_failed).
    pub threshold: i64,
    /// The department that owns the case: logistics (default), customer_service, warehouse,
    /// order_management.
    pub department: String,
}

/// A checked rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LaneRule {
    pub origin: Option<String>,
    pub destination: Option<String>,
    pub service: Option<String>,
    pub kind: RuleKind,
    pub threshold: i64,
    pub department: Department,
}

fn any_or(s: &str) -> Option<String> {
    let s = s.trim().to_uppercase();
    (!s.is_empty() && s != "*").then_some(s)
}

/// Checks a rule, naming every field that is wrong.
pub fn validate_lane_rule(i: &LaneRuleInput) -> Result<LaneRule, Vec<FieldError>> {
    let mut errors = Vec::new();
    let kind = RuleKind::parse(&i.kind);
    if kind.is_none() {
        let all: Vec<&str> = RuleKind::ALL.iter().map(|k| k.as_str()).collect();
        errors.push(FieldError::new(
            "kind",
            "unknown_kind",
            format!("kind must be one of {}", all.join(", ")),
        ));
    }
    let department = if i.department.trim().is_empty() {
        Some(Department::Logistics)
    } else {
        Department::parse(i.department.trim())
    };
    if department.is_none() {
        errors.push(FieldError::new(
            "department",
            "unknown_department",
            "department must be logistics, customer_service, warehouse or order_management",
        ));
    }
    let destination = any_or(&i.destination);
    if destination.as_ref().is_some_and(|d| d.len() != 2 || !d.chars().all(|c| c.is_ascii_uppercase())) {
        errors.push(FieldError::new(
            "destination",
            "invalid_country",
            "destination must be an ISO country code such as DE, or empty for any",
        ));
    }
    if let Some(k) = kind {
        let (unit, min, max) = k.threshold_unit();
        if !(min..=max).contains(&i.threshold) {
            let message = if unit.is_empty() {
                format!("{} takes no threshold; leave it 0", k.as_str())
            } else {
                format!("threshold counts {unit} for {}: from {min} to {max}", k.as_str())
            };
            errors.push(FieldError::new("threshold", "threshold_out_of_range", message));
        }
    }
    match (kind, department) {
        (Some(kind), Some(department)) if errors.is_empty() => Ok(LaneRule {
            origin: any_or(&i.origin),
            destination,
            service: any_or(&i.service),
            kind,
            threshold: i.threshold,
            department,
        }),
        _ => Err(errors),
    }
}

/// What is known of a parcel when the rules look at it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParcelFacts<'a> {
    pub origin: &'a str,
    pub destination: &'a str,
    pub service: &'a str,
    pub status: TrackingStatus,
    /// The last tracking event (or the hand-over, before any).
    pub last_update: Millis,
    /// Since when the parcel has had its status.
    pub status_since: Millis,
    pub failed_attempts: i64,
    pub clearance: Option<ClearanceStep>,
    pub promised_by: Option<Millis>,
}

fn matches_lane(want: &Option<String>, value: &str) -> bool {
    want.as_ref().is_none_or(|w| w.eq_ignore_ascii_case(value))
}

impl LaneRule {
    /// How narrowly it names its lane: a lane's own rule wins over one for any lane.
    pub fn specificity(&self) -> usize {
        [&self.origin, &self.destination, &self.service].iter().filter(|v| v.is_some()).count()
    }

    pub fn covers(&self, p: &ParcelFacts) -> bool {
        matches_lane(&self.origin, p.origin)
            && matches_lane(&self.destination, p.destination)
            && matches_lane(&self.service, p.service)
    }

    /// The cause, in words, when the rule matches the parcel at `now`.
    pub fn breach(&self, p: &ParcelFacts, now: Millis) -> Option<String> {
        if !self.covers(p) {
            return None;
        }
        let on_the_way = !p.status.is_final();
        let n = self.threshold;
        match self.kind {
            RuleKind::NoUpdate if on_the_way && now.0 - p.last_update.0 >= n * HOUR_MS => Some(format!(
                "no tracking update for {} hours (the lane allows {n})",
                (now.0 - p.last_update.0) / HOUR_MS
            )),
            RuleKind::Stuck if on_the_way && now.0 - p.status_since.0 >= n * DAY_MS => Some(format!(
                "{} for {} days (the lane allows {n})",
                p.status.as_str(),
                (now.0 - p.status_since.0) / DAY_MS
            )),
            RuleKind::ReturnedToSender
                if matches!(p.status, TrackingStatus::Returning | TrackingStatus::Returned) =>
            {
                Some("the carrier is returning the parcel to the sender".into())
            }
            RuleKind::CustomsRefused if p.clearance == Some(ClearanceStep::Refused) => {
                Some("customs refused the parcel".into())
            }
            RuleKind::DeliveryFailed if p.failed_attempts >= n => {
                Some(format!("delivery failed {} times", p.failed_attempts))
            }
            RuleKind::PastPromisedDate if p.status != TrackingStatus::Delivered => {
                let promised = p.promised_by?;
                let late = now.0 - promised.0;
                (p.status != TrackingStatus::Returned && late >= n * DAY_MS && late > 0)
                    .then(|| format!("not delivered {} days after the promised date", late / DAY_MS))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use TrackingStatus as T;

    const NOW: Millis = Millis(100 * DAY_MS);

    fn rule(kind: &str, threshold: i64) -> LaneRule {
        validate_lane_rule(&LaneRuleInput {
            origin: "SZX1".into(),
            destination: "de".into(),
            kind: kind.into(),
            threshold,
            ..LaneRuleInput::default()
        })
        .unwrap()
    }

    fn parcel(status: TrackingStatus) -> ParcelFacts<'static> {
        ParcelFacts {
            origin: "SZX1",
            destination: "DE",
            service: "YUN-EU",
            status,
            last_update: Millis(NOW.0 - 80 * HOUR_MS),
            status_since: Millis(NOW.0 - 6 * DAY_MS),
            failed_attempts: 0,
            clearance: None,
            promised_by: Some(Millis(NOW.0 - 3 * DAY_MS)),
        }
    }

    #[test]
    fn each_kind_matches_its_trouble_and_nothing_else() {
        let table: [(LaneRule, ParcelFacts, Option<&str>); 12] = [
            (
                rule("no_update", 72),
                parcel(T::InTransit),
                Some("no tracking update for 80 hours (the lane allows 72)"),
            ),
            (rule("no_update", 96), parcel(T::InTransit), None),
            (rule("no_update", 72), parcel(T::Delivered), None),
            (rule("stuck", 5), parcel(T::Customs), Some("customs for 6 days (the lane allows 5)")),
            (rule("stuck", 7), parcel(T::Customs), None),
            (
                rule("returned_to_sender", 0),
                parcel(T::Returning),
                Some("the carrier is returning the parcel to the sender"),
            ),
            (rule("returned_to_sender", 0), parcel(T::Exception), None),
            (
                rule("customs_refused", 0),
                ParcelFacts { clearance: Some(ClearanceStep::Refused), ..parcel(T::Exception) },
                Some("customs refused the parcel"),
            ),
            (
                rule("delivery_failed", 2),
                ParcelFacts { failed_attempts: 2, ..parcel(T::AttemptFailed) },
                Some("delivery failed 2 times"),
            ),
            (
                rule("delivery_failed", 2),
                ParcelFacts { failed_attempts: 1, ..parcel(T::AttemptFailed) },
                None,
            ),
            (
                rule("past_promised_date", 2),
                parcel(T::InTransit),
                Some("not delivered 3 days after the promised date"),
            ),
            (rule("past_promised_date", 0), parcel(T::Delivered), None),
        ];
        for (rule, parcel, cause) in table {
            assert_eq!(rule.breach(&parcel, NOW).as_deref(), cause, "{:?} {:?}", rule.kind, parcel.status);
        }
    }

    #[test]
    fn a_rule_only_covers_its_lane() {
        let r = rule("no_update", 72);
        assert!(r.breach(&ParcelFacts { destination: "FR", ..parcel(T::InTransit) }, NOW).is_none());
        assert!(r.breach(&ParcelFacts { origin: "LAX1", ..parcel(T::InTransit) }, NOW).is_none());
        let any = validate_lane_rule(&LaneRuleInput {
            kind: "no_update".into(),
            threshold: 72,
            ..Default::default()
        })
        .unwrap();
        assert!(any.covers(&ParcelFacts { origin: "LAX1", destination: "US", ..parcel(T::InTransit) }));
    }

    #[test]
    fn a_wrong_rule_names_every_field() {
        let bad = LaneRuleInput {
            destination: "Germany".into(),
            kind: "no_update".into(),
            threshold: 0,
            department: "sales".into(),
            ..LaneRuleInput::default()
        };
        let fields: Vec<String> =
            validate_lane_rule(&bad).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["department", "destination", "threshold"]);
        let no_threshold =
            LaneRuleInput { kind: "customs_refused".into(), threshold: 3, ..Default::default() };
        assert_eq!(
            validate_lane_rule(&no_threshold).unwrap_err()[0].message,
            "customs_refused takes no threshold; leave it 0"
        );
    }

    #[test]
    fn kinds_read_back_and_say_what_they_open() {
        for k in RuleKind::ALL {
            assert_eq!(RuleKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(RuleKind::CustomsRefused.case_type(), CaseType::CustomsProblem);
        assert!(RuleKind::NoUpdate.is_timed() && !RuleKind::DeliveryFailed.is_timed());
    }

    #[test]
    fn cases_close_by_themselves_only_when_the_trouble_is_over() {
        let table = [
            (RuleKind::NoUpdate, T::InTransit, false, true, true),
            (RuleKind::NoUpdate, T::InTransit, true, false, false),
            (RuleKind::Stuck, T::InTransit, true, true, true),
            (RuleKind::Stuck, T::Customs, false, true, false),
            (RuleKind::DeliveryFailed, T::AttemptFailed, false, true, false),
            (RuleKind::DeliveryFailed, T::Delivered, true, true, true),
            (RuleKind::PastPromisedDate, T::Returned, true, true, true),
            (RuleKind::ReturnedToSender, T::Returned, true, true, false),
            (RuleKind::CustomsRefused, T::Delivered, true, true, false),
        ];
        for (kind, status, moved, updated, closes) in table {
            assert_eq!(kind.closed_by(status, moved, updated), closes, "{kind:?} {status:?}");
        }
        let any = validate_lane_rule(&LaneRuleInput {
            kind: "no_update".into(),
            threshold: 72,
            ..Default::default()
        })
        .unwrap();
        assert!(rule("no_update", 240).specificity() > any.specificity(), "the lane's own rule wins");
    }
}
