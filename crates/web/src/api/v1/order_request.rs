//! The body of `POST /api/v1/orders` as the API document teaches it (#7 item 6): every field
//! described, the lists of codes as enums, examples, and the limits a schema can say. The
//! domain's validation stays the judge (it names the field and the fix); this type is the
//! contract's description and is turned into the domain's `OrderInput` unchanged.

use serde::{Deserialize, Serialize};
use tradeport_app::code_lists::{ChannelCode, PaymentStatusCode};
use tradeport_domain::kernel::{Address, MAX_AMOUNT_MINOR};
use tradeport_domain::orders::{BuyerInput, DiscountInput, LineInput, OrderInput};
use utoipa::ToSchema;

/// The buyer, whom the carrier calls and the confirmation is sent to.
#[derive(Serialize, Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
pub struct OrderBuyer {
    /// The buyer's name.
    #[schema(required = true, min_length = 1, example = "Ada Lovelace")]
    pub name: String,
    /// A number the carrier can call, in any usual notation; checked against the destination
    /// country (an invalid or missing one holds the order).
    #[schema(example = "020 7946 0958")]
    pub phone: String,
    /// Where the confirmation goes; an invalid one holds the order.
    #[schema(example = "ada@example.com")]
    pub email: String,
    /// BCP 47 tag of the language the buyer is written to in.
    #[schema(example = "en")]
    pub language: String,
}

/// Where the parcel goes.
#[derive(Serialize, Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
pub struct AddressRequest {
    #[schema(example = "Ada Lovelace")]
    pub name: String,
    pub company: String,
    /// The street and house number (required where the country's post needs it).
    #[schema(example = "1 Lovelace Way")]
    pub line1: String,
    pub line2: String,
    #[schema(example = "London")]
    pub city: String,
    /// The state, province or region, by name or ISO 3166-2 code, where the country has them.
    pub state: String,
    /// Checked against the country's format (a wrong one holds the order).
    #[schema(example = "EC1Y 8SY")]
    pub postcode: String,
    /// ISO 3166-1 alpha-2.
    #[schema(required = true, pattern = "^[A-Za-z]{2}$", example = "GB")]
    pub country: String,
}

/// One line: a SKU of the merchant's catalogue, how many and at what price.
#[derive(Serialize, Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
pub struct LineRequest {
    /// A SKU code of the merchant's catalogue.
    #[schema(required = true, min_length = 1, example = "LAMP")]
    pub sku: String,
    #[schema(required = true, minimum = 1, maximum = 1_000_000, example = 2)]
    pub quantity: i64,
    /// The price of one unit in minor units of the order's currency (1999 = 19.99 GBP).
    #[schema(required = true, minimum = 0, maximum = 10_000_000_000_000_i64, example = 2500)]
    pub unit_price_minor: i64,
    /// The variant as the channel describes it.
    #[schema(example = "blue / XL")]
    pub variant: String,
}

/// A discount or coupon off the order.
#[derive(Serialize, Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
pub struct DiscountRequest {
    #[schema(example = "WELCOME10")]
    pub code: String,
    /// The amount taken off, in minor units.
    #[schema(minimum = 0, maximum = 10_000_000_000_000_i64, example = 500)]
    pub amount_minor: i64,
}

/// An order as a channel or a person sends it. Amounts are integers in minor units of
/// `currency` and must reconcile exactly: total = lines − discounts + shipping + tax.
#[derive(Serialize, Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
#[schema(example = json!({
    "channel": "shopify", "channel_order_id": "#1001",
    "buyer": {"name": "Ada Lovelace", "phone": "020 7946 0958", "email": "ada@example.com", "language": "en"},
    "shipping_address": {"name": "Ada Lovelace", "line1": "1 Lovelace Way", "city": "London", "postcode": "EC1Y 8SY", "country": "GB"},
    "lines": [{"sku": "LAMP", "quantity": 2, "unit_price_minor": 2500}],
    "shipping_fee_minor": 800, "currency": "GBP", "total_minor": 5800, "paid_minor": 5800,
    "payment_method": "card", "payment_status": "paid", "service_level": "standard"
}))]
pub struct OrderRequest {
    /// The merchant the order belongs to: staff name it; a merchant's own key leaves it out.
    #[schema(pattern = "^[0-9a-fA-F-]{36}$")]
    pub merchant_id: Option<String>,
    #[schema(required = true, value_type = ChannelCode)]
    pub channel: String,
    /// The order's id in its channel; with the merchant and the channel it makes a retry
    /// return the stored order instead of a second one.
    #[schema(required = true, min_length = 1, max_length = 100, example = "#1001")]
    pub channel_order_id: String,
    #[schema(required = true)]
    pub buyer: OrderBuyer,
    #[schema(required = true)]
    pub shipping_address: AddressRequest,
    #[schema(required = true, min_items = 1, max_items = 500)]
    pub lines: Vec<LineRequest>,
    pub discounts: Vec<DiscountRequest>,
    #[schema(minimum = 0, maximum = 10_000_000_000_000_i64, example = 800)]
    pub shipping_fee_minor: i64,
    /// Tax charged on top of the prices (sales tax, VAT collected at checkout); 0 when prices
    /// include it.
    #[schema(minimum = 0, maximum = 10_000_000_000_000_i64)]
    pub tax_minor: i64,
    /// ISO 4217.
    #[schema(required = true, pattern = "^[A-Za-z]{3}$", example = "GBP")]
    pub currency: String,
    /// What the channel charged: lines − discounts + shipping + tax, exactly.
    #[schema(required = true, minimum = 0, maximum = 10_000_000_000_000_i64, example = 5800)]
    pub total_minor: i64,
    /// What the buyer paid; less than the total holds the order.
    #[schema(minimum = 0, maximum = 10_000_000_000_000_i64, example = 5800)]
    pub paid_minor: i64,
    #[schema(required = true, min_length = 1, example = "card")]
    pub payment_method: String,
    #[schema(required = true, value_type = PaymentStatusCode)]
    pub payment_status: String,
    /// A service level of the operator's settings.
    #[schema(required = true, min_length = 1, example = "standard")]
    pub service_level: String,
    /// A carrier service code the buyer chose at checkout, honoured at labelling.
    #[schema(pattern = "^[A-Za-z0-9_-]{0,40}$", example = "RM-T48")]
    pub carrier_service: String,
    /// The payment provider's id of the payment (a Stripe PaymentIntent), for refunds.
    #[schema(pattern = "^\\S{0,255}$", example = "pi_3MtwBwLkdIwHu7ix28a3tqPa")]
    pub payment_reference: String,
    /// Ships first, on the shorter time limit.
    pub urgent: bool,
    /// The buyer's remarks; any flags the order for a person.
    pub remarks: String,
    /// The billing country (ISO 3166-1 alpha-2) when the channel says, for risk screening.
    #[schema(pattern = "^([A-Za-z]{2})?$", example = "GB")]
    pub billing_country: String,
}

impl From<OrderRequest> for OrderInput {
    fn from(r: OrderRequest) -> Self {
        let a = r.shipping_address;
        Self {
            merchant_id: r.merchant_id,
            channel: r.channel,
            channel_order_id: r.channel_order_id,
            buyer: BuyerInput {
                name: r.buyer.name,
                phone: r.buyer.phone,
                email: r.buyer.email,
                language: r.buyer.language,
            },
            shipping_address: Address {
                name: a.name,
                company: a.company,
                line1: a.line1,
                line2: a.line2,
                city: a.city,
                state: a.state,
                postcode: a.postcode,
                country: a.country,
            },
            lines: r
                .lines
                .into_iter()
                .map(|l| LineInput {
                    sku: l.sku,
                    quantity: l.quantity,
                    unit_price_minor: l.unit_price_minor,
                    variant: l.variant,
                })
                .collect(),
            discounts: r
                .discounts
                .into_iter()
                .map(|d| DiscountInput { code: d.code, amount_minor: d.amount_minor })
                .collect(),
            shipping_fee_minor: r.shipping_fee_minor,
            tax_minor: r.tax_minor,
            currency: r.currency,
            total_minor: r.total_minor,
            paid_minor: r.paid_minor,
            payment_method: r.payment_method,
            payment_status: r.payment_status,
            service_level: r.service_level,
            carrier_service: r.carrier_service,
            payment_reference: r.payment_reference,
            urgent: r.urgent,
            remarks: r.remarks,
            billing_country: r.billing_country,
        }
    }
}

/// The schema's limits are the domain's own.
const _: () = assert!(MAX_AMOUNT_MINOR == 10_000_000_000_000);
