//! An order as a channel or a person sends it, before validation.

use serde::Deserialize;

use crate::inventory::Trait;
use crate::kernel::{Address, SkuId};

/// Channels an order may come from (ORD-1).
pub const CHANNELS: [&str; 13] = [
    "web",
    "app",
    "mini_program",
    "shopify",
    "woocommerce",
    "amazon",
    "ebay",
    "independent_site",
    "csv",
    "phone",
    "email",
    "walk_in",
    // Goods sent again for an after-sales request (a reship, an exchange, a repaired unit).
    "aftersales",
];

/// The buyer as sent.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BuyerInput {
    pub name: String,
    pub phone: String,
    pub email: String,
    /// BCP 47 language tag for messages to the buyer, e.g. `en`, `de`, `zh-CN`.
    pub language: String,
}

/// One order line as sent.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LineInput {
    pub sku: String,
    pub quantity: i64,
    /// Price of one unit, minor units.
    pub unit_price_minor: i64,
    /// Variant as the channel describes it, e.g. "blue / XL".
    pub variant: String,
}

/// An order-level discount or coupon.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DiscountInput {
    pub code: String,
    pub amount_minor: i64,
}

/// An order as a channel or a person sends it.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OrderInput {
    /// The merchant the order belongs to (staff only; merchants' orders are their own).
    pub merchant_id: Option<String>,
    pub channel: String,
    pub channel_order_id: String,
    pub buyer: BuyerInput,
    pub shipping_address: Address,
    pub lines: Vec<LineInput>,
    pub discounts: Vec<DiscountInput>,
    pub shipping_fee_minor: i64,
    /// Tax the channel charged on top of the prices (sales tax, VAT collected at checkout, IOSS
    /// VAT); zero when prices include it.
    pub tax_minor: i64,
    pub currency: String,
    /// The total the channel charged: lines − discounts + shipping + tax.
    pub total_minor: i64,
    pub paid_minor: i64,
    pub payment_method: String,
    /// `paid`, `unpaid`, `partially_paid`, `authorized` or `refunded`.
    pub payment_status: String,
    pub service_level: String,
    /// The carrier service the buyer chose at checkout, as a code of the operator's catalogue
    /// (e.g. `RM-T48`). Honoured at labelling when it can carry the parcel; when it cannot, the
    /// parcel waits for a person instead of going by another service.
    pub carrier_service: String,
    /// The payment provider's reference of the payment (a Stripe PaymentIntent, `pi_…`): refunds
    /// to the original payment go through it.
    pub payment_reference: String,
    pub urgent: bool,
    pub remarks: String,
    /// The billing country (ISO 3166-1 alpha-2) when the channel says: risk screening compares it
    /// with the shipping country (ORD-10).
    pub billing_country: String,
}

/// What the store knows of a SKU of the order's merchant.
#[derive(Clone, Debug)]
pub struct SkuFacts {
    pub id: SkuId,
    pub name: String,
    pub active: bool,
    pub traits: Vec<Trait>,
    pub hs_code: String,
}
