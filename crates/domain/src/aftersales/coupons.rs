//! Coupons given as compensation (EXC-5): a code for the buyer's next order with the same
//! merchant, worth up to an amount in the order's currency, used once, until it expires.

use crate::kernel::Millis;

/// Every coupon code begins so (`TPC-7KQ2M9XD4R`); other discount codes are the channel's own.
pub const COUPON_PREFIX: &str = "TPC-";

/// Whether a discount code is one of ours.
pub fn is_coupon_code(code: &str) -> bool {
    code.trim().to_ascii_uppercase().starts_with(COUPON_PREFIX)
}

/// What is known of a coupon when an order uses it.
#[derive(Clone, Debug)]
pub struct CouponFacts<'a> {
    pub buyer_email: &'a str,
    pub currency: &'a str,
    pub amount_minor: i64,
    pub expires_at: Millis,
    pub redeemed: bool,
}

/// Why an order for `email` in `currency` may not take `discount_minor` off with the coupon, in
/// words the merchant can pass on; `None` when it may.
pub fn check_coupon(
    c: &CouponFacts<'_>,
    email: &str,
    currency: &str,
    discount_minor: i64,
    now: Millis,
) -> Option<String> {
    if c.redeemed {
        return Some("the coupon was used already".into());
    }
    if now.0 >= c.expires_at.0 {
        return Some("the coupon has expired".into());
    }
    if !c.buyer_email.eq_ignore_ascii_case(email.trim()) {
        return Some("the coupon was given to another buyer".into());
    }
    if !c.currency.eq_ignore_ascii_case(currency) {
        return Some(format!("the coupon is in {}, the order in {currency}", c.currency));
    }
    if discount_minor > c.amount_minor {
        return Some(format!(
            "the coupon is worth at most {} (minor units), not {discount_minor}",
            c.amount_minor
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_coupon_is_used_once_by_its_buyer_in_its_currency_up_to_its_value_before_it_expires() {
        let fresh = CouponFacts {
            buyer_email: "ada@example.com",
            currency: "GBP",
            amount_minor: 500,
            expires_at: Millis(1_000),
            redeemed: false,
        };
        let now = Millis(10);
        // The coupon, the order's e-mail, currency and discount, the time, and what refuses it.
        type Case<'a> = (CouponFacts<'a>, &'a str, &'a str, i64, Millis, Option<&'a str>);
        let cases: [Case<'_>; 7] = [
            (fresh.clone(), "ADA@example.com", "GBP", 500, now, None),
            (fresh.clone(), "ada@example.com", "GBP", 200, now, None),
            (
                CouponFacts { redeemed: true, ..fresh.clone() },
                "ada@example.com",
                "GBP",
                100,
                now,
                Some("used already"),
            ),
            (fresh.clone(), "ada@example.com", "GBP", 100, Millis(1_000), Some("expired")),
            (fresh.clone(), "bob@example.com", "GBP", 100, now, Some("another buyer")),
            (fresh.clone(), "ada@example.com", "EUR", 100, now, Some("in GBP, the order in EUR")),
            (fresh.clone(), "ada@example.com", "GBP", 501, now, Some("at most 500")),
        ];
        for (c, email, currency, discount, at, want) in cases {
            let got = check_coupon(&c, email, currency, discount, at);
            match want {
                None => assert_eq!(got, None, "{email} {currency} {discount}"),
                Some(words) => {
                    assert!(got.as_deref().is_some_and(|g| g.contains(words)), "{got:?} ≠ {words}")
                }
            }
        }
        assert!(is_coupon_code(" tpc-7kq2m9 ") && !is_coupon_code("SUMMER10"));
    }
}
