//! The messages a buyer can receive: one per change the buyer should hear of, each with the
//! outbox topic that carries it and the values its wording may use.

/// One message to buyers, in every buyer language (English, 简体中文, Español, Deutsch,
/// Français, 日本語), by e-mail and by text message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BuyerMessage {
    OrderConfirmed,
    OrderOnHold,
    OrderCancelled,
    OrderRejected,
    /// A short pick (INV-4): swap, cancel or wait?
    ItemShort,
    Shipped,
    CustomsCleared,
    OutForDelivery,
    Delivered,
    Delayed,
    Refunded,
    /// The operator cannot fulfil the order (EXC-2): the alternatives, or a refund.
    CannotServe,
    /// A coupon given as compensation (EXC-5).
    CouponIssued,
    /// After an order's completion: how satisfied was the buyer, 1 to 5 (CS-6).
    SatisfactionSurvey,
}

impl BuyerMessage {
    pub const ALL: [BuyerMessage; 14] = [
        Self::OrderConfirmed,
        Self::OrderOnHold,
        Self::OrderCancelled,
        Self::OrderRejected,
        Self::ItemShort,
        Self::Shipped,
        Self::CustomsCleared,
        Self::OutForDelivery,
        Self::Delivered,
        Self::Delayed,
        Self::Refunded,
        Self::CannotServe,
        Self::CouponIssued,
        Self::SatisfactionSurvey,
    ];

    /// The message's name in the API and in the catalogues (`order-confirmed-subject`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OrderConfirmed => "order-confirmed",
            Self::OrderOnHold => "order-on-hold",
            Self::OrderCancelled => "order-cancelled",
            Self::OrderRejected => "order-rejected",
            Self::ItemShort => "item-short",
            Self::Shipped => "shipped",
            Self::CustomsCleared => "customs-cleared",
            Self::OutForDelivery => "out-for-delivery",
            Self::Delivered => "delivered",
            Self::Delayed => "delayed",
            Self::Refunded => "refunded",
            Self::CannotServe => "cannot-serve",
            Self::CouponIssued => "coupon-issued",
            Self::SatisfactionSurvey => "satisfaction-survey",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }

    /// The outbox topic whose messages the buyer is sent this for (webhooks use the same names).
    pub fn topic(self) -> &'static str {
        match self {
            Self::OrderConfirmed => "order.confirmed",
            Self::OrderOnHold => "order.on_hold",
            Self::OrderCancelled => "order.cancelled",
            Self::OrderRejected => "order.rejected",
            Self::ItemShort => "order.item_short",
            Self::Shipped => "shipment.shipped",
            Self::CustomsCleared => "shipment.customs_cleared",
            Self::OutForDelivery => "shipment.out_for_delivery",
            Self::Delivered => "shipment.delivered",
            Self::Delayed => "shipment.delayed",
            Self::Refunded => "order.refunded",
            Self::CannotServe => "order.cannot_serve",
            Self::CouponIssued => "order.coupon_issued",
            Self::SatisfactionSurvey => "order.survey",
        }
    }

    pub fn from_topic(topic: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.topic() == topic)
    }

    /// Whether something in the product sends it today. The other shipping messages are
    /// written, editable and previewable, and are sent once that context records their events.
    pub fn is_sent(self) -> bool {
        matches!(
            self,
            Self::OrderConfirmed
                | Self::OrderOnHold
                | Self::OrderCancelled
                | Self::OrderRejected
                | Self::ItemShort
                | Self::Shipped
                | Self::Delayed
                | Self::Refunded
                | Self::CannotServe
                | Self::CouponIssued
                | Self::SatisfactionSurvey
        )
    }

    /// The values the message's wording may use (`{ $order_no }`). `count` is a number (for
    /// plural forms); the rest are text, money and dates already written the buyer's way.
    pub fn variables(self) -> &'static [&'static str] {
        match self {
            Self::OrderConfirmed => &["order_no", "buyer_name", "count", "total", "dispatch_by"],
            Self::OrderOnHold => &["order_no", "buyer_name", "actions"],
            Self::OrderCancelled | Self::OrderRejected => &["order_no", "buyer_name", "total"],
            Self::ItemShort => &["order_no", "buyer_name", "item", "count"],
            Self::Shipped => &["order_no", "buyer_name", "carrier", "tracking_no", "tracking_url"],
            Self::CustomsCleared | Self::OutForDelivery => {
                &["order_no", "buyer_name", "tracking_no", "tracking_url"]
            }
            Self::Delivered => &["order_no", "buyer_name", "delivered_on"],
            Self::Delayed => &["order_no", "buyer_name", "new_estimate", "tracking_url"],
            Self::Refunded => &["order_no", "buyer_name", "amount"],
            Self::CannotServe => &["order_no", "buyer_name", "reason", "alternatives", "tracking_url"],
            Self::CouponIssued => &["order_no", "buyer_name", "code", "amount", "expires_on"],
            Self::SatisfactionSurvey => &["order_no", "buyer_name", "links", "survey_url"],
        }
    }
}

/// What a held order asks of the buyer, by hold code (ORD-10): the key of the sentence that
/// says it (`hold-action-<key>`), or `None` for holds staff resolve without the buyer (a second
/// review). A code not known here is told as a general check.
pub fn buyer_action(code: &str) -> Option<&'static str> {
    Some(match code {
        "phone_missing" | "phone_invalid" => "phone",
        "email_invalid" => "email",
        "not_paid" | "payment_currency_mismatch" => "payment",
        "payment_overpaid" | "payment_disputed" | "risk_review" => return None,
        "service_not_paid" => "service",
        "restricted_goods" | "prohibited_goods" => "goods",
        "line1_required" => "street",
        "city_required" => "city",
        "state_required" | "state_unknown" => "region",
        "postcode_required" | "postcode_invalid" | "postcode_state_mismatch" => "postcode",
        "out_of_stock" => "stock",
        "second_review_due" | "unknown_service_level" => return None,
        _ => "check",
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::orders::HOLD_CODES;

    #[test]
    fn names_and_topics_read_back() {
        for m in BuyerMessage::ALL {
            assert_eq!(BuyerMessage::parse(m.as_str()), Some(m));
            assert_eq!(BuyerMessage::from_topic(m.topic()), Some(m));
            assert!(m.variables().starts_with(&["order_no", "buyer_name"]), "{m:?}");
        }
        assert_eq!(BuyerMessage::parse("order.confirmed"), None, "the topic is not the name");
        assert_eq!(BuyerMessage::from_topic("sla.overdue"), None, "staff messages are not buyers'");
    }

    #[test]
    fn every_hold_code_tells_the_buyer_what_to_do_or_stays_with_staff() {
        let table = [
            ("phone_missing", Some("phone")),
            ("phone_invalid", Some("phone")),
            ("email_invalid", Some("email")),
            ("not_paid", Some("payment")),
            ("payment_currency_mismatch", Some("payment")),
            ("payment_overpaid", None),
            ("payment_disputed", None),
            ("risk_review", None),
            ("service_not_paid", Some("service")),
            ("restricted_goods", Some("goods")),
            ("line1_required", Some("street")),
            ("city_required", Some("city")),
            ("state_required", Some("region")),
            ("state_unknown", Some("region")),
            ("postcode_required", Some("postcode")),
            ("postcode_invalid", Some("postcode")),
            ("postcode_state_mismatch", Some("postcode")),
            ("out_of_stock", Some("stock")),
            ("held_by_staff", Some("check")),
            ("second_review_due", None),
            ("prohibited_goods", Some("goods")),
            ("unknown_service_level", None),
        ];
        assert_eq!(table.len(), HOLD_CODES.len());
        for (code, action) in table {
            assert!(HOLD_CODES.contains(&code), "{code}");
            assert_eq!(buyer_action(code), action, "{code}");
        }
        assert_eq!(buyer_action("a_code_from_tomorrow"), Some("check"));
    }
}
