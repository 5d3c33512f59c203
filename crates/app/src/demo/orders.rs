//! The demo's catalogue, warehouses, stock and several hundred orders across channels,
//! destinations and states, all made through the real use cases (so they are validated,
//! reserved and numbered like real ones).

use tradeport_domain::access::Principal;
use tradeport_domain::inventory::SkuInput;
use tradeport_domain::kernel::{Address, TenantId};
use tradeport_domain::orders::{BuyerInput, DiscountInput, LineInput, OrderInput};

use crate::inventory::{self, CreateWarehouse, StockAdjustment};
use crate::orders::{self, ReviewAction};
use crate::{App, AppResult};

/// Orders the demo creates.
pub const DEMO_ORDERS: usize = 320;

pub(super) struct Destination {
    pub(super) country: &'static str,
    pub(super) city: &'static str,
    pub(super) state: &'static str,
    pub(super) postcode: &'static str,
    pub(super) street: &'static str,
    pub(super) phone: &'static str,
    pub(super) currency: &'static str,
    pub(super) language: &'static str,
}

impl Destination {
    /// A price as the shops of this destination show it: whole yen, or ending in .99.
    pub(super) fn shelf_price(&self, minor: i64) -> i64 {
        if self.currency == "JPY" { minor } else { minor / 100 * 100 + 99 }
    }

    /// The shops' flat shipping fee in this destination's currency.
    pub(super) fn shipping_fee(&self) -> i64 {
        if self.currency == "JPY" { 800 } else { 799 }
    }
}

/// The demo shops' welcome coupon of `amount` (none when zero).
pub(super) fn welcome_discount(amount: i64) -> Vec<DiscountInput> {
    if amount > 0 {
        vec![DiscountInput { code: "WELCOME10".into(), amount_minor: amount }]
    } else {
        Vec::new()
    }
}

/// How buyers of a channel pay: by bank transfer on the phone, by card elsewhere.
pub(super) fn payment_method(channel: &str) -> &'static str {
    if channel == "phone" { "bank_transfer" } else { "card" }
}

pub(super) const DESTINATIONS: [Destination; 8] = [
    Destination {
        country: "GB",
        city: "London",
        state: "",
        postcode: "EC1Y 8SY",
        street: "12 Bunhill Row",
        phone: "+44 20 7946 0958",
        currency: "GBP",
        language: "en",
    },
    Destination {
        country: "US",
        city: "Cupertino",
        state: "CA",
        postcode: "95014",
        street: "10 Infinite Loop",
        phone: "+1 415 555 2671",
        currency: "USD",
        language: "en",
    },
    Destination {
        country: "DE",
        city: "Berlin",
        state: "",
        postcode: "10115",
        street: "Invalidenstraße 43",
        phone: "+49 30 901820",
        currency: "EUR",
        language: "de",
    },
    Destination {
        country: "FR",
        city: "Paris",
        state: "",
        postcode: "75001",
        street: "5 Rue de Rivoli",
        phone: "+33 1 42 68 53 00",
        currency: "EUR",
        language: "fr",
    },
    Destination {
        country: "AU",
        city: "Sydney",
        state: "NSW",
        postcode: "2000",
        street: "1 George Street",
        phone: "+61 2 9374 4000",
        currency: "AUD",
        language: "en",
    },
    Destination {
        country: "JP",
        city: "Chiyoda-ku",
        state: "Tokyo",
        postcode: "100-0001",
        street: "1-1 Chiyoda",
        phone: "+81 3-3201-3331",
        currency: "JPY",
        language: "ja",
    },
    Destination {
        country: "CA",
        city: "Toronto",
        state: "ON",
        postcode: "M5V 2T6",
        street: "290 Bremner Blvd",
        phone: "+1 416 979 3000",
        currency: "CAD",
        language: "en",
    },
    Destination {
        country: "CN",
        city: "Shanghai",
        state: "Shanghai",
        postcode: "200001",
        street: "100 Nanjing East Road",
        phone: "+86 138 0013 8000",
        currency: "CNY",
        language: "zh-CN",
    },
];

pub(super) const BUYERS: [&str; 12] = [
    "Emma Clarke",
    "Liam Johnson",
    "Sophie Müller",
    "Lucas Martin",
    "Olivia Brown",
    "Haruto Sato",
    "Noah Tremblay",
    "Wang Fang",
    "Mia Schmidt",
    "Jack Wilson",
    "Chloé Dubois",
    "Yuki Tanaka",
];
/// SKUs a default rule holds for a person.
const RESTRICTED: [&str; 2] = ["NW-KNIFE-7", "NW-LAMP-HD"];
pub(super) const CHANNELS: [&str; 7] = ["shopify", "woocommerce", "amazon", "ebay", "web", "phone", "email"];

/// (code, name, price in minor units of 2-decimal currencies, traits, HS code, category)
type SkuSeed = (&'static str, &'static str, i64, &'static [&'static str], &'static str, &'static str);

const LUMEN_SKUS: [SkuSeed; 5] = [
    ("LMP-DESK-01", "Desk lamp, brass", 4500, &["fragile"], "940520", "home"),
    ("LMP-FLOOR-02", "Floor lamp, linen shade", 12900, &["fragile", "bulky"], "940520", "home"),
    ("VAS-GLASS-03", "Glass vase, smoked", 2900, &["fragile"], "701349", "home"),
    ("CND-SOY-04", "Soy candle, cedar", 1800, &[], "340600", "home"),
    ("RUG-WOOL-05", "Wool rug 120x180", 21000, &["bulky"], "570110", "home"),
];
const NORTHWIND_SKUS: [SkuSeed; 5] = [
    ("NW-TENT-2P", "Two-person tent", 18900, &["bulky"], "630622", "outdoor"),
    ("NW-LAMP-HD", "Head torch with battery", 3900, &["un3481"], "851310", "outdoor"),
    ("NW-KNIFE-7", "Folding knife", 2600, &["blade"], "821193", "outdoor"),
    ("NW-BOTTLE", "Steel water bottle", 2200, &[], "732393", "outdoor"),
    ("NW-PWR-20K", "Power bank 20000 mAh", 4900, &["un3480"], "850760", "electronics"),
];

fn lcg(seed: &mut u64) -> usize {
    *seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    (*seed >> 33) as usize
}

/// Warehouses, SKUs and opening stock; returns the merchants' SKU codes.
async fn catalogue(
    app: &App,
    admin: &Principal,
    merchants: &[TenantId; 2],
) -> AppResult<Vec<Vec<(&'static str, i64)>>> {
    let houses = [
        ("CN-SZX", "Shenzhen origin warehouse", "CN", "Asia/Shanghai", "origin"),
        ("UK-MAN", "Manchester overseas warehouse", "GB", "Europe/London", "overseas"),
        ("US-LAX", "Los Angeles overseas warehouse", "US", "America/Los_Angeles", "overseas"),
        ("DE-FRA", "Frankfurt overseas warehouse", "DE", "Europe/Berlin", "overseas"),
    ];
    let mut ids = Vec::new();
    for (code, name, country, tz, kind) in houses {
        let w = CreateWarehouse {
            code: code.into(),
            name: name.into(),
            country: country.into(),
            address: String::new(),
            timezone: tz.into(),
            kind: kind.into(),
        };
        ids.push(inventory::create_warehouse(app, admin, &w).await?.id);
    }
    let mut codes = Vec::new();
    for (n, (merchant, skus)) in merchants.iter().zip([LUMEN_SKUS, NORTHWIND_SKUS]).enumerate() {
        let mut mine = Vec::new();
        for (i, (code, name, price, traits, hs, category)) in skus.iter().enumerate() {
            let input = SkuInput {
                sku: (*code).into(),
                name: (*name).into(),
                barcode: format!("69{:011}", 1000 * n + i),
                weight_g: 400 + 300 * i as i64,
                length_mm: 300,
                width_mm: 200,
                height_mm: 150,
                declared_value_minor: price / 2,
                declared_currency: "USD".into(),
                hs_code: (*hs).into(),
                origin_country: "CN".into(),
                category: (*category).into(),
                traits: traits.iter().map(|t| t.to_string()).collect(),
                active: Some(true),
                // Kept by batch: a candle's pour, a power bank's cells (recalls name the lot).
                lot_tracked: Some(matches!(*code, "CND-SOY-04" | "NW-PWR-20K")),
            };
            let sku = inventory::upsert_sku(app, admin, Some(&merchant.to_string()), &input).await?;
            // Every SKU in the origin warehouse; overseas stock varies so some orders split or wait.
            for (w, units) in ids.iter().zip([120, 25 + 10 * i as i64, 30 - 5 * i as i64, 10 + n as i64 * 5])
            {
                if units > 0 {
                    let a = StockAdjustment {
                        sku_id: sku.id.clone(),
                        warehouse_id: w.clone(),
                        delta: units,
                        reason: "opening stock".into(),
                    };
                    inventory::adjust_stock(app, admin, &a).await?;
                }
            }
            mine.push((*code, *price));
        }
        codes.push(mine);
    }
    Ok(codes)
}

/// Loads the catalogue and the orders, and reviews some of them.
pub(super) async fn load_orders(app: &App, admin: &Principal, merchants: [TenantId; 2]) -> AppResult<usize> {
    let skus = catalogue(app, admin, &merchants).await?;
    let mut seed = 20260325u64;
    let mut pending = Vec::new();
    for n in 0..DEMO_ORDERS {
        let m = n % 2;
        let d = &DESTINATIONS[lcg(&mut seed) % DESTINATIONS.len()];
        let channel = CHANNELS[lcg(&mut seed) % CHANNELS.len()];
        let mut lines = Vec::new();
        for _ in 0..1 + lcg(&mut seed) % 3 {
            let (code, price) = skus[m][lcg(&mut seed) % skus[m].len()];
            if lines.iter().any(|l: &LineInput| l.sku == code) {
                continue;
            }
            let price = d.shelf_price(price);
            lines.push(LineInput {
                sku: code.into(),
                quantity: 1 + (lcg(&mut seed) % 3) as i64,
                unit_price_minor: price,
                variant: String::new(),
            });
        }
        // Restricted goods (held for a person) in one order of ten; the blocked power bank in none,
        // as the channels already refuse it.
        lines.retain(|l| l.sku != "NW-PWR-20K" && (n % 10 == 0 || !RESTRICTED.contains(&l.sku.as_str())));
        if lines.is_empty() {
            lines.push(LineInput {
                sku: "NW-BOTTLE".into(),
                quantity: 1,
                unit_price_minor: 2299,
                variant: String::new(),
            });
        }
        let subtotal: i64 = lines.iter().map(|l| l.quantity * l.unit_price_minor).sum();
        let shipping = d.shipping_fee();
        let discount = if n % 7 == 0 { subtotal / 10 } else { 0 };
        let total = subtotal - discount + shipping;
        let kind = n % 20;
        let mut address = Address {
            name: BUYERS[n % BUYERS.len()].into(),
            line1: d.street.into(),
            city: d.city.into(),
            state: d.state.into(),
            postcode: d.postcode.into(),
            country: d.country.into(),
            ..Default::default()
        };
        let mut phone = d.phone.to_string();
        let (mut paid, mut status) = (total, "paid");
        let mut remarks = String::new();
        match kind {
            3 => address.postcode.clear(),
            5 => phone = "12345".into(),
            7 => (paid, status) = (0, "unpaid"),
            9 | 15 => remarks = "Please leave the parcel with the neighbour if nobody answers".into(),
            _ => {}
        }
        let input = OrderInput {
            merchant_id: Some(merchants[m].to_string()),
            channel: channel.into(),
            channel_order_id: format!("{}-{}", channel.to_uppercase(), 100_000 + n),
            buyer: BuyerInput {
                name: BUYERS[n % BUYERS.len()].into(),
                phone,
                email: format!("buyer{n}@example.com"),
                language: d.language.into(),
            },
            shipping_address: address,
            lines,
            discounts: welcome_discount(discount),
            shipping_fee_minor: shipping,
            tax_minor: 0,
            currency: d.currency.into(),
            total_minor: total,
            paid_minor: paid,
            payment_method: payment_method(channel).into(),
            payment_status: status.into(),
            service_level: if n % 11 == 0 { "express".into() } else { "standard".into() },
            carrier_service: String::new(),
            payment_reference: String::new(),
            urgent: n % 13 == 0,
            remarks,
            billing_country: String::new(),
        };
        let order = orders::create_order(app, admin, &input).await?;
        if order.order.summary.status == "pending_review" {
            pending.push(crate::parse_id(&order.order.summary.id, "order")?);
        }
    }
    // Staff worked through part of the first-review queue.
    for (n, id) in pending.iter().copied().enumerate() {
        let result = match n % 4 {
            0 => orders::review_order(app, admin, id, ReviewAction::Approve, None, None).await,
            1 => {
                orders::review_order(
                    app,
                    admin,
                    id,
                    ReviewAction::Reject,
                    Some("buyer asked for delivery to a PO box we cannot serve"),
                    None,
                )
                .await
            }
            _ => continue,
        };
        result?;
    }
    Ok(DEMO_ORDERS)
}
