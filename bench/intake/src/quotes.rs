//! Selection-engine throughput (SHP-1): a parcel quoted on 50 carrier services (four kinds, ten
//! destinations with postcode zones, weight brackets, volumetric weight, surcharges, trait and size
//! limits) and the cheapest, fastest or best-value one chosen, with every exclusion explained.
//! Pure computation: no database, so no engine reference; prints quotes/s (one service priced
//! for one parcel) and selections/s (a parcel on all 50), median of three runs.
//!
//!     cargo run --release -p tradeport-bench --bin quotes [-- SECONDS_PER_RUN]

use std::time::{Duration, Instant};

use tradeport_domain::inventory::Trait;
use tradeport_domain::kernel::{Currency, Money};
use tradeport_domain::shipping::{
    Ask, CarrierService, Parcel, ServiceInput, Strategy, select, validate_service,
};

const COUNTRIES: [&str; 10] = ["US", "GB", "DE", "FR", "AU", "CA", "JP", "ES", "IT", "NL"];
const KINDS: [&str; 4] = ["international_express", "dedicated_line", "postal_small_packet", "local_delivery"];

/// A small deterministic generator (xorshift), so every run quotes the same parcels.
struct Rng(u64);

impl Rng {
    fn next(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % below
    }
}

fn services() -> Vec<CarrierService> {
    let mut rng = Rng(0x5eed);
    (0..50)
        .map(|n| {
            let zones: Vec<serde_json::Value> = (0..4)
                .map(|k| {
                    let country = COUNTRIES[(n + k * 3) % COUNTRIES.len()];
                    let prefixes: Vec<String> =
                        if k == 0 { vec![] } else { (0..3).map(|p| format!("{}", (n + p) % 9 + 1)).collect() };
                    serde_json::json!({"country": country, "postcode_prefixes": prefixes})
                })
                .collect();
            let max = [2_000, 5_000, 20_000, 30_000][n % 4];
            let input = serde_json::json!({
                "code": format!("SVC-{n:02}"), "name": format!("Service {n}"), "carrier": format!("Carrier {}", n % 7),
                "kind": KINDS[n % 4], "origins": ["UK-MAN", "DE-FRA"], "zones": zones, "currency": "GBP",
                "brackets": [
                    {"up_to_g": max / 4, "first_g": 100, "first_minor": 300 + rng.next(400), "additional_g": 100, "additional_minor": 40 + rng.next(30)},
                    {"up_to_g": max, "first_g": 500, "first_minor": 900 + rng.next(900), "additional_g": 500, "additional_minor": 150 + rng.next(100)}
                ],
                "volumetric_divisor": if n % 2 == 0 { 5000 } else { 6000 }, "min_charge_minor": 350,
                "fuel_surcharge_bp": 800 + (n as u64 % 5) * 100, "remote_zones": [{"country": COUNTRIES[n % 10], "postcode_prefixes": ["9"]}],
                "remote_surcharge_minor": 250, "oversize_surcharge_minor": 500, "oversize_over_mm": 600,
                "max_weight_g": max, "max_length_mm": 1200, "max_girth_mm": 3000,
                "allowed_traits": if n % 3 == 0 { vec!["un3481"] } else { vec![] },
                "max_declared_minor": if n % 5 == 0 { 50_000 } else { 0 },
                "transit_days_min": 2 + (n % 5) as u32, "transit_days_max": 2 + (n % 5) as u32 + (n % 7) as u32, "cutoff": "16:00"
            });
            let input: ServiceInput = serde_json::from_value(input).expect("a service");
            validate_service(&input).expect("a valid service")
        })
        .collect()
}

struct ParcelSpec {
    origin: &'static str,
    country: &'static str,
    postcode: String,
    weight_g: i64,
    dims_mm: [i64; 3],
    traits: Vec<Trait>,
    declared: i64,
}

fn parcels() -> Vec<ParcelSpec> {
    let mut rng = Rng(42);
    (0..1_000)
        .map(|_| ParcelSpec {
            origin: if rng.next(2) == 0 { "UK-MAN" } else { "DE-FRA" },
            country: COUNTRIES[rng.next(10) as usize],
            postcode: format!("{}{:04}", rng.next(9) + 1, rng.next(10_000)),
            weight_g: 50 + rng.next(25_000) as i64,
            dims_mm: [100 + rng.next(700) as i64, 80 + rng.next(400) as i64, 20 + rng.next(300) as i64],
            traits: if rng.next(10) == 0 { vec![Trait::parse("un3481").expect("a trait")] } else { vec![] },
            declared: 500 + rng.next(80_000) as i64,
        })
        .collect()
}

fn main() {
    let seconds: u64 = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(10);
    let gbp = Currency::parse("GBP").expect("GBP");
    let all = services();
    let specs = parcels();
    let strategies = [Strategy::Cheapest, Strategy::Fastest, Strategy::BestValue];
    let mut rates = Vec::new();
    for run in 0..3 {
        let (mut selections, mut chosen) = (0_u64, 0_u64);
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(seconds) {
            for (i, p) in specs.iter().enumerate() {
                let parcel = Parcel {
                    origin: p.origin,
                    country: p.country,
                    postcode: &p.postcode,
                    weight_g: p.weight_g,
                    dims_mm: p.dims_mm,
                    traits: &p.traits,
                    declared: Money::new(p.declared, gbp).ok(),
                };
                let ask =
                    Ask { strategy: strategies[i % 3], currency: gbp, deadline_days: Some(8), chosen: None };
                let s = select(&all, &parcel, &ask);
                chosen += u64::from(s.choice.is_some());
                selections += 1;
            }
        }
        let took = started.elapsed().as_secs_f64();
        let per_s = selections as f64 / took;
        println!(
            "run {run}: {:.0} selections/s, {:.0} quotes/s over {} services ({:.0}% of parcels found a service)",
            per_s,
            per_s * all.len() as f64,
            all.len(),
            100.0 * chosen as f64 / selections as f64
        );
        rates.push(per_s);
    }
    rates.sort_by(f64::total_cmp);
    println!(
        "MEDIAN: {:.0} selections/s, {:.0} quotes/s over {} services",
        rates[1],
        rates[1] * all.len() as f64,
        all.len()
    );
}
