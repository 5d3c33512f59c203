#!/usr/bin/env python3
"""Sales channels (#12): signed Shopify webhook deliveries end to end (verify the HMAC over the raw
body, dedupe by delivery id, read, map, intake with auto-approve and auto-confirm, link, log) at
16 concurrent senders, on SQLite and on PostgreSQL 15 (fsync on), beside a raw-engine reference in
the same run; and a 100,000-row CSV order file imported with `tradeport orders import`: rows per
second and peak memory.

Run from the project root after `cargo build --release -p tradeport`, when `uptime` is quiet:

    python3 bench/channels.py [--seconds 60] [--runs 3] [--rows 100000] [--only sqlite|postgres]

Webhooks: `serve --demo` on a fresh database; a Shopify connection for the demo merchant
(lumen-home) with a secret; the lamp's stock topped up. Deliveries are signed beforehand (one per
line: base64 HMAC-SHA256 of the body, a unique X-Shopify-Webhook-Id, a unique order id; one lamp
at 45.99 plus 7.99 shipping, paid, to London) and replayed by `wrk` (2 threads, 16 connections)
with `bench/webhooks.lua`. Deliveries/s = answered requests per second; p50/p99; every answer must
be 200 (`non2xx` counts the rest).

Reference: the rows one delivery writes, straight through the engine, one transaction per order:
the delivery record, the intake's rows (order, line, conditional reservation, movement,
allocation, number counter, status update, three events), the channel link and the delivery's
outcome. Python's sqlite3 on a copy of the product's database (WAL, synchronous FULL), one
writer (SQLite has one); `pgbench` with a script of the same statements at 16 clients.

CSV: `tradeport orders import FILE --merchant lumen-home` on the SQLite database the webhook runs
left, ROWS one-line orders; rows/s and the peak resident memory of the process (getrusage).

Prints RESULT lines and writes them, with the conditions, to bench/last_channels.txt; never fails
on timing.
"""
import argparse
import base64
import hashlib
import hmac
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "bench-reference"))
import harness as lib  # noqa: E402

import engine  # noqa: E402

BINARY = os.path.abspath(os.environ.get("TRADEPORT_BIN", "target/release/tradeport"))
HERE = os.path.dirname(os.path.abspath(__file__))
SECRET = "shpss_bench_secret_0001"
LAST = os.path.join(HERE, "last_channels.txt")
FIGURES = engine.Figures(LAST)
say, load = FIGURES.say, engine.load


def prepare(s):
    """Tops up the lamp, connects a Shopify shop for the demo merchant; its id and the stock row."""
    keys = s.keys()
    op, mk = keys["pacific-bridge"], keys["lumen-home"]
    st, stock = lib.call(s.url + "/api/v1/stock?limit=200", key=op)
    lamp = [b for b in stock["items"] if b.get("sku") == "LMP-DESK-01"][0]
    st, r = lib.call(s.url + "/api/v1/stock/adjustments", "POST", {"sku_id": lamp["sku_id"], "warehouse_id": lamp["warehouse_id"],
                     "delta": 10_000_000, "reason": "bench top-up"}, key=op)
    assert st in (200, 201), (st, r)
    body = {"kind": "shopify", "name": "Bench shop", "shop_domain": "bench.myshopify.com", "webhook_secret": SECRET,
            "mapping": {"default_service": "standard"}}
    st, c = lib.call(s.url + "/api/v1/channel-connections", "POST", body, key=mk)
    assert st == 201, (st, c)
    return c["id"]


def signed_file(path, run, count):
    """`count` signed deliveries, one per line."""
    with open(path, "w") as f:
        for n in range(count):
            order = {"id": 10_000_000_000 + run * 10_000_000 + n, "name": f"#B{n}", "email": "ada@example.com",
                     "currency": "GBP", "financial_status": "paid", "total_price": "53.98", "subtotal_price": "45.99",
                     "total_tax": "0.00", "line_items": [{"sku": "LMP-DESK-01", "quantity": 1, "price": "45.99"}],
                     "shipping_lines": [{"code": "standard", "title": "Standard", "price": "7.99"}],
                     "shipping_address": {"name": "Ada Lovelace", "address1": "1 Lovelace Way", "city": "London",
                                          "zip": "EC1Y 8SY", "country_code": "GB", "phone": "020 7946 0958"}}
            body = json.dumps(order, separators=(",", ":"))
            sig = base64.b64encode(hmac.new(SECRET.encode(), body.encode(), hashlib.sha256).digest()).decode()
            f.write(f"{sig}\tbench-{run}-{n}\t{body}\n")


def deliveries(s, connection, seconds, run):
    path = os.path.join(s.dir, f"deliveries-{run}.txt")
    signed_file(path, run, max(20_000, seconds * 1_500))
    env = dict(os.environ, FILE=path, CONNECTION=connection, THREADS="2")
    out = subprocess.run(["wrk", "-t2", "-c16", f"-d{seconds}s", "-s", os.path.join(HERE, "webhooks.lua"), s.url],
                         env=env, capture_output=True, text=True).stdout
    line = [l for l in out.splitlines() if l.startswith("RESULT")][0]
    return line, float(line.split("rps=")[1].split()[0])


def facts_sqlite(con):
    row = con.execute("""SELECT b.tenant_id, k.merchant_id, b.sku_id, b.warehouse_id FROM stock_balances b
                         JOIN skus k ON k.id = b.sku_id WHERE k.sku = 'LMP-DESK-01' ORDER BY b.on_hand DESC LIMIT 1""").fetchone()
    conn_id = con.execute("SELECT id FROM channel_connections LIMIT 1").fetchone()[0]
    return (*row, conn_id)


INTAKE = [
    ("INSERT INTO channel_deliveries (tenant_id, id, connection_id, delivery_key, topic, external_id, received_at, outcome, detail) "
     "VALUES (:tenant, :d, :conn, :key, 'orders/create', '', :now, 'received', '') ON CONFLICT (connection_id, delivery_key) DO NOTHING"),
    ("INSERT INTO orders (id, tenant_id, merchant_id, channel, channel_order_id, status, allocation, buyer_name, buyer_phone, "
     "buyer_phone_e164, buyer_email, buyer_language, shipping_address, ship_country, currency, subtotal_minor, discount_minor, discounts, "
     "shipping_fee_minor, total_minor, paid_minor, payment_method, payment_status, service_level, urgent, remarks, holds, flags, "
     "second_review_due, created_at, updated_at, tax_minor) VALUES (:o, :tenant, :merchant, 'shopify', :key, 'pending_review', 'none', "
     "'Ada Lovelace', '020 7946 0958', '+442079460958', 'ada@example.com', 'en', "
     "'{\"line1\":\"1 Lovelace Way\",\"city\":\"London\",\"postcode\":\"EC1Y 8SY\",\"country\":\"GB\"}', 'GB', 'GBP', 4599, 0, '[]', "
     "799, 5398, 5398, 'shopify', 'paid', 'standard', 0, '', '[]', '', 0, :now, :now, 0) "
     "ON CONFLICT (merchant_id, channel, channel_order_id) DO NOTHING"),
    ("INSERT INTO order_lines (id, tenant_id, order_id, line_no, sku_id, sku, name, variant, quantity, unit_price_minor) "
     "VALUES (:l, :tenant, :o, 1, :sku, 'LMP-DESK-01', 'Desk lamp', '', 1, 4599)"),
    ("UPDATE stock_balances SET reserved = reserved + 1, updated_at = :now WHERE tenant_id = :tenant AND sku_id = :sku "
     "AND warehouse_id = :wh AND on_hand - reserved >= 1"),
    ("INSERT INTO stock_movements (id, tenant_id, sku_id, warehouse_id, kind, on_hand_delta, reserved_delta, order_id, reason, "
     "actor_kind, actor_id, at) VALUES (:m, :tenant, :sku, :wh, 'reserve', 0, 1, :o, NULL, 'system', NULL, :now)"),
    ("INSERT INTO order_allocations (id, tenant_id, order_id, line_no, sku_id, warehouse_id, quantity, created_at) "
     "VALUES (:a, :tenant, :o, 1, :sku, :wh, 1, :now)"),
    ("INSERT INTO order_number_counters (tenant_id, day, last_serial) VALUES (:tenant, 'ref', 1) "
     "ON CONFLICT (tenant_id, day) DO UPDATE SET last_serial = order_number_counters.last_serial + 1"),
    ("UPDATE orders SET status = 'confirmed', allocation = 'reserved', order_no = :key, approved_at = :now, confirmed_at = :now "
     "WHERE tenant_id = :tenant AND id = :o"),
    ("INSERT INTO events (id, tenant_id, merchant_id, subject_type, subject_id, kind, actor_kind, actor_id, reason, data, at) VALUES "
     "(:e1, :tenant, :merchant, 'order', :o, 'order_received', 'system', NULL, NULL, '{}', :now), "
     "(:e2, :tenant, :merchant, 'order', :o, 'order_approve', 'system', NULL, NULL, '{}', :now), "
     "(:e3, :tenant, :merchant, 'order', :o, 'order_confirm', 'system', NULL, NULL, '{}', :now)"),
    ("INSERT INTO channel_order_links (tenant_id, order_id, connection_id, external_id, display_ref) "
     "VALUES (:tenant, :o, :conn, :key, :key)"),
    ("UPDATE channel_deliveries SET outcome = 'created', order_id = :o, detail = 'ok', finished_at = :now, external_id = :key "
     "WHERE connection_id = :conn AND delivery_key = :key"),
]


def reference_sqlite(db, seconds):
    def params(ctx, n):
        tenant, merchant, sku, wh, conn_id = ctx
        return {"tenant": tenant, "merchant": merchant, "sku": sku, "wh": wh, "conn": conn_id, "now": int(time.time() * 1000),
                "key": f"ref-{n}", **{k: str(uuid.uuid4()) for k in ("d", "o", "l", "m", "a", "e1", "e2", "e3")}}
    return engine.sqlite_rate(db, seconds, INTAKE, facts_sqlite, params)


def reference_pg(pg, seconds):
    q = ("SELECT b.tenant_id, k.merchant_id, b.sku_id, b.warehouse_id, (SELECT id FROM channel_connections LIMIT 1) "
         "FROM stock_balances b JOIN skus k ON k.id = b.sku_id WHERE k.sku = 'LMP-DESK-01' ORDER BY b.on_hand DESC LIMIT 1")
    tenant, merchant, sku, wh, conn_id = engine.psql(pg, q).split("|")
    # One transaction per order, as the product's; ids made in SQL from the client and a random n.
    script = engine.pgbench_script(
        INTAKE, ("d", "l", "m", "a", "e1", "e2", "e3"),
        {"o": "('o-' || :client_id::text || '-' || :n::text)", "key": "('pgb-' || :client_id::text || '-' || :n::text)"},
        {"tenant": tenant, "merchant": merchant, "sku": sku, "wh": wh, "conn": conn_id})
    return engine.pgbench_rate(pg, seconds, script)


def csv_import(s, rows):
    path = os.path.join(s.dir, "orders.csv")
    with open(path, "w") as f:
        f.write("Order Number,Name,Phone,Email,Address 1,City,Zip,Country,SKU,Qty,Price,Shipping\n")
        for n in range(rows):
            f.write(f"CSV-{n:07d},Ada Lovelace,020 7946 0958,ada@example.com,1 Lovelace Way,London,EC1Y 8SY,GB,LMP-DESK-01,1,45.99,7.99\n")
    mapping = os.path.join(s.dir, "mapping.json")
    with open(mapping, "w") as f:
        json.dump({"columns": {"order_id": "Order Number", "buyer_name": "Name", "phone": "Phone", "email": "Email", "line1": "Address 1",
                               "city": "City", "postcode": "Zip", "country": "Country", "sku": "SKU", "quantity": "Qty",
                               "unit_price": "Price", "shipping_fee": "Shipping"},
                   "defaults": {"currency": "GBP", "service_level": "standard"}}, f)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    out = s.run_cli("orders", "import", path, "--merchant", "lumen-home", "--mapping", mapping, timeout=3600)
    took = time.perf_counter() - t0
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if out.returncode != 0:
        raise SystemExit(out.stderr[-1500:])
    return rows / took, max(peak_kib, before) / 1024, out.stdout.strip().splitlines()[-1]


def run_engine(kind, args):
    rates, refs = [], []
    pg = lib.PgCluster(durable=True).__enter__() if kind == "postgres" else None
    try:
        url = pg.create_db("bench") if pg else None
        with lib.Server(binary=BINARY, database_url=url) as s:
            connection = prepare(s)
            for run in range(args.runs):
                line, rate = deliveries(s, connection, args.seconds, run)
                say(f"RESULT webhooks {kind} run={run} {line} load={load()}")
                rates.append(rate)
                db = None if pg else [os.path.join(s.dir, f) for f in os.listdir(s.dir) if f.endswith(".db")][0]
                ref = reference_pg(pg, args.seconds) if pg else reference_sqlite(db, args.seconds)
                say(f"RESULT reference {kind} run={run} orders_per_s={ref:.0f}")
                refs.append(ref)
            if kind == "sqlite" and args.rows:
                rps, peak_mib, summary = csv_import(s, args.rows)
                say(f"RESULT csv sqlite rows={args.rows} rows_per_s={rps:.0f} peak_rss_mib={peak_mib:.0f} ({summary})")
    finally:
        if pg:
            pg.__exit__(None, None, None)
    m, r = statistics.median(rates), statistics.median(refs)
    say(f"RESULT webhooks {kind} median {m:.0f} deliveries/s, reference {r:.0f}/s, ratio {m / r:.2f}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--only", choices=["sqlite", "postgres"])
    args = ap.parse_args()
    say(f"# bench/channels.py {time.strftime('%Y-%m-%d %H:%M')} seconds={args.seconds} runs={args.runs} rows={args.rows} "
        f"cores={os.cpu_count()} load={load()}")
    for kind in ("sqlite", "postgres"):
        if args.only in (None, kind):
            run_engine(kind, args)
    FIGURES.write()


if __name__ == "__main__":
    main()
