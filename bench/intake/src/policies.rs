//! After-sales policy throughput (AFS-1, AFS-7): requests evaluated against a realistic policy
//! set of 50 product categories × 20 destination markets (1,000 specific policies), 50 category
//! defaults and one catch-all, with the most specific policy deciding and every deciding rule
//! written in words. Pure computation: no database, so no engine reference; prints evaluations/s,
//! median of three runs.
//!
//!     cargo run --release -p tradeport-bench --bin policies [-- SECONDS_PER_RUN]

use std::time::{Duration, Instant};

use tradeport_domain::aftersales::{Policy, Request, RequestReason, RequestType, evaluate};

const MARKETS: [&str; 20] = [
    "US", "GB", "DE", "FR", "IT", "ES", "NL", "PL", "SE", "AU", "CA", "JP", "KR", "BR", "MX", "RU", "SA",
    "AE", "SG", "NZ",
];

/// A small deterministic generator (xorshift), so every run evaluates the same requests.
struct Rng(u64);

impl Rng {
    fn next(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % below
    }
}

fn categories() -> Vec<String> {
    (0..50).map(|n| format!("category-{n:02}")).collect()
}

fn policies(categories: &[String]) -> Vec<Policy> {
    let mut rng = Rng(0x5eed);
    let mut out = vec![Policy {
        merchant: None,
        category: None,
        market: None,
        window_days: 30,
        allowed: RequestType::ALL.to_vec(),
        non_returnable: false,
        returnless_below_minor: 500,
        restocking_fee_bp: 0,
        return_point: String::new(),
        warranty_days: 365,
        force_majeure: "natural disasters, strikes and customs closures".into(),
    }];
    for (n, c) in categories.iter().enumerate() {
        out.push(Policy {
            category: Some(c.clone()),
            window_days: 15 + (n as u32 % 4) * 15,
            ..out[0].clone()
        });
        for m in MARKETS {
            let allowed: Vec<RequestType> =
                RequestType::ALL.into_iter().filter(|_| rng.next(4) != 0).collect();
            out.push(Policy {
                merchant: None,
                category: Some(c.clone()),
                market: Some(m.to_string()),
                window_days: [7, 14, 30, 60][rng.next(4) as usize],
                allowed,
                non_returnable: n % 10 == 0,
                returnless_below_minor: [0, 500, 1_500][rng.next(3) as usize] as i64,
                restocking_fee_bp: [0, 1_000, 1_500][rng.next(3) as usize] as u32,
                return_point: format!("Returns desk {m}"),
                ..out[0].clone()
            });
        }
    }
    out
}

fn main() {
    let seconds: u64 = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(10);
    let cats = categories();
    let all = policies(&cats);
    let mut rng = Rng(42);
    let requests: Vec<Request> = (0..10_000)
        .map(|_| Request {
            merchant: "lumen-home",
            category: &cats[rng.next(50) as usize],
            market: MARKETS[rng.next(20) as usize],
            request_type: RequestType::ALL[rng.next(6) as usize],
            reason: RequestReason::ALL[rng.next(6) as usize],
            days_since_delivery: rng.next(90) as u32,
            value_minor: 100 + rng.next(50_000) as i64,
        })
        .collect();
    let mut rates = Vec::new();
    for run in 0..3 {
        let (mut evaluations, mut eligible) = (0_u64, 0_u64);
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(seconds) {
            for r in &requests {
                let d = evaluate(&all, r).expect("the catch-all covers every request");
                eligible += u64::from(d.eligible);
                evaluations += 1;
            }
        }
        let per_s = evaluations as f64 / started.elapsed().as_secs_f64();
        println!(
            "run {run}: {per_s:.0} evaluations/s over {} policies ({:.0}% eligible)",
            all.len(),
            100.0 * eligible as f64 / evaluations as f64
        );
        rates.push(per_s);
    }
    rates.sort_by(f64::total_cmp);
    println!("MEDIAN: {:.0} evaluations/s over {} policies", rates[1], all.len());
}
