//! What in a buyer's message points to an order (CS-1): Tradeport's order numbers (`YYYYMMDD`
//! and a six-digit serial), a channel's order number after a `#` (`#1001`) or in Amazon's form
//! (`902-1845936-5435065`), and tracking numbers
//! (UPU S10 with a right check digit, UPS `1Z…`). Each is a candidate the ticket's links are
//! looked up by; nothing here decides a link.

use serde::{Deserialize, Serialize};

use crate::shipping::s10_check_digit;

/// A reference found in a message.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum Reference {
    /// Tradeport's order number.
    OrderNo(String),
    /// A shop's or marketplace's order number, as the buyer knows it.
    ChannelOrderId(String),
    TrackingNumber(String),
}

/// The words of `text`: runs of letters, digits, `#` and `-`.
fn tokens(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '#' || c == '-')).filter(|t| !t.is_empty())
}

fn order_no(t: &str) -> bool {
    let month = t.get(4..6).and_then(|m| m.parse::<u32>().ok());
    let day = t.get(6..8).and_then(|d| d.parse::<u32>().ok());
    t.len() == 14
        && t.bytes().all(|b| b.is_ascii_digit())
        && t.starts_with("20")
        && month.is_some_and(|m| (1..=12).contains(&m))
        && day.is_some_and(|d| (1..=31).contains(&d))
}

fn s10(t: &str) -> bool {
    let b = t.as_bytes();
    t.len() == 13
        && b[..2].iter().all(u8::is_ascii_uppercase)
        && b[2..11].iter().all(u8::is_ascii_digit)
        && b[11..].iter().all(u8::is_ascii_uppercase)
        && s10_check_digit(&t[2..10]).is_some_and(|c| t[10..11].parse::<u32>().ok() == Some(c))
}

/// An Amazon order id: 3, 7 and 7 digits, e.g. `902-1845936-5435065`.
fn amazon_order_id(t: &str) -> bool {
    let parts: Vec<&str> = t.split('-').collect();
    parts.len() == 3
        && [3, 7, 7].iter().zip(&parts).all(|(n, p)| p.len() == *n && p.bytes().all(|b| b.is_ascii_digit()))
}

fn ups(t: &str) -> bool {
    t.len() == 18 && t.starts_with("1Z") && t.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// The references in `text`, each once, in the order found.
pub fn references_in(text: &str) -> Vec<Reference> {
    let mut found = Vec::new();
    for token in tokens(text) {
        let upper = token.to_ascii_uppercase();
        let reference = if order_no(token) {
            Some(Reference::OrderNo(token.to_string()))
        } else if s10(&upper) || ups(&upper) {
            Some(Reference::TrackingNumber(upper))
        } else if amazon_order_id(token) {
            Some(Reference::ChannelOrderId(token.to_string()))
        } else {
            token
                .strip_prefix('#')
                .filter(|id| {
                    (3..=20).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                })
                .map(|id| Reference::ChannelOrderId(format!("#{id}")))
        };
        if let Some(r) = reference.filter(|r| !found.contains(r)) {
            found.push(r);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_numbers_channel_ids_and_tracking_numbers_are_found_and_nothing_else() {
        let text = "Hello, order 20260325000001 (#1001) has not come. Tracking RR473124829GB, \
                    also 1Z999AA10123456784. Call 07700900123 or see #ab. 您好 订单20260325000001";
        assert_eq!(
            references_in(text),
            [
                Reference::OrderNo("20260325000001".into()),
                Reference::ChannelOrderId("#1001".into()),
                Reference::TrackingNumber("RR473124829GB".into()),
                Reference::TrackingNumber("1Z999AA10123456784".into()),
            ]
        );
        // A wrong S10 check digit, a date that is not one, a phone number: none is a reference.
        assert_eq!(references_in("RR473124828GB 20261345000001 +447700900123 12-1234567-1234567"), []);
        assert_eq!(
            references_in("Inquiry from Amazon customer (Order: 902-1845936-5435065)"),
            [Reference::ChannelOrderId("902-1845936-5435065".into())],
            "an Amazon order id"
        );
        assert_eq!(
            references_in("my tracking is rr473124829gb"),
            [Reference::TrackingNumber("RR473124829GB".into())]
        );
    }
}
