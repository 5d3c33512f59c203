//! `tradeport generate`: a large, realistic data set (orders with lines, events and stock) on top
//! of the demo operator, for benchmarks and query-plan checks.

use std::time::Instant;

use clap::Args;
use tradeport_app::App;
use tradeport_app::demo::generate::{GenerateSpec, generate};

#[derive(Args)]
pub struct GenerateArgs {
    /// Orders to generate.
    #[arg(long, default_value_t = 1_000_000)]
    orders: u64,
    /// Merchants they are spread over (a few large sellers and a long tail).
    #[arg(long, default_value_t = 20)]
    merchants: u32,
    /// Orders arrive evenly over this many days up to now.
    #[arg(long, default_value_t = 365)]
    days: u32,
    /// The same seed gives the same data set; run again with another seed to add more.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Orders per transaction.
    #[arg(long, default_value_t = tradeport_app::demo::generate::CHUNK)]
    chunk: u64,
}

pub async fn run(app: &App, args: &GenerateArgs) -> anyhow::Result<()> {
    let spec = GenerateSpec {
        orders: args.orders,
        merchants: args.merchants,
        days: args.days,
        seed: args.seed,
        chunk: args.chunk,
    };
    let started = Instant::now();
    let mut next_report = spec.orders / 10;
    let generated = generate(app, &spec, |done| {
        if done >= next_report || done == spec.orders {
            let secs = started.elapsed().as_secs_f64();
            eprintln!("  {done} orders written ({:.0} orders/s)", done as f64 / secs.max(0.001));
            next_report = done + spec.orders / 10;
        }
    })
    .await
    .map_err(|e| {
        let fields: Vec<String> = e.fields().iter().map(|f| format!("{}: {}", f.field, f.message)).collect();
        anyhow::anyhow!(
            "generate: {e} {} (chunks already committed stay; `tradeport audit seal` links their events)",
            fields.join("; ")
        )
    })?;
    println!(
        "generated {} orders, {} lines, {} events, {} stock movements in {:.1} s; sealed {} events, rolled up {}",
        generated.orders,
        generated.lines,
        generated.events,
        generated.movements,
        started.elapsed().as_secs_f64(),
        generated.sealed,
        generated.rolled_up
    );
    Ok(())
}
