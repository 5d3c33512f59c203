use super::*;
use crate::kernel::Currency;

fn gbp(minor: i64) -> Money {
    Money::new(minor, Currency::parse("GBP").unwrap()).unwrap()
}

fn facts() -> RiskFacts<'static> {
    RiskFacts {
        billing_country: "GB",
        ship_country: "GB",
        address_key: "1lovelacewaylondonec1y8sygb",
        email: "ada@example.com",
        phone_e164: Some("+442079460958"),
        total: gbp(4599),
        recent_orders: 0,
        prior_orders: 2,
    }
}

#[test]
fn each_rule_fires_on_its_own_evidence_and_the_threshold_decides_the_hold() {
    let mut s = RiskSettings { reshippers: vec!["4315 N.W. 7th St".into()], ..RiskSettings::default() };
    s.blocked_emails.push("Fraud@Example.com".into());
    s.blocked_phones.push("+15555550100".into());
    let addr = key("4315 NW 7th St, Miami 33126 US");
    let cases: Vec<(RiskFacts, Vec<RiskRule>, bool)> = vec![
        (facts(), vec![], false),
        (RiskFacts { billing_country: "", ..facts() }, vec![], false),
        (RiskFacts { billing_country: "US", ..facts() }, vec![RiskRule::CountryMismatch], false),
        (RiskFacts { address_key: &addr, ..facts() }, vec![RiskRule::Reshipper], false),
        (RiskFacts { recent_orders: 3, ..facts() }, vec![], false),
        (RiskFacts { recent_orders: 4, ..facts() }, vec![RiskRule::Velocity], false),
        (RiskFacts { prior_orders: 0, total: gbp(39_999), ..facts() }, vec![], false),
        (
            RiskFacts { prior_orders: 0, total: gbp(40_000), ..facts() },
            vec![RiskRule::HighValueFirstOrder],
            false,
        ),
        (RiskFacts { email: "fraud@example.com", ..facts() }, vec![RiskRule::Blocked], true),
        (RiskFacts { phone_e164: Some("+15555550100"), ..facts() }, vec![RiskRule::Blocked], true),
        (
            RiskFacts { billing_country: "US", address_key: &addr, ..facts() },
            vec![RiskRule::CountryMismatch, RiskRule::Reshipper],
            true,
        ),
    ];
    for (f, rules, held) in cases {
        let a = assess(&s, &f);
        let got: Vec<RiskRule> = a.fired.iter().map(|r| r.rule).collect();
        assert_eq!(got, rules, "{f:?}");
        assert_eq!(a.score, a.fired.iter().map(|r| r.weight).sum::<u32>());
        assert_eq!(a.hold.is_some(), held, "{f:?}: {}", a.score);
        if let Some(h) = a.hold {
            assert_eq!(h.code, "risk_review");
            assert!(a.fired.iter().all(|r| h.message.contains(&r.explanation)), "{}", h.message);
        }
    }
    // A rule weighed 0 is off; screening off screens nothing.
    s.weights.insert("blocked".into(), 0);
    assert!(assess(&s, &RiskFacts { email: "fraud@example.com", ..facts() }).fired.is_empty());
    s.enabled = false;
    assert_eq!(assess(&s, &RiskFacts { billing_country: "US", ..facts() }), RiskAssessment::default());
}

#[test]
fn settings_name_what_is_wrong() {
    let mut errors = crate::kernel::FieldErrors::new();
    let s = RiskSettings {
        threshold: 0,
        weights: [("astrology".to_string(), 5)].into(),
        reshippers: vec!["#1".into()],
        ..RiskSettings::default()
    };
    s.validate(&mut errors);
    let fields: Vec<String> = errors.into_vec().into_iter().map(|e| e.field).collect();
    assert_eq!(fields, ["risk.weights.astrology", "risk.threshold", "risk.reshippers"]);
    let mut none = crate::kernel::FieldErrors::new();
    RiskSettings::default().validate(&mut none);
    assert!(none.into_vec().is_empty());
    for r in RiskRule::ALL {
        assert_eq!(RiskRule::parse(r.as_str()), Some(r));
    }
}
