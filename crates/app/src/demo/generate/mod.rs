//! `tradeport generate` (#15 item 5): a large, realistic data set on top of the demo operator, for
//! benchmarks and query-plan tests. Merchants and their catalogues are made through the real use
//! cases; each order is what a channel could send (an `OrderInput`), validated by intake's own
//! rules and made into intake's row, then taken through the state machine over the past days
//! (review, confirmation with its number, picking, packing, hand-over; holds, cancellations and
//! rejections), with its timeline events and its stock movements. Orders are written in chunks,
//! many rows per statement, one transaction per chunk. At the end the new events are sealed into
//! the audit chain and rolled up into the KPIs, as the workers would.
//!
//! Not generated: warehouse bins, packages, shipments and tracking, so no generated order is
//! delivered or completed (and none is archived or proposed for deletion); nor SLA clocks, risk
//! records or outbox messages. A run stopped between chunks keeps the chunks it committed, whose
//! events are dated in the past: the workers never reach them, so `tradeport audit seal` links
//! them (`audit verify` reports them unsealed until then).

mod draft;
mod lifecycle;
mod rng;
mod write;

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use tradeport_domain::access::Actor;
use tradeport_domain::inventory::SkuInput;
use tradeport_domain::kernel::{FieldError, Millis, TenantId};
use tradeport_domain::orders::SkuFacts;
use tradeport_store::inventory::{goods_rules, skus, warehouses};

use self::draft::{Seller, World, draft};
use self::rng::Rng;
use self::write::{Chunk, Staff, write_chunk};
use crate::access::{self, CreateTenant, system_principal};
use crate::{App, AppError, AppResult};

/// Orders per transaction, unless the spec says otherwise.
pub const CHUNK: u64 = 5_000;
const DAY_MS: i64 = 86_400_000;

/// What to generate.
#[derive(Clone, Debug)]
pub struct GenerateSpec {
    pub orders: u64,
    pub merchants: u32,
    /// Orders arrive evenly over this many days up to now.
    pub days: u32,
    /// The same seed gives the same data set; a seed already generated is refused.
    pub seed: u64,
    /// Orders per transaction ([`CHUNK`]).
    pub chunk: u64,
}

/// What a run wrote.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Generated {
    pub orders: u64,
    pub lines: u64,
    pub events: u64,
    pub movements: u64,
    /// Events sealed into the audit chain at the end (the generated ones and any waiting).
    pub sealed: u64,
    /// Events rolled up into the KPIs at the end.
    pub rolled_up: u64,
}

const MERCHANT_NAMES: [&str; 10] = [
    "Harbour Lane Ceramics",
    "Kestrel Cycling",
    "Maple & Thread",
    "Blue Fjord Outdoor",
    "Sakura Stationery",
    "Atlas Pet Supply",
    "Copperleaf Kitchen",
    "Nimbus Audio",
    "Saltwind Swim",
    "Orchard Kids",
];
const ZONES: [&str; 5] =
    ["Europe/London", "America/New_York", "Asia/Shanghai", "Europe/Berlin", "Australia/Sydney"];

/// (code, name, price in minor units, HS code, category, weight in grams)
const CATALOGUE: [(&str, &str, i64, &str, &str, i64); 12] = [
    ("MUG", "Stoneware mug", 1600, "691200", "home", 450),
    ("TEE", "Cotton T-shirt", 2400, "610910", "apparel", 220),
    ("CAP", "Baseball cap", 1900, "650500", "apparel", 120),
    ("BAG", "Canvas tote bag", 2100, "420222", "accessories", 300),
    ("BTL", "Steel water bottle", 2200, "732393", "outdoor", 380),
    ("NBK", "A5 notebook", 900, "482010", "stationery", 260),
    ("PEN", "Fountain pen", 3400, "960830", "stationery", 60),
    ("LMP", "Desk lamp", 4900, "940520", "home", 1400),
    ("TWL", "Bath towel", 2800, "630260", "home", 700),
    ("SCK", "Wool socks, pair", 1200, "611595", "apparel", 90),
    ("PAN", "Frying pan 28 cm", 5900, "732393", "kitchen", 1800),
    ("TOY", "Wooden puzzle", 1700, "950300", "toys", 500),
];

fn invalid(field: &str, message: &str) -> AppError {
    AppError::Invalid(vec![FieldError::new(field, "out_of_range", message)])
}

/// Generates the data set; `progress` is told the orders written after each chunk.
pub async fn generate(app: &App, spec: &GenerateSpec, mut progress: impl FnMut(u64)) -> AppResult<Generated> {
    if !(1..=10_000_000).contains(&spec.orders) {
        return Err(invalid("orders", "orders must be from 1 to 10,000,000"));
    }
    if !(1..=200).contains(&spec.merchants) {
        return Err(invalid("merchants", "merchants must be from 1 to 200"));
    }
    if !(1..=3_650).contains(&spec.days) {
        return Err(invalid("days", "days must be from 1 to 3,650"));
    }
    if spec.chunk == 0 {
        return Err(invalid("chunk", "chunk must be 1 or more orders per transaction"));
    }
    super::load_demo(app).await?;
    let operator = access::tenant_by_code(app, super::OPERATOR_CODE).await?;
    let sellers = sellers(app, operator.id, spec.merchants).await?;
    let mut conn = app.db().read().await?;
    let policy = access::load_operator(&mut conn, operator.id).await?;
    let rules = goods_rules::list(&mut conn, operator.id).await?;
    let houses = warehouses::list(&mut conn, operator.id).await?;
    if tradeport_store::orders::bulk::generated_with_seed(&mut conn, operator.id, spec.seed).await? {
        return Err(AppError::Conflict {
            code: "generate.seed_used",
            message: format!("orders of seed {} were generated already; pass another --seed", spec.seed),
            fields: Vec::new(),
        });
    }
    let staff_user = |row: Option<tradeport_store::access::users::UserRow>| {
        row.map(|u| Actor::User(u.id)).ok_or(AppError::NotFound("demo user"))
    };
    let staff = Staff {
        reviewer: staff_user(
            tradeport_store::access::users::find_by_email(&mut conn, "reviewer@pacific-bridge.example")
                .await?,
        )?,
        warehouse: staff_user(
            tradeport_store::access::users::find_by_email(&mut conn, "warehouse@pacific-bridge.example")
                .await?,
        )?,
    };
    drop(conn);
    let fallback = houses
        .iter()
        .find(|w| w.kind.as_str() == "origin")
        .or(houses.first())
        .map(|w| w.id)
        .ok_or(AppError::NotFound("warehouse"))?;
    let by_country: HashMap<String, _> =
        houses.iter().filter(|w| w.kind.as_str() == "overseas").map(|w| (w.country.clone(), w.id)).collect();
    let now = app.now();
    let world = World {
        sellers: &sellers,
        settings: &policy.settings,
        rules: &rules,
        warehouses: &by_country,
        fallback,
        now,
    };
    let span = i64::from(spec.days) * DAY_MS;
    let start = now.0 - span;
    let mut rng = Rng::new(spec.seed);
    let mut balances = HashSet::new();
    let mut chunk =
        Chunk { operator: operator.id, timezone: &policy.timezone, staff: &staff, balances: &mut balances };
    let mut out = Generated::default();
    let mut n = 0;
    while n < spec.orders {
        let end = (n + spec.chunk).min(spec.orders);
        let mut drafts = Vec::with_capacity((end - n) as usize);
        for k in n..end {
            let created = Millis(start + (i128::from(k) * i128::from(span) / i128::from(spec.orders)) as i64);
            drafts.push(draft(&mut rng, &world, spec.seed, k, created)?);
        }
        let written = write_chunk(app, &mut rng, &mut chunk, &mut drafts).await?;
        out.orders += end - n;
        out.lines += written.lines;
        out.events += written.events;
        out.movements += written.movements;
        n = end;
        progress(n);
    }
    out.sealed = crate::audit::seal_operator(app, operator.id, true).await?.sealed;
    out.rolled_up = crate::reporting::roll_up(app, operator.id).await?;
    Ok(out)
}

/// The data set's merchants (made once, found again on later runs) with their catalogues.
async fn sellers(app: &App, operator: TenantId, count: u32) -> AppResult<Vec<Seller>> {
    let admin = system_principal(operator);
    let mut out = Vec::new();
    for k in 0..count as usize {
        let code = format!("gen-merchant-{:03}", k + 1);
        let merchant = match access::tenant_by_code(app, &code).await {
            Ok(t) => t,
            Err(AppError::NotFound(_)) => {
                let base = MERCHANT_NAMES[k % MERCHANT_NAMES.len()];
                let name =
                    if k < MERCHANT_NAMES.len() { base.to_string() } else { format!("{base} {}", k + 1) };
                let input = CreateTenant { name, code, timezone: ZONES[k % ZONES.len()].into() };
                access::create_merchant(app, &admin, &input).await?
            }
            Err(e) => return Err(e),
        };
        let prefix = format!("G{:03}", k + 1);
        let mut prices = Vec::new();
        for (n, (item, name, price, hs, category, weight)) in CATALOGUE.iter().enumerate() {
            let input = SkuInput {
                sku: format!("{prefix}-{item}"),
                name: (*name).into(),
                barcode: format!("69{:03}{:08}", k + 1, n),
                weight_g: *weight,
                length_mm: 300,
                width_mm: 200,
                height_mm: 100,
                declared_value_minor: price / 2,
                declared_currency: "USD".into(),
                hs_code: (*hs).into(),
                origin_country: "CN".into(),
                category: (*category).into(),
                traits: Vec::new(),
                active: Some(true),
                lot_tracked: Some(false),
            };
            crate::inventory::upsert_sku(app, &admin, Some(&merchant.id.to_string()), &input).await?;
            // Sellers price the same goods differently.
            prices.push((input.sku, price + 100 * ((k + n) % 5) as i64));
        }
        let codes: Vec<String> = prices.iter().map(|(c, _)| c.clone()).collect();
        let mut conn = app.db().read().await?;
        let skus = skus::find_by_codes(&mut conn, operator, merchant.id, &codes)
            .await?
            .into_iter()
            .map(|s| {
                let facts = SkuFacts {
                    id: s.id,
                    name: s.name,
                    active: s.active,
                    traits: s.traits,
                    hs_code: s.hs_code,
                };
                (s.sku, facts)
            })
            .collect();
        out.push(Seller { id: merchant.id, skus, prices });
    }
    Ok(out)
}
