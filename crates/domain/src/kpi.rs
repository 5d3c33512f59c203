//! KPIs from events (KPI-2, KPI-3, KPI-4). Each event gives the figures facts (`facts_of`): a
//! measure, an amount, and who it counts for (merchant, department, person). Facts are summed per
//! day into rollups; each KPI is one measure over another (`KPIS`), with its target and direction.
//! A new context adds figures by giving its events facts here, not by changing the KPI engine.
//!
//! | event kind | measure (amount) | department | person |
//! |---|---|---|---|
//! | `order_received*` | orders_received (1) | order_management | who entered it |
//! | `order_hand_over` | orders_shipped (1), ship_minutes (minutes since the order was received) | warehouse | who handed it over |
//! | `order_completed` | orders_completed (1) | order_management | - |
//! | `order_exception_opened` | exceptions_opened (1); damaged_cases (1) when its type is `damaged` | the case's department | who opened it |
//! | `ticket_opened` | tickets_opened (1) | customer_service | - |
//! | `package_weighed` | packages_weighed (1); packages_accurate (1) when its weight matched the expected | warehouse | who weighed it |
//! | `aftersales_requested` | aftersales_requested (1) | the request's department | - |

use crate::sla::Department;

/// What the figures count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Measure {
    OrdersReceived,
    OrdersShipped,
    ShipMinutes,
    OrdersCompleted,
    ExceptionsOpened,
    DamagedCases,
    TicketsOpened,
    PackagesWeighed,
    PackagesAccurate,
    AftersalesRequested,
}

impl Measure {
    pub const ALL: [Measure; 10] = [
        Self::OrdersReceived,
        Self::OrdersShipped,
        Self::ShipMinutes,
        Self::OrdersCompleted,
        Self::ExceptionsOpened,
        Self::DamagedCases,
        Self::TicketsOpened,
        Self::PackagesWeighed,
        Self::PackagesAccurate,
        Self::AftersalesRequested,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::OrdersReceived => "orders_received",
            Self::OrdersShipped => "orders_shipped",
            Self::ShipMinutes => "ship_minutes",
            Self::OrdersCompleted => "orders_completed",
            Self::ExceptionsOpened => "exceptions_opened",
            Self::DamagedCases => "damaged_cases",
            Self::TicketsOpened => "tickets_opened",
            Self::PackagesWeighed => "packages_weighed",
            Self::PackagesAccurate => "packages_accurate",
            Self::AftersalesRequested => "aftersales_requested",
        }
    }
}

/// An event as the figures read it.
#[derive(Clone, Debug, Default)]
pub struct EventFacts<'a> {
    pub kind: &'a str,
    /// The user who acted (`None`: an API key or the system).
    pub person: Option<&'a str>,
    /// The event's details (JSON).
    pub data: &'a str,
    pub at_ms: i64,
    /// For a hand-over: when its order was received.
    pub order_received_ms: Option<i64>,
}

/// One fact: a measure's amount, for a department and a person (empty: none).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fact {
    pub measure: Measure,
    pub amount: i64,
    pub department: &'static str,
    pub person: String,
}

/// The department a case's details name (`sla::Department`); order management when none.
fn department_of_case(case: &serde_json::Value) -> &'static str {
    let named = case["department"].as_str().and_then(Department::parse);
    named.unwrap_or(Department::OrderManagement).as_str()
}

/// The facts an event gives (none for events the figures do not read).
pub fn facts_of(e: &EventFacts<'_>) -> Vec<Fact> {
    let person = e.person.unwrap_or_default().to_string();
    let fact = |measure, amount, department| Fact { measure, amount, department, person: person.clone() };
    match e.kind {
        k if k.starts_with("order_received") => vec![fact(Measure::OrdersReceived, 1, "order_management")],
        "order_hand_over" => {
            let mut out = vec![fact(Measure::OrdersShipped, 1, "warehouse")];
            if let Some(received) = e.order_received_ms {
                out.push(fact(Measure::ShipMinutes, (e.at_ms - received).max(0) / 60_000, "warehouse"));
            }
            out
        }
        "order_completed" => {
            vec![Fact { person: String::new(), ..fact(Measure::OrdersCompleted, 1, "order_management") }]
        }
        "order_exception_opened" => {
            let case: serde_json::Value = serde_json::from_str(e.data).unwrap_or_default();
            let department = department_of_case(&case);
            let mut out = vec![fact(Measure::ExceptionsOpened, 1, department)];
            if case["type"] == "damaged" {
                out.push(fact(Measure::DamagedCases, 1, department));
            }
            out
        }
        "ticket_opened" => {
            vec![Fact { person: String::new(), ..fact(Measure::TicketsOpened, 1, "customer_service") }]
        }
        "package_weighed" => {
            // A package whose weight is off the expected is held for a check: a picking or packing error.
            let weighed: serde_json::Value = serde_json::from_str(e.data).unwrap_or_default();
            let mut out = vec![fact(Measure::PackagesWeighed, 1, "warehouse")];
            if weighed["weight_matched"].as_bool().unwrap_or(weighed["check"].is_null()) {
                out.push(fact(Measure::PackagesAccurate, 1, "warehouse"));
            }
            out
        }
        "aftersales_requested" => {
            let request: serde_json::Value = serde_json::from_str(e.data).unwrap_or_default();
            let department = department_of_case(&request);
            vec![Fact { person: String::new(), ..fact(Measure::AftersalesRequested, 1, department) }]
        }
        _ => Vec::new(),
    }
}

/// The event kinds (by prefix) whose facts may count for `measure` (the table above): where a
/// figure's orders are found. `facts_of` still decides each event.
pub fn event_prefixes(measure: Measure) -> &'static [&'static str] {
    match measure {
        Measure::OrdersReceived => &["order_received"],
        Measure::OrdersShipped | Measure::ShipMinutes => &["order_hand_over"],
        Measure::OrdersCompleted => &["order_completed"],
        Measure::ExceptionsOpened | Measure::DamagedCases => &["order_exception_opened"],
        Measure::TicketsOpened => &["ticket_opened"],
        Measure::PackagesWeighed | Measure::PackagesAccurate => &["package_weighed"],
        Measure::AftersalesRequested => &["aftersales_requested"],
    }
}

/// How a KPI's ratio is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Numerator over denominator, in percent.
    Percent,
    /// Minutes over a count, in hours.
    Hours,
}

/// Which way is good.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    AtLeast,
    AtMost,
}

/// One KPI, defined once.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Kpi {
    /// Its name in the API and the catalogues.
    pub key: &'static str,
    pub numerator: Measure,
    pub denominator: Measure,
    pub unit: Unit,
    /// The target and which side of it is good (`None`: watched, no target). Targets not named
    /// by KPI-2 are defaults.
    pub target: Option<(Direction, f64)>,
    /// Whether a department's or person's figure divides by their own denominator (both measures
    /// come from the same events) or by the whole reach's (their share of the rate: a complaint
    /// is customer service's, the shipments the warehouse's).
    pub own_denominator: bool,
}

/// The KPIs the figures give today (KPI-2 and KPI-3 as far as their events exist).
pub const KPIS: [Kpi; 7] = [
    Kpi {
        key: "completion_rate",
        numerator: Measure::OrdersCompleted,
        denominator: Measure::OrdersReceived,
        unit: Unit::Percent,
        target: None,
        own_denominator: false,
    },
    Kpi {
        key: "time_to_ship",
        numerator: Measure::ShipMinutes,
        denominator: Measure::OrdersShipped,
        unit: Unit::Hours,
        target: Some((Direction::AtMost, 48.0)),
        own_denominator: true,
    },
    Kpi {
        key: "damage_rate",
        numerator: Measure::DamagedCases,
        denominator: Measure::OrdersShipped,
        unit: Unit::Percent,
        target: Some((Direction::AtMost, 0.5)),
        own_denominator: false,
    },
    Kpi {
        key: "exception_rate",
        numerator: Measure::ExceptionsOpened,
        denominator: Measure::OrdersShipped,
        unit: Unit::Percent,
        target: Some((Direction::AtMost, 2.0)),
        own_denominator: false,
    },
    // KPI-2: complaints at most 1% of the orders shipped.
    Kpi {
        key: "complaint_rate",
        numerator: Measure::TicketsOpened,
        denominator: Measure::OrdersShipped,
        unit: Unit::Percent,
        target: Some((Direction::AtMost, 1.0)),
        own_denominator: false,
    },
    // KPI-2: processing accuracy at least 99.5%: packages whose weight matched what was picked.
    Kpi {
        key: "processing_accuracy",
        numerator: Measure::PackagesAccurate,
        denominator: Measure::PackagesWeighed,
        unit: Unit::Percent,
        target: Some((Direction::AtLeast, 99.5)),
        own_denominator: true,
    },
    Kpi {
        key: "after_sales_rate",
        numerator: Measure::AftersalesRequested,
        denominator: Measure::OrdersShipped,
        unit: Unit::Percent,
        target: Some((Direction::AtMost, 3.0)),
        own_denominator: false,
    },
];

impl Kpi {
    /// The KPI's value from its sums, to two decimals (`None` without a denominator).
    pub fn value(&self, numerator: i64, denominator: i64) -> Option<f64> {
        if denominator <= 0 {
            return None;
        }
        let raw = match self.unit {
            Unit::Percent => numerator as f64 * 100.0 / denominator as f64,
            Unit::Hours => numerator as f64 / 60.0 / denominator as f64,
        };
        Some((raw * 100.0).round() / 100.0)
    }

    /// Whether `value` meets the target (`None`: no target or no value).
    pub fn meets(&self, value: Option<f64>) -> Option<bool> {
        let (direction, target) = self.target?;
        let v = value?;
        Some(match direction {
            Direction::AtLeast => v >= target,
            Direction::AtMost => v <= target,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fact as the table writes it: measure, amount, department, person.
    type Row = (Measure, i64, &'static str, &'static str);

    fn event<'a>(kind: &'a str, data: &'a str) -> EventFacts<'a> {
        EventFacts { kind, person: Some("u1"), data, at_ms: 10 * 3_600_000, order_received_ms: None }
    }

    #[test]
    fn each_event_gives_the_facts_its_table_row_says() {
        let table: [(&str, &str, Option<i64>, Vec<Row>); 11] = [
            ("order_received", "{}", None, vec![(Measure::OrdersReceived, 1, "order_management", "u1")]),
            (
                "order_received_on_hold",
                "{}",
                None,
                vec![(Measure::OrdersReceived, 1, "order_management", "u1")],
            ),
            (
                "order_hand_over",
                "{}",
                Some(7 * 3_600_000),
                vec![
                    (Measure::OrdersShipped, 1, "warehouse", "u1"),
                    (Measure::ShipMinutes, 180, "warehouse", "u1"),
                ],
            ),
            ("order_hand_over", "{}", None, vec![(Measure::OrdersShipped, 1, "warehouse", "u1")]),
            ("order_completed", "{}", None, vec![(Measure::OrdersCompleted, 1, "order_management", "")]),
            (
                "order_exception_opened",
                r#"{"type":"damaged","department":"customer_service"}"#,
                None,
                vec![
                    (Measure::ExceptionsOpened, 1, "customer_service", "u1"),
                    (Measure::DamagedCases, 1, "customer_service", "u1"),
                ],
            ),
            ("ticket_opened", "{}", None, vec![(Measure::TicketsOpened, 1, "customer_service", "")]),
            (
                "package_weighed",
                r#"{"status":"check","check":"chosen for the spot check","weight_matched":true}"#,
                None,
                vec![
                    (Measure::PackagesWeighed, 1, "warehouse", "u1"),
                    (Measure::PackagesAccurate, 1, "warehouse", "u1"),
                ],
            ),
            (
                "package_weighed",
                r#"{"status":"check","check":"weighs 932 g, expected 880 g","weight_matched":false}"#,
                None,
                vec![(Measure::PackagesWeighed, 1, "warehouse", "u1")],
            ),
            (
                "aftersales_requested",
                r#"{"department":"logistics"}"#,
                None,
                vec![(Measure::AftersalesRequested, 1, "logistics", "")],
            ),
            ("order_confirm", "{}", None, vec![]),
        ];
        for (kind, data, received, want) in table {
            let e = EventFacts { order_received_ms: received, ..event(kind, data) };
            let facts = facts_of(&e);
            let got: Vec<(Measure, i64, &str, &str)> =
                facts.iter().map(|f| (f.measure, f.amount, f.department, f.person.as_str())).collect();
            assert_eq!(got, want, "{kind}");
        }
    }

    #[test]
    fn every_measure_is_found_under_the_kinds_that_give_it() {
        let samples: [(&str, &str, Option<i64>); 8] = [
            ("order_received", "{}", None),
            ("order_hand_over", "{}", Some(0)),
            ("order_completed", "{}", None),
            ("order_exception_opened", r#"{"type":"damaged"}"#, None),
            ("ticket_opened", "{}", None),
            ("package_weighed", r#"{"weight_matched":true}"#, None),
            ("aftersales_requested", "{}", None),
            ("order_confirm", "{}", None),
        ];
        for measure in Measure::ALL {
            let giving: Vec<&str> = samples
                .iter()
                .filter(|(kind, data, received)| {
                    let e = EventFacts { order_received_ms: *received, ..event(kind, data) };
                    facts_of(&e).iter().any(|f| f.measure == measure)
                })
                .map(|(kind, _, _)| *kind)
                .collect();
            let prefixes = event_prefixes(measure);
            assert!(!giving.is_empty(), "{measure:?} has a sample");
            assert!(
                giving.iter().all(|k| prefixes.iter().any(|p| k.starts_with(p))),
                "{measure:?}: {giving:?} not under {prefixes:?}"
            );
        }
    }

    #[test]
    fn values_and_targets() {
        let kpi = |key| KPIS.iter().find(|k| k.key == key).unwrap();
        // 3 of 4 received orders completed: 75%.
        assert_eq!(kpi("completion_rate").value(3, 4), Some(75.0));
        assert_eq!(kpi("completion_rate").meets(Some(75.0)), None, "no target");
        // 300 minutes over 2 shipments: 2.5 hours, within 48.
        let ship = kpi("time_to_ship");
        assert_eq!(ship.value(300, 2), Some(2.5));
        assert_eq!(ship.meets(ship.value(300, 2)), Some(true));
        // 1 complaint per 3 shipments: 33.33%, above 1%.
        let complaints = kpi("complaint_rate");
        assert_eq!(complaints.value(1, 3), Some(33.33));
        assert_eq!(complaints.meets(Some(33.33)), Some(false));
        assert_eq!(complaints.meets(Some(1.0)), Some(true), "the target itself is met");
        assert_eq!(complaints.value(1, 0), None);
        assert_eq!(complaints.meets(None), None);
    }
}
