//! Merchant inserts (WMS-6): what a merchant has the warehouse put in the first package of its
//! orders (a thank-you card, a flyer, a gift, a sample), every order or from an order value on.
//! The insert's weight is part of the package's expected weight, so the scale does not stop it.

use serde::{Deserialize, Serialize};

use crate::kernel::{Currency, FieldError, FieldErrors, Money};

/// What kind of thing goes in the box.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InsertKind {
    Card,
    Flyer,
    Gift,
    Sample,
}

impl InsertKind {
    pub const ALL: [InsertKind; 4] = [Self::Card, Self::Flyer, Self::Gift, Self::Sample];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Card => "card",
            Self::Flyer => "flyer",
            Self::Gift => "gift",
            Self::Sample => "sample",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s.trim().to_ascii_lowercase())
    }
}

/// An insert as a merchant sends it.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct InsertInput {
    /// The merchant's code for it, e.g. `THANKS-CARD`; saving the same code again changes it.
    pub code: String,
    /// What the packer reads, e.g. `Thank-you card`.
    pub name: String,
    /// `card`, `flyer`, `gift` or `sample`.
    pub kind: String,
    pub weight_g: i64,
    /// Only orders whose total is at least this much (in `currency`); 0 for every order.
    pub min_order_minor: i64,
    /// The currency of `min_order_minor` (required when it is above 0).
    pub currency: String,
    /// Whether it goes out now (true when left out).
    pub active: Option<bool>,
}

/// A checked insert.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewInsert {
    pub code: String,
    pub name: String,
    pub kind: InsertKind,
    pub weight_g: i64,
    /// `None`: every order.
    pub min_order: Option<Money>,
    pub active: bool,
}

/// Checks an insert, naming every problem.
pub fn validate_insert(i: &InsertInput) -> Result<NewInsert, Vec<FieldError>> {
    let mut e = FieldErrors::new();
    let code = i.code.trim().to_uppercase();
    if code.is_empty() || code.len() > 32 || code.chars().any(char::is_whitespace) {
        e.add("code", "invalid_code", "code must be 1-32 characters without spaces, e.g. THANKS-CARD");
    }
    let name = i.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 80 || name.chars().any(char::is_control) {
        e.add("name", "required", "name must be 1-80 characters on one line, e.g. Thank-you card");
    }
    let kind = InsertKind::parse(&i.kind);
    if kind.is_none() {
        e.add("kind", "unknown_kind", "kind must be one of: card, flyer, gift, sample");
    }
    if !(0..=5_000).contains(&i.weight_g) {
        e.add("weight_g", "out_of_range", "weight_g must be 0 to 5000 grams");
    }
    let mut min_order = None;
    if i.min_order_minor < 0 {
        e.add("min_order_minor", "negative", "min_order_minor must be 0 (every order) or more");
    } else if i.min_order_minor > 0 {
        match Currency::parse(&i.currency).map(|c| Money::new(i.min_order_minor, c)) {
            Some(Ok(m)) => min_order = Some(m),
            Some(Err(err)) => e.add("min_order_minor", "invalid_amount", err.to_string()),
            None => e.add("currency", "unknown_currency", "currency must be an ISO 4217 code, e.g. GBP"),
        }
    }
    e.into_result()?;
    Ok(NewInsert {
        code,
        name,
        kind: kind.unwrap_or_else(|| unreachable!("checked above")),
        weight_g: i.weight_g,
        min_order,
        active: i.active.unwrap_or(true),
    })
}

impl NewInsert {
    /// Whether an order with this total gets the insert: active, and every order or a total in
    /// the threshold's currency at least as high (an order in another currency does not).
    pub fn goes_with(&self, order_total: Money) -> bool {
        self.active
            && self
                .min_order
                .is_none_or(|m| m.currency() == order_total.currency() && order_total.minor() >= m.minor())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(min: i64, currency: &str) -> InsertInput {
        InsertInput {
            code: " thanks-card ".into(),
            name: "Thank-you card".into(),
            kind: "Card".into(),
            weight_g: 15,
            min_order_minor: min,
            currency: currency.into(),
            active: None,
        }
    }

    fn gbp(minor: i64) -> Money {
        Money::new(minor, Currency::parse("GBP").unwrap()).unwrap()
    }

    #[test]
    fn a_good_insert_is_normalised_and_bad_fields_are_named() {
        let ok = validate_insert(&input(0, "")).unwrap();
        assert_eq!(
            (ok.code.as_str(), ok.kind, ok.min_order, ok.active),
            ("THANKS-CARD", InsertKind::Card, None, true)
        );
        let bad = InsertInput {
            code: "a b".into(),
            name: "Card\nFlyer".into(),
            kind: "poster".into(),
            weight_g: -1,
            ..input(500, "XXX")
        };
        let fields: Vec<String> = validate_insert(&bad).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["code", "name", "kind", "weight_g", "currency"]);
        let negative = validate_insert(&input(-1, "GBP")).unwrap_err();
        assert_eq!(negative[0].field, "min_order_minor");
    }

    #[test]
    fn an_insert_goes_with_every_order_or_from_its_threshold_in_its_currency() {
        let every = validate_insert(&input(0, "")).unwrap();
        assert!(every.goes_with(gbp(1)));
        let from_50 = validate_insert(&input(5_000, "gbp")).unwrap();
        assert!(!from_50.goes_with(gbp(4_999)));
        assert!(from_50.goes_with(gbp(5_000)));
        let usd = Money::new(9_999, Currency::parse("USD").unwrap()).unwrap();
        assert!(!from_50.goes_with(usd), "another currency is not compared");
        let off = NewInsert { active: false, ..every };
        assert!(!off.goes_with(gbp(100_000)));
    }
}
