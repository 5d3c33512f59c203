//! Merchant agreements and billing (source document 001: the contract's charging standard). A fee
//! schedule prices each service a 3PL sells; a month's facts (cartons and pallets received, the
//! daily stock by age, orders packed, boxes, labels, carrier charges, returns, disposals) are
//! charged exactly, in minor units with one rounding per line, each line naming the facts behind
//! it. The same pricing gives a prospective merchant a quote from expected volumes.

mod quote;
mod schedule;

pub use quote::{ExpectedVolumes, quote};
pub use schedule::{FeeSchedule, StorageBasis, StorageTier};

use serde::{Deserialize, Serialize};

use crate::kernel::Currency;

/// What a statement line charges for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChargeKind {
    InboundCarton,
    InboundPallet,
    Storage,
    PickPackOrder,
    PickPackExtraItem,
    Packaging,
    Label,
    Carrier,
    ReturnHandling,
    Disposal,
    /// A correction, entered as its own line (negative for a credit); never an edit.
    Credit,
}

impl ChargeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InboundCarton => "inbound_carton",
            Self::InboundPallet => "inbound_pallet",
            Self::Storage => "storage",
            Self::PickPackOrder => "pick_pack_order",
            Self::PickPackExtraItem => "pick_pack_extra_item",
            Self::Packaging => "packaging",
            Self::Label => "label",
            Self::Carrier => "carrier",
            Self::ReturnHandling => "return_handling",
            Self::Disposal => "disposal",
            Self::Credit => "credit",
        }
    }
}

/// One charged line: what, how many at what price, the amount, and the facts behind it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Line {
    pub kind: ChargeKind,
    /// What it is in words (`Storage, 31–90 days`, `Box M`).
    pub detail: String,
    /// The quantity as counted (`12`, `3.450 m³·days`).
    pub quantity: String,
    pub unit_price_minor: i64,
    pub amount_minor: i64,
    pub currency: String,
    /// The facts charged: event ids, order and tracking numbers, days.
    pub sources: Vec<String>,
}

/// A fact with the reference it is traced by.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Counted {
    pub reference: String,
    pub count: i64,
}

/// A carrier's charge passed through.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarrierCharge {
    pub reference: String,
    pub price_minor: i64,
    pub currency: String,
}

/// Stock held on one day: cubic centimetres by the age (days since received) of the units.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockDay {
    /// `YYYY-MM-DD`.
    pub day: String,
    /// (age in days, cm³).
    pub volumes: Vec<(i64, i64)>,
}

/// A merchant's facts of one period under one agreement.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    /// Per received inbound notice: its cartons.
    pub cartons: Vec<Counted>,
    /// Per received inbound notice: its pallets.
    pub pallets: Vec<Counted>,
    pub stock: Vec<StockDay>,
    /// Per order packed: its units.
    pub orders_packed: Vec<Counted>,
    /// Per package: its box code in `reference`'s place is `box_code`, counted once.
    pub boxes: Vec<(String, String)>,
    /// Per label: its tracking number.
    pub labels: Vec<String>,
    pub carrier: Vec<CarrierCharge>,
    /// Per return received: its RMA number.
    pub returns: Vec<String>,
    /// Per return destroyed: its RMA number.
    pub disposals: Vec<String>,
}

/// `value × numerator / denominator` rounded half away from zero, exactly.
pub fn scaled(value: i128, numerator: i128, denominator: i128) -> i64 {
    let product = value * numerator;
    let half = denominator / 2;
    let rounded = if product >= 0 { (product + half) / denominator } else { (product - half) / denominator };
    rounded.clamp(i64::MIN as i128, i64::MAX as i128) as i64
}

/// Cubic centimetres in a cubic metre.
const CM3_PER_M3: i128 = 1_000_000;

/// The lines `facts` cost under `fees`, in a stable order; lines that charge nothing are left out.
pub fn charge(fees: &FeeSchedule, facts: &Facts) -> Vec<Line> {
    let currency = fees.currency.clone();
    let mut lines = Vec::new();
    let mut push = |kind, detail: String, quantity: String, unit: i64, amount: i64, sources: Vec<String>| {
        if amount != 0 {
            lines.push(Line {
                kind,
                detail,
                quantity,
                unit_price_minor: unit,
                amount_minor: amount,
                currency: currency.clone(),
                sources,
            });
        }
    };
    let counted = |c: &[Counted]| {
        (c.iter().map(|c| c.count).sum::<i64>(), c.iter().map(|c| c.reference.clone()).collect::<Vec<_>>())
    };

    let (cartons, refs) = counted(&facts.cartons);
    push(
        ChargeKind::InboundCarton,
        "Inbound, per carton".into(),
        cartons.to_string(),
        fees.inbound_per_carton_minor,
        cartons.saturating_mul(fees.inbound_per_carton_minor),
        refs,
    );
    let (pallets, refs) = counted(&facts.pallets);
    push(
        ChargeKind::InboundPallet,
        "Inbound, per pallet".into(),
        pallets.to_string(),
        fees.inbound_per_pallet_minor,
        pallets.saturating_mul(fees.inbound_per_pallet_minor),
        refs,
    );

    for (n, tier) in fees.storage_tiers.iter().enumerate() {
        let until = fees.storage_tiers.get(n + 1).map(|t| t.from_day);
        let in_tier = |age: i64| age >= tier.from_day && until.is_none_or(|u| age < u);
        let mut days = Vec::new();
        let (mut cm3_days, mut pallet_days) = (0_i128, 0_i64);
        for d in &facts.stock {
            let cm3: i64 = d.volumes.iter().filter(|(age, _)| in_tier(*age)).map(|(_, v)| v).sum();
            if cm3 > 0 {
                cm3_days += i128::from(cm3);
                // Pallets are filled with the oldest goods first, so a pallet shared by two tiers
                // counts once, in the older: this tier's positions are those the goods of this
                // age or older fill, less those the older goods alone fill. Over all tiers they
                // add up to the day's whole pallets, never one per tier more.
                let at_least =
                    |from: i64| d.volumes.iter().filter(|(age, _)| *age >= from).map(|(_, v)| v).sum();
                let older = until.map_or(0, at_least);
                pallet_days += fees.pallets_for(at_least(tier.from_day)) - fees.pallets_for(older);
                days.push(d.day.clone());
            }
        }
        let ages = match until {
            Some(u) => format!("{}–{} days", tier.from_day, u - 1),
            None => format!("{}+ days", tier.from_day),
        };
        match fees.storage_basis {
            StorageBasis::CubicMetre => push(
                ChargeKind::Storage,
                format!("Storage per m³ per day, {ages}"),
                format!("{} m³·days", thousandths(cm3_days)),
                tier.per_unit_day_minor,
                scaled(cm3_days, i128::from(tier.per_unit_day_minor), CM3_PER_M3),
                days,
            ),
            StorageBasis::Pallet => push(
                ChargeKind::Storage,
                format!("Storage per pallet per day, {ages}"),
                format!("{pallet_days} pallet·days"),
                tier.per_unit_day_minor,
                pallet_days.saturating_mul(tier.per_unit_day_minor),
                days,
            ),
        }
    }

    let (orders, refs) = (
        facts.orders_packed.len() as i64,
        facts.orders_packed.iter().map(|o| o.reference.clone()).collect::<Vec<_>>(),
    );
    push(
        ChargeKind::PickPackOrder,
        "Pick and pack, per order".into(),
        orders.to_string(),
        fees.pick_pack_per_order_minor,
        orders.saturating_mul(fees.pick_pack_per_order_minor),
        refs,
    );
    let extra: Vec<&Counted> = facts.orders_packed.iter().filter(|o| o.count > 1).collect();
    let extra_items: i64 = extra.iter().map(|o| o.count - 1).sum();
    push(
        ChargeKind::PickPackExtraItem,
        "Pick and pack, per item after the first".into(),
        extra_items.to_string(),
        fees.pick_pack_per_extra_item_minor,
        extra_items.saturating_mul(fees.pick_pack_per_extra_item_minor),
        extra.iter().map(|o| o.reference.clone()).collect(),
    );
    let mut codes: Vec<&String> = facts.boxes.iter().map(|(_, code)| code).collect();
    codes.sort();
    codes.dedup();
    for code in codes {
        let refs: Vec<String> =
            facts.boxes.iter().filter(|(_, c)| c == code).map(|(r, _)| r.clone()).collect();
        let unit = fees.packaging_minor.get(code.as_str()).copied().unwrap_or(0);
        push(
            ChargeKind::Packaging,
            format!("Packaging, box {code}"),
            refs.len().to_string(),
            unit,
            (refs.len() as i64).saturating_mul(unit),
            refs,
        );
    }
    let labels = facts.labels.len() as i64;
    push(
        ChargeKind::Label,
        "Shipping labels".into(),
        labels.to_string(),
        fees.label_per_parcel_minor,
        labels.saturating_mul(fees.label_per_parcel_minor),
        facts.labels.clone(),
    );

    let mut carrier_currencies: Vec<&String> = facts.carrier.iter().map(|c| &c.currency).collect();
    carrier_currencies.sort();
    carrier_currencies.dedup();
    for cur in carrier_currencies {
        let of: Vec<&CarrierCharge> = facts.carrier.iter().filter(|c| &c.currency == cur).collect();
        let cost: i64 = of.iter().map(|c| c.price_minor).sum();
        let amount = cost + scaled(i128::from(cost), i128::from(fees.carrier_markup_bp), 10_000);
        if amount != 0 {
            lines.push(Line {
                kind: ChargeKind::Carrier,
                detail: format!("Carrier charges passed through, plus {}", percent(fees.carrier_markup_bp)),
                quantity: of.len().to_string(),
                unit_price_minor: 0,
                amount_minor: amount,
                currency: cur.clone(),
                sources: of.iter().map(|c| c.reference.clone()).collect(),
            });
        }
    }
    let returns = facts.returns.len() as i64;
    let mut push = |kind, detail: &str, n: i64, unit: i64, sources: Vec<String>| {
        if n.saturating_mul(unit) != 0 {
            lines.push(Line {
                kind,
                detail: detail.into(),
                quantity: n.to_string(),
                unit_price_minor: unit,
                amount_minor: n.saturating_mul(unit),
                currency: fees.currency.clone(),
                sources,
            });
        }
    };
    push(
        ChargeKind::ReturnHandling,
        "Returns received and inspected",
        returns,
        fees.return_per_parcel_minor,
        facts.returns.clone(),
    );
    push(
        ChargeKind::Disposal,
        "Returns destroyed",
        facts.disposals.len() as i64,
        fees.disposal_per_return_minor,
        facts.disposals.clone(),
    );
    lines
}

/// Thousandths of a cubic metre from cubic centimetres, as text (`3.450`).
fn thousandths(cm3: i128) -> String {
    let milli = scaled(cm3, 1, 1_000);
    format!("{}.{:03}", milli / 1_000, (milli % 1_000).abs())
}

/// Basis points as a percentage (`7.5%`).
fn percent(bp: i64) -> String {
    if bp % 100 == 0 { format!("{}%", bp / 100) } else { format!("{}.{:02}%", bp / 100, bp % 100) }
}

/// The totals of lines per currency, in currency order.
pub fn totals(lines: &[Line]) -> Vec<(String, i64)> {
    let mut totals: std::collections::BTreeMap<String, i64> = std::collections::BTreeMap::new();
    for l in lines {
        let t = totals.entry(l.currency.clone()).or_default();
        *t = t.saturating_add(l.amount_minor);
    }
    totals.into_iter().collect()
}

/// An amount for people (`GBP 12.34`).
pub fn money_text(minor: i64, currency: &str) -> String {
    Currency::parse(currency)
        .map_or_else(|| format!("{currency} {minor}"), |c| format!("{} {}", c.code(), c.format(minor)))
}

#[cfg(test)]
mod tests;
