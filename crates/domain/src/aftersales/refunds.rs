//! Refunds (AFS-4): what may be refunded on an order. The sum of its refunds that are paid or
//! under way can never exceed what was paid for it, in its currency, to the minor unit; a failed
//! refund gives its amount back.

use std::fmt;

use crate::kernel::{Currency, Money};

/// How the money goes back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RefundMethod {
    /// Through the payment provider, to the card or account that paid.
    Original,
    /// To the buyer's store credit with the merchant.
    StoreCredit,
    /// Paid back outside the system (a bank transfer), recorded with its reference.
    Manual,
}

impl RefundMethod {
    pub const ALL: [RefundMethod; 3] = [Self::Original, Self::StoreCredit, Self::Manual];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Original => "original",
            Self::StoreCredit => "store_credit",
            Self::Manual => "manual",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s.trim())
    }
}

/// Where a refund is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RefundStatus {
    /// Asked of the provider; the amount is taken from what may still be refunded.
    Pending,
    Succeeded,
    /// The provider refused it; the amount may be refunded again.
    Failed,
}

impl RefundStatus {
    pub const ALL: [RefundStatus; 3] = [Self::Pending, Self::Succeeded, Self::Failed];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s.trim())
    }

    /// Whether its amount counts against what may be refunded.
    pub fn counts(self) -> bool {
        self != Self::Failed
    }
}

/// Why a refund is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RefundRefusal {
    NotPositive,
    OtherCurrency { order: Currency, asked: Currency },
    NothingPaid,
    AboveRemaining { remaining: Money, asked: Money },
}

impl fmt::Display for RefundRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotPositive => write!(f, "a refund is an amount above zero"),
            Self::OtherCurrency { order, asked } => {
                write!(
                    f,
                    "the order was paid in {}; a refund in {} cannot be set against it",
                    order.code(),
                    asked.code()
                )
            }
            Self::NothingPaid => write!(f, "nothing was paid for this order, so nothing can be refunded"),
            Self::AboveRemaining { remaining, asked } => write!(
                f,
                "{} {} asked, but only {} {} of what was paid is left to refund",
                asked.currency().format(asked.minor()),
                asked.currency().code(),
                remaining.currency().format(remaining.minor()),
                remaining.currency().code()
            ),
        }
    }
}

/// Whether `asked` may be refunded on an order that was `paid`, with `committed` (the sum of its
/// refunds paid or under way, in the order's minor units) refunded already.
pub fn check_refund(paid: Money, committed: i64, asked: Money) -> Result<(), RefundRefusal> {
    if asked.currency() != paid.currency() {
        return Err(RefundRefusal::OtherCurrency { order: paid.currency(), asked: asked.currency() });
    }
    if asked.minor() <= 0 {
        return Err(RefundRefusal::NotPositive);
    }
    if paid.minor() <= 0 {
        return Err(RefundRefusal::NothingPaid);
    }
    let remaining = paid.minor().saturating_sub(committed).max(0);
    if asked.minor() > remaining {
        let remaining = Money::new(remaining, paid.currency()).unwrap_or(Money::zero(paid.currency()));
        return Err(RefundRefusal::AboveRemaining { remaining, asked });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(minor: i64, code: &str) -> Money {
        Money::new(minor, Currency::parse(code).unwrap()).unwrap()
    }

    #[test]
    fn refunds_stop_at_what_was_paid_to_the_minor_unit() {
        let paid = money(10_000, "EUR");
        let table: [(i64, Money, Option<&str>); 7] = [
            (0, money(10_000, "EUR"), None),
            (2_500, money(7_500, "EUR"), None),
            (
                2_500,
                money(7_501, "EUR"),
                Some("75.01 EUR asked, but only 75.00 EUR of what was paid is left to refund"),
            ),
            (
                10_000,
                money(1, "EUR"),
                Some("0.01 EUR asked, but only 0.00 EUR of what was paid is left to refund"),
            ),
            (0, money(0, "EUR"), Some("a refund is an amount above zero")),
            (
                0,
                money(100, "USD"),
                Some("the order was paid in EUR; a refund in USD cannot be set against it"),
            ),
            (
                0,
                money(10_001, "EUR"),
                Some("100.01 EUR asked, but only 100.00 EUR of what was paid is left to refund"),
            ),
        ];
        for (committed, asked, refused) in table {
            let got = check_refund(paid, committed, asked).err().map(|e| e.to_string());
            assert_eq!(got.as_deref(), refused, "{committed} refunded, {asked:?} asked");
        }
        // More refunded than paid (never written, but never a negative remainder either).
        assert!(check_refund(paid, 12_000, money(1, "EUR")).is_err());
        assert_eq!(check_refund(money(0, "EUR"), 0, money(1, "EUR")), Err(RefundRefusal::NothingPaid));
    }

    #[test]
    fn names_read_back_and_failed_refunds_give_their_amount_back() {
        for m in RefundMethod::ALL {
            assert_eq!(RefundMethod::parse(m.as_str()), Some(m));
        }
        for s in RefundStatus::ALL {
            assert_eq!(RefundStatus::parse(s.as_str()), Some(s));
        }
        assert!(RefundStatus::Pending.counts() && !RefundStatus::Failed.counts());
    }
}
