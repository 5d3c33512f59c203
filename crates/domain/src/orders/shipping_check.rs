//! What the destination, the goods and the service decide about an order (ORD-3, ORD-6,
//! ORD-10): the part of intake validation that a change of address or service must run again,
//! so a change can never slip past a rule that intake would have applied.

use super::goods::{GoodsAction, GoodsRule, screen_goods};
use super::input::SkuFacts;
use crate::access::{ServiceLevel, TenantSettings};
use crate::kernel::{Address, FieldError, Money, address_problems};

/// An order's goods: the index of each line and its SKU's facts.
pub type LineGoods<'a> = [(usize, &'a SkuFacts)];

/// What an order's shipping asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ShippingCheck {
    /// Refuse: goods a `block` rule forbids for the destination.
    pub reject: Vec<FieldError>,
    /// Hold for the buyer: address problems, restricted goods, a service not paid for.
    pub holds: Vec<FieldError>,
    /// The amount or the service calls for a second review (ORD-6).
    pub second_review_due: bool,
}

/// The fields whose holds [`check_shipping`] decides; a change replaces these and keeps others.
pub fn is_shipping_hold(field: &str) -> bool {
    // `lines[n].sku` (goods rules), not `lines[n].quantity` (out of stock, decided by approval).
    let goods = field.starts_with("lines[") && field.ends_with("].sku");
    field.starts_with("shipping_address") || goods || field == "service_level"
}

/// The inputs of [`check_shipping`].
#[derive(Clone, Copy, Debug)]
pub struct ShippingFacts<'a> {
    pub address: &'a Address,
    pub goods: &'a LineGoods<'a>,
    pub service: &'a ServiceLevel,
    pub shipping_fee: Money,
    pub total: Money,
}

/// Runs the destination, goods and service rules.
pub fn check_shipping(
    f: &ShippingFacts<'_>,
    settings: &TenantSettings,
    goods_rules: &[GoodsRule],
) -> ShippingCheck {
    let mut out = ShippingCheck::default();
    let destination = f.address.country.trim().to_ascii_uppercase();
    for (n, sku) in f.goods {
        for hit in screen_goods(goods_rules, &sku.traits, &sku.hs_code, &destination) {
            let message = format!("{} (rule {}, destination {destination})", hit.message, hit.code);
            let field = format!("lines[{n}].sku");
            match hit.action {
                GoodsAction::Block => out.reject.push(
                    FieldError::new(field, "prohibited_goods", message)
                        .with("rule", &hit.code)
                        .with("sku", &sku.name)
                        .with("country", &destination),
                ),
                GoodsAction::Hold => out.holds.push(
                    FieldError::new(field, "restricted_goods", message)
                        .with("rule", &hit.code)
                        .with("sku", &sku.name)
                        .with("country", &destination),
                ),
            }
        }
    }
    out.holds.extend(address_problems(f.address, "shipping_address"));
    let currency = f.total.currency();
    let min_fee = f.service.min_shipping_fee(currency.code());
    if f.shipping_fee.minor() < min_fee {
        out.holds.push(FieldError::new(
            "service_level",
            "service_not_paid",
            format!(
                "service '{}' needs a shipping fee of at least {}, but {} was paid; ask the buyer to pay the difference or choose a cheaper service",
                f.service.code,
                currency.format(min_fee),
                f.shipping_fee.major()
            ),
        )
        .with("service", &f.service.code)
        .with("fee", format!("{} {currency}", currency.format(min_fee)))
        .with("paid", format!("{} {currency}", f.shipping_fee.major())));
    }
    out.second_review_due =
        f.service.special || f.total.minor() >= settings.second_review_threshold(currency.code());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::Trait;
    use crate::orders::default_goods_rules;

    fn address(country: &str, postcode: &str) -> Address {
        Address {
            line1: "1 Lovelace Way".into(),
            city: "London".into(),
            postcode: postcode.into(),
            country: country.into(),
            ..Address::default()
        }
    }

    fn sku(traits: Vec<Trait>) -> SkuFacts {
        SkuFacts {
            id: crate::kernel::named("s"),
            name: "x".into(),
            active: true,
            traits,
            hs_code: "850760".into(),
        }
    }

    #[test]
    fn each_rule_decides_its_own_fields() {
        let settings = TenantSettings::default();
        let express = settings.service_level("express").unwrap().clone();
        let battery = sku(vec![Trait::Un3480]);
        let plain = sku(vec![]);
        let uk = address("GB", "EC1Y 8SY");
        let gbp = |minor| Money::new(minor, crate::kernel::Currency::parse("GBP").unwrap()).unwrap();
        /// Name, address, goods, shipping fee paid, fields refused, fields held.
        type Case<'a> = (&'a str, Address, &'a SkuFacts, i64, &'a [&'a str], &'a [&'a str]);
        let cases: [Case; 3] = [
            ("clean", uk.clone(), &plain, 800, &[], &[]),
            (
                "no postcode, fee short",
                address("GB", ""),
                &plain,
                0,
                &[],
                &["shipping_address.postcode", "service_level"],
            ),
            ("a standalone battery", uk, &battery, 800, &["lines[0].sku"], &[]),
        ];
        for (name, addr, goods, fee, rejects, holds) in cases {
            let facts = ShippingFacts {
                address: &addr,
                goods: &[(0, goods)],
                service: &express,
                shipping_fee: gbp(fee),
                total: gbp(3300),
            };
            let c = check_shipping(&facts, &settings, &default_goods_rules());
            let fields = |v: &[FieldError]| v.iter().map(|e| e.field.clone()).collect::<Vec<_>>();
            assert_eq!(fields(&c.reject), rejects, "{name}");
            assert_eq!(fields(&c.holds), holds, "{name}: {:?}", c.holds);
            assert!(c.holds.iter().chain(&c.reject).all(|e| is_shipping_hold(&e.field)), "{name}");
        }
        assert!(!is_shipping_hold("lines[0].quantity"), "stock holds are approval's, not a change's");
    }
}
