//! Cancels, holds, stock arrivals, approvals and confirmations of multi-line, multi-warehouse
//! orders interleaved at random (on PostgreSQL from two server processes): no request fails with
//! a 5xx (no deadlock, no lost race surfacing as an error) and the books balance afterwards, with
//! no stock left reserved for an order that is cancelled, rejected or on hold (INV-2, INV-3).

use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tradeport_testkit::{DbKind, TestApp, db_tests};

use crate::concurrency::SecondServer;
use crate::helpers::post;
use crate::orders::settings;

db_tests!(two_thousand_random_order_and_stock_operations_leave_the_books_balanced);

/// Operations in the run; requests in flight at once.
const OPERATIONS: usize = 2_000;
const IN_FLIGHT: usize = 16;
const ORDERS: usize = 80;

/// A small deterministic generator (xorshift64*), so a failing run can be repeated by its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// A paid order of a lamp and a shade to London.
fn two_line_order(n: usize, lamps: i64, shades: i64) -> Value {
    let total = lamps * 2500 + shades * 900 + 800;
    json!({
        "channel": "shopify",
        "channel_order_id": format!("#mix-{n}"),
        "buyer": {"name": "Ada Lovelace", "phone": "020 7946 0958", "email": "ada@example.com"},
        "shipping_address": {"line1": "1 Lovelace Way", "city": "London", "postcode": "EC1Y 8SY", "country": "GB"},
        "lines": [
            {"sku": "LAMP", "quantity": lamps, "unit_price_minor": 2500},
            {"sku": "SHADE", "quantity": shades, "unit_price_minor": 900}
        ],
        "shipping_fee_minor": 800, "currency": "GBP", "total_minor": total, "paid_minor": total,
        "payment_method": "card", "payment_status": "paid", "service_level": "standard"
    })
}

/// One random request: its path and body.
fn random_operation(
    rng: &mut Rng,
    ids: &[String],
    skus: &[String; 2],
    warehouses: &[String; 2],
) -> (String, Value) {
    let id = &ids[rng.below(ids.len())];
    match rng.below(10) {
        0..=2 => (format!("/api/v1/orders/{id}/approve"), json!({})),
        3 => (format!("/api/v1/orders/{id}/cancel"), json!({"reason": "buyer cancelled"})),
        4 => (format!("/api/v1/orders/{id}/hold"), json!({"reason": "buyer asked to wait"})),
        5 => (format!("/api/v1/orders/{id}/release-hold"), json!({})),
        6 => (format!("/api/v1/orders/{id}/confirm"), json!({})),
        _ => {
            let (sku, wh) = (&skus[rng.below(2)], &warehouses[rng.below(2)]);
            let delta = 1 + rng.below(4) as i64;
            (
                "/api/v1/stock/adjustments".into(),
                json!({"sku_id": sku, "warehouse_id": wh, "delta": delta, "reason": "arrival"}),
            )
        }
    }
}

async fn two_thousand_random_order_and_stock_operations_leave_the_books_balanced(app: TestApp) {
    let s = app.seed("acme").await;
    let c = app.seed_catalog(&s, 6).await;
    settings(&app, &s.admin_key, json!({"auto_approve": false, "allocation_policy": "split"})).await;
    let shade = json!({"sku": "SHADE", "name": "Lamp shade", "weight_g": 200, "hs_code": "940599", "origin_country": "CN", "declared_value_minor": 900, "declared_currency": "GBP"});
    let (status, shade) =
        post(&app, &format!("/api/v1/skus?merchant_id={}", s.merchant_a.id), &s.admin_key, shade).await;
    assert!(status.is_success(), "{shade}");
    let shade_id = shade["id"].as_str().unwrap().to_string();
    for (sku, wh, delta) in
        [(&c.lamp, &c.cn_warehouse, 4), (&shade_id, &c.cn_warehouse, 5), (&shade_id, &c.uk_warehouse, 2)]
    {
        let body = json!({"sku_id": sku, "warehouse_id": wh, "delta": delta, "reason": "opening stock"});
        let (status, body) = post(&app, "/api/v1/stock/adjustments", &s.admin_key, body).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let mut ids = Vec::new();
    for n in 0..ORDERS {
        let (status, order) = post(
            &app,
            "/api/v1/orders",
            &s.merchant_a_key,
            two_line_order(n, 1 + (n % 3) as i64, 1 + (n % 2) as i64),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{order}");
        ids.push(order["id"].as_str().unwrap().to_string());
    }
    // Approve every other order first: the little opening stock goes at once and the rest wait as
    // backorders, so the random arrivals below always have orders to fill, whatever the seed.
    for id in ids.iter().step_by(2) {
        let (status, body) =
            post(&app, &format!("/api/v1/orders/{id}/approve"), &s.admin_key, json!({})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }

    let second = match app.kind {
        DbKind::Postgres => Some(SecondServer::start(&app.database_url).await),
        DbKind::Sqlite => None,
    };
    let mut bases = vec![app.base_url.clone()];
    bases.extend(second.as_ref().map(|s| s.base_url.clone()));
    let seed = 0x5EED_0000_0000_0001 ^ std::process::id() as u64;
    eprintln!("interleaving seed {seed:#x}");
    let mut rng = Rng(seed);
    let (skus, warehouses) = ([c.lamp.clone(), shade_id], [c.uk_warehouse.clone(), c.cn_warehouse.clone()]);
    let client = reqwest::Client::new();
    let gate = Arc::new(Semaphore::new(IN_FLIGHT));
    let mut set = JoinSet::new();
    for n in 0..OPERATIONS {
        let (path, body) = random_operation(&mut rng, &ids, &skus, &warehouses);
        let url = format!("{}{path}", bases[n % bases.len()]);
        let (client, key, gate) = (client.clone(), s.admin_key.clone(), gate.clone());
        set.spawn(async move {
            let _permit = gate.acquire().await.unwrap();
            let res = client.post(&url).bearer_auth(key).json(&body).send().await.unwrap();
            let status = res.status();
            (status, url, res.text().await.unwrap_or_default())
        });
    }
    let results = set.join_all().await;
    let failures: Vec<_> = results.iter().filter(|(s, _, _)| s.is_server_error()).collect();
    assert!(failures.is_empty(), "{} requests failed with 5xx, e.g. {:?}", failures.len(), failures.first());
    let succeeded = results.iter().filter(|(s, _, _)| s.is_success()).count();
    assert!(succeeded > OPERATIONS / 4, "most operations should apply: {succeeded} of {OPERATIONS}");
    let refused: Vec<_> =
        results.iter().filter(|(s, _, _)| !s.is_success() && *s != StatusCode::CONFLICT).collect();
    assert!(refused.is_empty(), "only state conflicts are expected refusals: {:?}", refused.first());

    // The run did what it is for: backorders filled by arrivals, orders split over warehouses.
    let mut conn = app.app.db().read().await.unwrap();
    let count = |sql: &'static str| sqlx::query_scalar::<_, i64>(sql);
    let fills = count("SELECT COUNT(*) FROM events WHERE kind = 'order_backorder_filled'");
    let split = count(
        "SELECT COUNT(*) FROM (SELECT order_id FROM stock_movements WHERE kind = 'reserve' \
         GROUP BY order_id HAVING COUNT(DISTINCT warehouse_id) > 1) s",
    );
    let (fills, split) =
        (fills.fetch_one(&mut *conn).await.unwrap(), split.fetch_one(&mut *conn).await.unwrap());
    assert!(fills > 0 && split > 0, "backorder fills {fills}, split orders {split}");
    drop(conn);
    let drifts = tradeport_app::inventory::verify_inventory(&app.app).await.unwrap();
    assert!(drifts.is_empty(), "inventory verify finds drift: {drifts:?}");
}
