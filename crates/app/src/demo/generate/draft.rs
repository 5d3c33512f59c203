//! One generated order before it is written: what a channel sent (an `OrderInput`), validated by
//! intake's own rules, made into intake's row, and its life planned.

use std::collections::HashMap;

use tradeport_domain::access::TenantSettings;
use tradeport_domain::kernel::{Address, EntityId, Millis, OrderId, TenantId, WarehouseId};
use tradeport_domain::orders::{
    BuyerInput, GoodsRule, LineInput, OrderInput, OrderStatus, SkuFacts, ValidatedOrder, validate_order,
};
use tradeport_store::orders::OrderRow;

use super::lifecycle::{Start, Step, plan};
use super::rng::Rng;
use crate::demo::orders::{BUYERS, CHANNELS, DESTINATIONS, Destination, payment_method, welcome_discount};
use crate::{AppError, AppResult};

/// A merchant of the data set: its catalogue as intake sees it, and the codes with their prices.
pub(super) struct Seller {
    pub id: TenantId,
    pub skus: HashMap<String, SkuFacts>,
    pub prices: Vec<(String, i64)>,
}

/// What generating an order needs to know of the operator.
pub(super) struct World<'a> {
    pub sellers: &'a [Seller],
    pub settings: &'a TenantSettings,
    pub rules: &'a [GoodsRule],
    /// The warehouse that serves each destination country, and the one for the rest.
    pub warehouses: &'a HashMap<String, WarehouseId>,
    pub fallback: WarehouseId,
    pub now: Millis,
}

/// A generated order: its row as intake would write it (status and times as its life left
/// them), its validated lines, where its units are kept, and its life's steps.
pub(super) struct Draft {
    pub row: OrderRow,
    pub address_key: String,
    pub validated: ValidatedOrder,
    pub warehouse: WarehouseId,
    pub steps: Vec<Step>,
}

/// A UUIDv7 of the millisecond `at` with the random source's bytes.
pub(super) fn id_at(rng: &mut Rng, at: Millis) -> uuid::Uuid {
    uuid::Builder::from_unix_timestamp_millis(at.0.max(0) as u64, &rng.bytes()).into_uuid()
}

/// The `n`th order of the data set of `seed`, received at `created`.
pub(super) fn draft(
    rng: &mut Rng,
    world: &World<'_>,
    seed: u64,
    n: u64,
    created: Millis,
) -> AppResult<Draft> {
    // A few large sellers and a long tail: the square of a uniform draw favours the first.
    let draw = rng.below(1_000);
    let seller = &world.sellers[(draw * draw * world.sellers.len() as u64 / 1_000_000) as usize];
    let d = &DESTINATIONS[rng.below(DESTINATIONS.len() as u64) as usize];
    let input = order_input(rng, seller, d, seed, n);
    let v = validate_order(&input, &seller.skus, world.settings, world.rules).map_err(|errors| {
        let why: Vec<String> = errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect();
        AppError::Internal(format!("a generated order failed validation: {}", why.join("; ")))
    })?;
    let id: OrderId = OrderId::from_uuid(id_at(rng, created));
    let mut row = crate::orders::order_row(&input, &v, seller.id, id, created)?;
    let start = Start {
        held: !v.holds.is_empty(),
        flagged: !v.flags.is_empty(),
        second_review_due: v.second_review_due,
    };
    let steps = plan(rng, created, world.now, start);
    apply(&mut row, &steps);
    let warehouse = world.warehouses.get(d.country).copied().unwrap_or(world.fallback);
    let address_key = crate::orders::address_key(&input.shipping_address);
    Ok(Draft { address_key, row, validated: v, warehouse, steps })
}

/// The row after its steps: status, allocation and the times of each.
fn apply(row: &mut OrderRow, steps: &[Step]) {
    use tradeport_domain::inventory::AllocationState;
    for s in steps {
        row.status = s.to;
        row.updated_at = s.at;
        match s.to {
            OrderStatus::Approved => row.approved_at = Some(s.at),
            OrderStatus::Confirmed => row.confirmed_at = Some(s.at),
            OrderStatus::PendingReview => row.holds = "[]".into(),
            _ => {}
        }
    }
    let reserved = row.approved_at.is_some() && row.status != OrderStatus::Cancelled;
    row.allocation = if reserved { AllocationState::Reserved } else { AllocationState::None };
}

/// What the channel sent: one to three lines of the seller's catalogue to one destination; now and
/// then a phone or postcode the buyer must put right, a remark for staff, a discount.
fn order_input(rng: &mut Rng, seller: &Seller, d: &Destination, seed: u64, n: u64) -> OrderInput {
    let channel = CHANNELS[rng.below(CHANNELS.len() as u64) as usize];
    let mut lines: Vec<LineInput> = Vec::new();
    for _ in 0..1 + rng.below(3) {
        let (code, price) = &seller.prices[rng.below(seller.prices.len() as u64) as usize];
        if lines.iter().any(|l| &l.sku == code) {
            continue;
        }
        let price = d.shelf_price(*price);
        lines.push(LineInput {
            sku: code.clone(),
            quantity: 1 + rng.below(3) as i64,
            unit_price_minor: price,
            variant: String::new(),
        });
    }
    let subtotal: i64 = lines.iter().map(|l| l.quantity * l.unit_price_minor).sum();
    let shipping = d.shipping_fee();
    let discount = if rng.chance(120) { subtotal / 10 } else { 0 };
    let total = subtotal - discount + shipping;
    let buyer = BUYERS[rng.below(BUYERS.len() as u64) as usize];
    let mut address = Address {
        name: buyer.into(),
        line1: d.street.into(),
        city: d.city.into(),
        state: d.state.into(),
        postcode: d.postcode.into(),
        country: d.country.into(),
        ..Default::default()
    };
    let mut phone = d.phone.to_string();
    if rng.chance(20) {
        phone = "12345".into();
    }
    if rng.chance(10) {
        address.postcode.clear();
    }
    let remarks =
        if rng.chance(40) { "Please leave the parcel with the neighbour if nobody answers" } else { "" };
    OrderInput {
        merchant_id: Some(seller.id.to_string()),
        channel: channel.into(),
        // `-G<seed>-` marks the seed's orders (`bulk::generated_with_seed` looks for it).
        channel_order_id: format!("{}-G{seed}-{n}", channel.to_uppercase()),
        buyer: BuyerInput {
            name: buyer.into(),
            phone,
            email: format!("buyer{n}.g{seed}@example.com"),
            language: d.language.into(),
        },
        shipping_address: address,
        lines,
        discounts: welcome_discount(discount),
        shipping_fee_minor: shipping,
        tax_minor: 0,
        currency: d.currency.into(),
        total_minor: total,
        paid_minor: total,
        payment_method: payment_method(channel).into(),
        payment_status: "paid".into(),
        service_level: if rng.chance(90) { "express".into() } else { "standard".into() },
        carrier_service: String::new(),
        payment_reference: String::new(),
        urgent: rng.chance(30),
        remarks: remarks.into(),
        billing_country: String::new(),
    }
}
