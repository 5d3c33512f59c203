//! Order intake under load (ORD-1, INV-2), on SQLite and on PostgreSQL.
//!
//! For each database: a fresh app on a random port with a merchant, a catalogue and ample stock,
//! the operator's defaults (auto-approval and auto-confirmation on). Then, alternating, three
//! runs of each:
//! - **intake**: `WORKERS` clients post unique, valid, paid orders to `POST /api/v1/orders` for
//!   `SECONDS` seconds: validate + store + auto-approve + reserve + confirm, one request each;
//! - **ceiling**: the same harness issues the same database writes directly through Tradeport's
//!   own `Db`, one minimal unit of work per order (order row, line, conditional reservation,
//!   ledger movement, allocation, events, number counter, status), with the same concurrency
//!   (on SQLite these share commits like every unit). It is not the raw-engine reference: that
//!   is `../shared/bench-reference/` (see bench/README.md).
//!
//! Then an open-loop run at half the measured intake rate reports p50/p99 latency.
//! Prints medians; the ratio intake / ceiling is the figure to compare across machines.

use std::time::{Duration, Instant};

use tokio::task::JoinSet;
use tradeport_store::Db;
use tradeport_testkit::{DbKind, TestApp, lamp_order};

const WORKERS: usize = 16;

fn seconds() -> u64 {
    std::env::var("SECONDS_PER_RUN").ok().and_then(|s| s.parse().ok()).unwrap_or(10)
}

/// Orders per second and sorted latencies (ms).
struct Run {
    rate: f64,
    latencies: Vec<f64>,
}

impl Run {
    fn percentile(&self, p: f64) -> f64 {
        if self.latencies.is_empty() {
            return f64::NAN;
        }
        let i = ((self.latencies.len() as f64 - 1.0) * p).round() as usize;
        self.latencies[i]
    }
}

fn finish(mut latencies: Vec<f64>, elapsed: Duration) -> Run {
    latencies.sort_by(|a, b| a.total_cmp(b));
    Run { rate: latencies.len() as f64 / elapsed.as_secs_f64(), latencies }
}

async fn intake(app: &TestApp, key: &str, prefix: &str) -> Run {
    let deadline = Instant::now() + Duration::from_secs(seconds());
    let started = Instant::now();
    let mut set = JoinSet::new();
    for w in 0..WORKERS {
        let (client, url, key, prefix) =
            (reqwest::Client::new(), app.url("/api/v1/orders"), key.to_string(), prefix.to_string());
        set.spawn(async move {
            let mut lat = Vec::new();
            let mut n = 0;
            while Instant::now() < deadline {
                let body = lamp_order(&format!("{prefix}-{w}-{n}"), 1);
                let t = Instant::now();
                let res = client.post(&url).bearer_auth(&key).json(&body).send().await.expect("request");
                assert_eq!(
                    res.status(),
                    reqwest::StatusCode::CREATED,
                    "{}",
                    res.text().await.unwrap_or_default()
                );
                lat.push(t.elapsed().as_secs_f64() * 1000.0);
                n += 1;
            }
            lat
        });
    }
    let all: Vec<f64> = set.join_all().await.into_iter().flatten().collect();
    finish(all, started.elapsed())
}

/// The ids the direct writes need.
struct Fixture {
    operator: String,
    merchant: String,
    sku: String,
    warehouse: String,
}

async fn direct_order(db: &Db, f: &Fixture, n: &str) {
    let id = uuid::Uuid::now_v7().to_string();
    let now = 1_790_000_000_000i64;
    let mut tx = db.begin().await.expect("begin");
    let ins = "INSERT INTO orders (id, tenant_id, merchant_id, channel, channel_order_id, status, allocation, buyer_name, buyer_phone, \
        buyer_phone_e164, buyer_email, buyer_language, shipping_address, ship_country, currency, subtotal_minor, discount_minor, \
        discounts, shipping_fee_minor, total_minor, paid_minor, payment_method, payment_status, service_level, urgent, remarks, \
        holds, flags, second_review_due, created_at, updated_at) VALUES ($1, $2, $3, 'shopify', $4, 'pending_review', 'none', \
        'Ada Lovelace', '020 7946 0958', '+442079460958', 'ada@example.com', 'en', '{}', 'GB', 'GBP', 2500, 0, '[]', 800, 3300, \
        3300, 'card', 'paid', 'standard', 0, '', '[]', '', 0, $5, $5) ON CONFLICT (merchant_id, channel, channel_order_id) DO NOTHING";
    sqlx::query(ins)
        .bind(&id)
        .bind(&f.operator)
        .bind(&f.merchant)
        .bind(n)
        .bind(now)
        .execute(&mut *tx)
        .await
        .expect("order");
    sqlx::query("INSERT INTO order_lines (id, tenant_id, order_id, line_no, sku_id, sku, name, variant, quantity, unit_price_minor) VALUES ($1, $2, $3, 1, $4, 'LAMP', 'Desk lamp', '', 1, 2500)")
        .bind(uuid::Uuid::now_v7().to_string()).bind(&f.operator).bind(&id).bind(&f.sku).execute(&mut *tx).await.expect("line");
    let reserved = sqlx::query("UPDATE stock_balances SET reserved = reserved + 1, updated_at = $1 WHERE tenant_id = $2 AND sku_id = $3 AND warehouse_id = $4 AND on_hand - reserved >= 1")
        .bind(now).bind(&f.operator).bind(&f.sku).bind(&f.warehouse).execute(&mut *tx).await.expect("reserve");
    assert_eq!(reserved.rows_affected(), 1, "stock ran out: raise the bench's opening stock");
    sqlx::query("INSERT INTO stock_movements (id, tenant_id, sku_id, warehouse_id, kind, on_hand_delta, reserved_delta, order_id, reason, actor_kind, actor_id, at) VALUES ($1, $2, $3, $4, 'reserve', 0, 1, $5, NULL, 'system', NULL, $6)")
        .bind(uuid::Uuid::now_v7().to_string()).bind(&f.operator).bind(&f.sku).bind(&f.warehouse).bind(&id).bind(now).execute(&mut *tx).await.expect("movement");
    sqlx::query("INSERT INTO order_allocations (id, tenant_id, order_id, line_no, sku_id, warehouse_id, quantity, created_at) VALUES ($1, $2, $3, 1, $4, $5, 1, $6)")
        .bind(uuid::Uuid::now_v7().to_string()).bind(&f.operator).bind(&id).bind(&f.sku).bind(&f.warehouse).bind(now).execute(&mut *tx).await.expect("allocation");
    let serial: i64 = sqlx::query_scalar("INSERT INTO order_number_counters (tenant_id, day, last_serial) VALUES ($1, 'bench', 1) ON CONFLICT (tenant_id, day) DO UPDATE SET last_serial = order_number_counters.last_serial + 1 RETURNING last_serial")
        .bind(&f.operator).fetch_one(&mut *tx).await.expect("counter");
    sqlx::query("UPDATE orders SET status = 'confirmed', allocation = 'reserved', order_no = $1, approved_at = $2, confirmed_at = $2 WHERE tenant_id = $3 AND id = $4")
        .bind(format!("B{serial:012}")).bind(now).bind(&f.operator).bind(&id).execute(&mut *tx).await.expect("status");
    for kind in ["order_received", "order_approve", "order_confirm"] {
        sqlx::query("INSERT INTO events (id, tenant_id, merchant_id, subject_type, subject_id, kind, actor_kind, actor_id, reason, data, at) VALUES ($1, $2, $3, 'order', $4, $5, 'system', NULL, NULL, '{}', $6)")
            .bind(uuid::Uuid::now_v7().to_string()).bind(&f.operator).bind(&f.merchant).bind(&id).bind(kind).bind(now).execute(&mut *tx).await.expect("event");
    }
    tradeport_store::commit(tx).await.expect("commit");
}

async fn ceiling(db: &Db, f: std::sync::Arc<Fixture>, prefix: &str) -> Run {
    let deadline = Instant::now() + Duration::from_secs(seconds());
    let started = Instant::now();
    let mut set = JoinSet::new();
    for w in 0..WORKERS {
        let (db, f, prefix) = (db.clone(), f.clone(), prefix.to_string());
        set.spawn(async move {
            let mut lat = Vec::new();
            let mut n = 0;
            while Instant::now() < deadline {
                let t = Instant::now();
                direct_order(&db, &f, &format!("{prefix}-{w}-{n}")).await;
                lat.push(t.elapsed().as_secs_f64() * 1000.0);
                n += 1;
            }
            lat
        });
    }
    let all: Vec<f64> = set.join_all().await.into_iter().flatten().collect();
    finish(all, started.elapsed())
}

/// Posts orders at a fixed rate (open loop) for the run's duration.
async fn paced(app: &TestApp, key: &str, rate: f64) -> Run {
    let client = reqwest::Client::new();
    let total = (rate * seconds() as f64) as usize;
    let interval = Duration::from_secs_f64(1.0 / rate);
    let started = Instant::now();
    let mut set = JoinSet::new();
    let mut tick = tokio::time::interval(interval);
    for n in 0..total {
        tick.tick().await;
        let (client, url, key) = (client.clone(), app.url("/api/v1/orders"), key.to_string());
        set.spawn(async move {
            let t = Instant::now();
            let res = client
                .post(url)
                .bearer_auth(key)
                .json(&lamp_order(&format!("paced-{n}"), 1))
                .send()
                .await
                .expect("request");
            assert_eq!(res.status(), reqwest::StatusCode::CREATED);
            t.elapsed().as_secs_f64() * 1000.0
        });
    }
    let all = set.join_all().await;
    finish(all, started.elapsed())
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

async fn measure(kind: DbKind) {
    let Some(app) = TestApp::spawn(kind).await else {
        println!("{kind:?}: unavailable, skipped");
        return;
    };
    let s = app.seed("bench").await;
    let c = app.seed_catalog(&s, 10_000_000).await;
    let fixture = std::sync::Arc::new(Fixture {
        operator: s.operator.id.to_string(),
        merchant: s.merchant_a.id.to_string(),
        sku: c.lamp,
        warehouse: c.uk_warehouse,
    });
    let db =
        Db::connect(&app.database_url, &tradeport_store::DbOptions::default()).await.expect("a second pool");
    let warm = intake(&app, &s.merchant_a_key, "warm").await;
    drop(warm);
    let (mut intakes, mut ceilings) = (Vec::new(), Vec::new());
    for run in 0..3 {
        ceilings.push(ceiling(&db, fixture.clone(), &format!("c{run}")).await);
        intakes.push(intake(&app, &s.merchant_a_key, &format!("i{run}")).await);
    }
    let intake_rate = median(intakes.iter().map(|r| r.rate).collect());
    let ceiling_rate = median(ceilings.iter().map(|r| r.rate).collect());
    let p50 = median(intakes.iter().map(|r| r.percentile(0.5)).collect());
    let p99 = median(intakes.iter().map(|r| r.percentile(0.99)).collect());
    let c99 = median(ceilings.iter().map(|r| r.percentile(0.99)).collect());
    let half = paced(&app, &s.merchant_a_key, intake_rate / 2.0).await;
    println!(
        "{:<9} intake {:>7.0}/s p50 {:>6.1} ms p99 {:>6.1} ms | ceiling {:>7.0}/s p99 {:>6.1} ms | intake/ceiling {:.2} | at half rate ({:.0}/s): p50 {:.1} ms p99 {:.1} ms",
        format!("{kind:?}"),
        intake_rate,
        p50,
        p99,
        ceiling_rate,
        c99,
        intake_rate / ceiling_rate,
        intake_rate / 2.0,
        half.percentile(0.5),
        half.percentile(0.99)
    );
}

#[tokio::main]
async fn main() {
    println!(
        "order intake, {WORKERS} concurrent clients, {} s per run, median of 3 alternating runs",
        seconds()
    );
    measure(DbKind::Sqlite).await;
    measure(DbKind::Postgres).await;
}
