//! After-sales requests and returns (AFS-2, AFS-3, AFS-5, AFS-6, EXC-6): where a request is, what
//! the warehouse decides for a unit that came back, who may grant how much, which department a
//! request goes to, and the most it may refund: what was paid for the lines the buyer still has a
//! claim on, plus the shipping when the fault is the seller's, never twice.

use std::collections::BTreeMap;

use super::{RequestReason, RequestType};
use crate::access::ApprovalLimit;
use crate::sla::Department;

/// Where a request is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RequestStatus {
    /// Filed; waits for a decision.
    Requested,
    /// Above the deciding person's limit: waits for a supervisor.
    Escalated,
    /// Approved; the goods are on their way back (RMA issued).
    AwaitingReturn,
    /// The return arrived at the warehouse and was scanned against the RMA.
    Received,
    /// Settled: refunded, credited or put right.
    Completed,
    Rejected,
}

impl RequestStatus {
    pub const ALL: [RequestStatus; 6] = [
        Self::Requested,
        Self::Escalated,
        Self::AwaitingReturn,
        Self::Received,
        Self::Completed,
        Self::Rejected,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Requested => "requested",
            Self::Escalated => "escalated",
            Self::AwaitingReturn => "awaiting_return",
            Self::Received => "received",
            Self::Completed => "completed",
            Self::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s.trim())
    }

    /// Still being worked (a completed or rejected request is not).
    pub fn is_open(self) -> bool {
        !matches!(self, Self::Completed | Self::Rejected)
    }

    /// Waiting for someone to decide.
    pub fn awaits_decision(self) -> bool {
        matches!(self, Self::Requested | Self::Escalated)
    }
}

/// Who filed the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RequestSource {
    Staff,
    /// A merchant's system or user, through the API.
    Merchant,
    /// The buyer, from the tracking page.
    Buyer,
}

impl RequestSource {
    pub const ALL: [RequestSource; 3] = [Self::Staff, Self::Merchant, Self::Buyer];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Staff => "staff",
            Self::Merchant => "merchant",
            Self::Buyer => "buyer",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s.trim())
    }
}

/// What becomes of a returned unit, by the merchant's instruction (AFS-5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Disposition {
    /// Back into a bin, through the stock ledger.
    Restock,
    /// Sent for repair; not in stock.
    Repair,
    /// Destroyed, with the reason recorded; never in stock.
    Destroy,
    /// Sent back to the merchant.
    ReturnToOrigin,
}

impl Disposition {
    pub const ALL: [Disposition; 4] = [Self::Restock, Self::Repair, Self::Destroy, Self::ReturnToOrigin];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Restock => "restock",
            Self::Repair => "repair",
            Self::Destroy => "destroy",
            Self::ReturnToOrigin => "return_to_origin",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s.trim())
    }
}

/// Whether a request of this type, so decided, waits for the goods to come back.
pub fn needs_return(request_type: RequestType, returnless: bool) -> bool {
    match request_type {
        RequestType::ReturnAndRefund => !returnless,
        RequestType::Exchange | RequestType::Repair => true,
        RequestType::RefundOnly | RequestType::PartialRefund | RequestType::Reship | RequestType::Coupon => {
            false
        }
    }
}

/// Whether a request of this type pays money back.
pub fn refunds_money(request_type: RequestType) -> bool {
    matches!(
        request_type,
        RequestType::RefundOnly | RequestType::ReturnAndRefund | RequestType::PartialRefund
    )
}

/// Whether deciding a request of this type grants an amount: money paid back, or a coupon's
/// value.
pub fn grants_amount(request_type: RequestType) -> bool {
    refunds_money(request_type) || request_type == RequestType::Coupon
}

/// The department a request goes to: from its reason, or, where the buyer's words say more, from
/// them (SYS-4).
pub fn route(reason: RequestReason, words: &str) -> Department {
    if let Some(from_words) = classify(words) {
        return department_of(from_words);
    }
    department_of(reason)
}

fn department_of(reason: RequestReason) -> Department {
    match reason {
        RequestReason::LogisticsDelayOrLost => Department::Logistics,
        RequestReason::WrongOrMissingItem => Department::Warehouse,
        RequestReason::Quality
        | RequestReason::SizeOrColourMismatch
        | RequestReason::NotAsDescribed
        | RequestReason::ChangedMind => Department::CustomerService,
    }
}

/// Words that give a reason away, in English, German, French, Spanish and Chinese.
const CLUES: [(RequestReason, &[&str]); 5] = [
    (
        RequestReason::LogisticsDelayOrLost,
        &[
            "never arrived",
            "not arrived",
            "lost",
            "where is",
            "still waiting",
            "nicht angekommen",
            "未收到",
            "丢件",
        ],
    ),
    (
        RequestReason::WrongOrMissingItem,
        &["wrong item", "missing", "not what i ordered", "falscher artikel", "fehlt", "发错", "少件", "漏发"],
    ),
    (
        RequestReason::Quality,
        &[
            "broken",
            "damaged",
            "defect",
            "faulty",
            "cracked",
            "kaputt",
            "beschädigt",
            "cassé",
            "roto",
            "破损",
            "坏了",
            "质量",
        ],
    ),
    (
        RequestReason::SizeOrColourMismatch,
        &["too small", "too big", "wrong size", "colour", "color", "尺码", "颜色"],
    ),
    (RequestReason::NotAsDescribed, &["not as described", "different from the picture", "与描述不符"]),
];

/// The reason the buyer's words point to, if any does.
pub fn classify(words: &str) -> Option<RequestReason> {
    let words = words.to_lowercase();
    CLUES.iter().find(|(_, clues)| clues.iter().any(|c| words.contains(c))).map(|(reason, _)| *reason)
}

/// What a person may do with a request asking for `amount_minor`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Approval {
    Grant,
    /// Above the person's limit: the request goes up, with the limit (`None`: no limit in this
    /// currency).
    GoUp(Option<i64>),
}

pub fn approval(limit: ApprovalLimit, amount_minor: i64) -> Approval {
    match limit {
        ApprovalLimit::Unlimited => Approval::Grant,
        ApprovalLimit::UpTo(max) if amount_minor <= max => Approval::Grant,
        ApprovalLimit::UpTo(max) => Approval::GoUp(Some(max)),
        ApprovalLimit::Nothing => Approval::GoUp(None),
    }
}

/// A line of an order as after-sales sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClaimLine {
    pub unit_price_minor: i64,
    /// What left the warehouse for the buyer.
    pub shipped: i64,
    /// Already in an earlier request that was not rejected.
    pub claimed: i64,
}

/// Why a request cannot claim what it asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClaimRefusal {
    NotOnOrder(String),
    TooMany { sku: String, asked: i64, left: i64 },
    Nothing,
}

impl std::fmt::Display for ClaimRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotOnOrder(sku) => write!(f, "{sku} is not on this order"),
            Self::TooMany { sku, asked, left } => write!(
                f,
                "{asked} of {sku} asked for, but only {left} can still be claimed (what left the warehouse, less earlier requests); goods not yet sent are cancelled instead"
            ),
            Self::Nothing => write!(f, "name at least one line and a quantity of 1 or more"),
        }
    }
}

/// The most a request may refund: what was paid for the asked units, each line capped by what
/// may still be claimed (the units that left the warehouse, less earlier claims: goods not yet
/// sent are cancelled, not claimed), plus the shipping fee when the fault is the seller's and no
/// earlier request was granted it.
pub fn refund_cap(
    lines: &BTreeMap<String, ClaimLine>,
    asked: &BTreeMap<String, i64>,
    reason: RequestReason,
    shipping_fee_minor: i64,
    shipping_granted_before: bool,
) -> Result<(i64, i64), ClaimRefusal> {
    if asked.is_empty() || asked.values().any(|q| *q < 1) {
        return Err(ClaimRefusal::Nothing);
    }
    let mut goods = 0i64;
    for (sku, qty) in asked {
        let line = lines.get(sku).ok_or_else(|| ClaimRefusal::NotOnOrder(sku.clone()))?;
        let left = (line.shipped - line.claimed).max(0);
        if *qty > left {
            return Err(ClaimRefusal::TooMany { sku: sku.clone(), asked: *qty, left });
        }
        goods = goods.saturating_add(line.unit_price_minor.saturating_mul(*qty));
    }
    let shipping = if reason.sellers_fault() && !shipping_granted_before { shipping_fee_minor } else { 0 };
    Ok((goods, shipping))
}

/// What the buyer paid for goods listed at `goods_minor`, when the order took `discount_minor`
/// off a subtotal of `subtotal_minor`: the discount shared in proportion, rounded down (the
/// buyer is never refunded more than they paid).
pub fn after_discount(goods_minor: i64, subtotal_minor: i64, discount_minor: i64) -> i64 {
    if subtotal_minor <= 0 || discount_minor <= 0 {
        return goods_minor;
    }
    let paid = i128::from((subtotal_minor - discount_minor).max(0));
    i64::try_from(i128::from(goods_minor) * paid / i128::from(subtotal_minor)).unwrap_or(goods_minor)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines() -> BTreeMap<String, ClaimLine> {
        [
            ("MUG".to_string(), ClaimLine { unit_price_minor: 3_000, shipped: 2, claimed: 0 }),
            ("PEN".to_string(), ClaimLine { unit_price_minor: 4_000, shipped: 0, claimed: 0 }),
        ]
        .into()
    }

    fn ask(items: &[(&str, i64)]) -> BTreeMap<String, i64> {
        items.iter().map(|(s, q)| (s.to_string(), *q)).collect()
    }

    #[test]
    fn a_return_claims_at_most_what_was_shipped_and_paid_plus_shipping_once_on_the_sellers_fault() {
        let quality = RequestReason::Quality;
        assert_eq!(refund_cap(&lines(), &ask(&[("MUG", 1)]), quality, 1_000, false), Ok((3_000, 1_000)));
        assert_eq!(
            refund_cap(&lines(), &ask(&[("MUG", 1)]), quality, 1_000, true),
            Ok((3_000, 0)),
            "shipping is granted once"
        );
        assert_eq!(
            refund_cap(&lines(), &ask(&[("MUG", 2)]), RequestReason::ChangedMind, 1_000, false),
            Ok((6_000, 0)),
            "a change of mind gets no shipping back"
        );
        assert_eq!(
            refund_cap(&lines(), &ask(&[("PEN", 1)]), quality, 1_000, false),
            Err(ClaimRefusal::TooMany { sku: "PEN".into(), asked: 1, left: 0 }),
            "a unit never shipped is cancelled, not claimed"
        );
        let mut claimed = lines();
        claimed.get_mut("MUG").unwrap().claimed = 1;
        assert_eq!(
            refund_cap(&claimed, &ask(&[("MUG", 2)]), quality, 0, false),
            Err(ClaimRefusal::TooMany { sku: "MUG".into(), asked: 2, left: 1 })
        );
        assert_eq!(
            refund_cap(&lines(), &ask(&[("CUP", 1)]), quality, 0, false),
            Err(ClaimRefusal::NotOnOrder("CUP".into()))
        );
        assert_eq!(refund_cap(&lines(), &ask(&[]), quality, 0, false), Err(ClaimRefusal::Nothing));
        assert_eq!(refund_cap(&lines(), &ask(&[("MUG", 0)]), quality, 0, false), Err(ClaimRefusal::Nothing));
    }

    #[test]
    fn an_order_discount_is_shared_by_the_lines_returned() {
        let table = [
            (3_000, 10_000, 0, 3_000),
            (3_000, 10_000, 1_000, 2_700),
            (3_333, 10_000, 1_000, 2_999),
            (3_000, 10_000, 10_000, 0),
            (3_000, 0, 500, 3_000),
        ];
        for (goods, subtotal, discount, paid) in table {
            assert_eq!(
                after_discount(goods, subtotal, discount),
                paid,
                "{goods} of {subtotal} less {discount}"
            );
        }
    }

    #[test]
    fn each_role_grants_up_to_its_limit_and_above_it_the_request_goes_up() {
        assert_eq!(approval(ApprovalLimit::Unlimited, i64::MAX), Approval::Grant);
        assert_eq!(approval(ApprovalLimit::UpTo(5_000), 5_000), Approval::Grant);
        assert_eq!(approval(ApprovalLimit::UpTo(5_000), 5_001), Approval::GoUp(Some(5_000)));
        assert_eq!(approval(ApprovalLimit::Nothing, 1), Approval::GoUp(None));
    }

    #[test]
    fn requests_go_to_the_department_their_reason_or_words_point_to() {
        let table = [
            (RequestReason::LogisticsDelayOrLost, "", Department::Logistics),
            (RequestReason::WrongOrMissingItem, "", Department::Warehouse),
            (RequestReason::ChangedMind, "", Department::CustomerService),
            (
                RequestReason::ChangedMind,
                "It arrived broken, the handle is cracked",
                Department::CustomerService,
            ),
            (RequestReason::Quality, "Das Paket ist nicht angekommen", Department::Logistics),
            (RequestReason::Quality, "发错货了", Department::Warehouse),
        ];
        for (reason, words, department) in table {
            assert_eq!(route(reason, words), department, "{reason:?} / {words}");
        }
        assert_eq!(classify("the mug is damaged"), Some(RequestReason::Quality));
        assert_eq!(classify("I would like a refund"), None);
    }

    #[test]
    fn what_comes_back_and_what_pays_follow_the_type() {
        assert!(needs_return(RequestType::ReturnAndRefund, false));
        assert!(!needs_return(RequestType::ReturnAndRefund, true), "returnless below the threshold");
        assert!(needs_return(RequestType::Exchange, true));
        assert!(!needs_return(RequestType::RefundOnly, false));
        assert!(refunds_money(RequestType::PartialRefund) && !refunds_money(RequestType::Exchange));
        assert!(grants_amount(RequestType::Coupon) && !refunds_money(RequestType::Coupon));
        assert!(!needs_return(RequestType::Coupon, false) && !grants_amount(RequestType::Reship));
        for s in RequestStatus::ALL {
            assert_eq!(RequestStatus::parse(s.as_str()), Some(s));
        }
        for d in Disposition::ALL {
            assert_eq!(Disposition::parse(d.as_str()), Some(d));
        }
        for s in RequestSource::ALL {
            assert_eq!(RequestSource::parse(s.as_str()), Some(s));
        }
        assert!(RequestStatus::Escalated.awaits_decision() && !RequestStatus::Received.awaits_decision());
        assert!(!RequestStatus::Rejected.is_open());
    }
}
