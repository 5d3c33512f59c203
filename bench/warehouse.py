#!/usr/bin/env python3
"""Warehouse operations (WMS-4): planning a wave from 5,000 confirmed orders with its pick list,
and scan-confirm throughput with 16 concurrent pickers, on SQLite and on PostgreSQL 15 (fsync on),
each beside a raw-engine reference measured in the same run.

Run from the project root after `cargo build --release -p tradeport`, when `uptime` is quiet:

    python3 bench/warehouse.py [--orders 5000] [--runs 3] [--only sqlite|postgres]

Each run starts `serve --demo` on a fresh database, then through the API: a warehouse of its own
in Britain, 20 SKUs of a demo merchant, 2,000 bins, one inbound notice of 100,000 units counted and
confirmed, put away over 200 bins, and ORDERS paid orders (1 to 3 lines, auto-confirmed, all
reserved in Manchester). Then:

1. Wave: POST /api/v1/waves (max 5000) and GET its pick list; seconds for each.
2. Picking: 16 threads confirm every pick line (POST /api/v1/pick-lines/{id}/pick, bin + SKU +
   the line's quantity); picks/s and the latency of a scan (p50/p99/max).
3. Reference: the statements of a pick (take from the bin, move located to picked, append the
   ledger row, mark the line) straight through the engine, one transaction per pick, 16 threads
   or clients, on the same database after the run: Python's sqlite3 (a copy of the file, the
   product's pragmas), `pgbench` with a script of the same statements (fsync on).

Prints RESULT lines; never fails on timing.
"""
import argparse
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "bench-reference"))
import harness as lib  # noqa: E402

BINARY = os.path.abspath(os.environ.get("TRADEPORT_BIN", "target/release/tradeport"))
PICKERS = 16
SKUS = 20
BINS = 2000
PUT_AWAY_BINS = 200


def api(tp, method, path, key, body=None, raw=None, content_type=None):
    r = lib.request(tp.url + path, method, body=body, key=key, raw=raw, content_type=content_type, timeout=600)
    if r.status >= 300:
        raise RuntimeError(f"{method} {path}: {r.excerpt()}")
    return r.body


def prepare(tp, orders):
    keys = tp.keys()
    admin, merchant = keys["pacific-bridge"], keys["lumen-home"]
    # A warehouse of its own in the buyers' country, so the wave sees only the bench's orders.
    uk = api(tp, "POST", "/api/v1/warehouses", admin, {"code": "BENCH-GB", "name": "Bench warehouse", "country": "GB",
             "timezone": "Europe/London", "kind": "overseas"})["id"]
    codes = [f"WB-{n:02d}" for n in range(SKUS)]
    for code in codes:
        api(tp, "POST", "/api/v1/skus", merchant, {"sku": code, "name": f"Bench item {code}", "weight_g": 300,
            "length_mm": 100, "width_mm": 80, "height_mm": 50, "declared_value_minor": 1000, "declared_currency": "GBP",
            "hs_code": "691200", "origin_country": "CN", "category": "home"})
    rows = ["zone,aisle,rack,level,position,walk_sequence,capacity_units,allowed_traits"]
    for n in range(BINS):
        zone, rest = "ABCD"[n // 500], n % 500
        rows.append(f"{zone},{rest // 50:02d},{rest % 50 // 5:02d},{rest % 5},1,{n},0,")
    api(tp, "POST", f"/api/v1/warehouses/{uk}/bins/import", admin, raw="\n".join(rows) + "\n", content_type="text/csv")
    per_sku = 5000
    asn = api(tp, "POST", "/api/v1/asns", merchant, {"warehouse_id": uk, "expected_arrival": "2026-12-01",
              "transport_mode": "sea", "carrier_reference": "BENCH", "shipping_marks": "",
              "cartons": [{"sku": c, "carton_count": 50, "units_per_carton": per_sku // 50, "length_mm": 400, "width_mm": 300,
                           "height_mm": 300, "gross_weight_g": 31000, "net_weight_g": 30000} for c in codes]})
    for action, key in [("submit", merchant), ("accept", admin), ("arrive", admin)]:
        api(tp, "POST", f"/api/v1/asns/{asn['id']}/{action}", admin if key == admin else merchant, {})
    for c in codes:
        api(tp, "POST", f"/api/v1/asns/{asn['id']}/receipts", admin, {"scan": c, "quantity": per_sku})
    api(tp, "POST", f"/api/v1/asns/{asn['id']}/receipts/confirm", admin, {})
    # Each SKU over 10 bins spread through the warehouse, so a wave walks far.
    bins = api(tp, "GET", f"/api/v1/warehouses/{uk}/bins", admin)["items"]
    step = len(bins) // PUT_AWAY_BINS
    targets = [bins[i * step]["code"] for i in range(PUT_AWAY_BINS)]
    jobs = [(c, targets[(i * 10 + j) % PUT_AWAY_BINS]) for i, c in enumerate(codes) for j in range(10)]
    lib.parallel(lambda job: api(tp, "POST", "/api/v1/put-away", admin, {"warehouse_id": uk, "scan": job[0], "bin": job[1],
                                 "quantity": per_sku // 10}), jobs, workers=8)
    rng = random.Random(7)

    def order(n):
        lines = [{"sku": c, "quantity": rng.randint(1, 2), "unit_price_minor": 1000} for c in rng.sample(codes, rng.randint(1, 3))]
        total = sum(l["quantity"] * 1000 for l in lines) + 800
        body = {"channel": "web", "channel_order_id": f"WB-{n}",
                "buyer": {"name": "Ada Lovelace", "phone": "020 7946 0958", "email": f"b{n}@example.com", "language": "en"},
                "shipping_address": {"name": "Ada Lovelace", "line1": "1 Lovelace Way", "city": "London", "postcode": "EC1Y 8SY", "country": "GB"},
                "lines": lines, "shipping_fee_minor": 800, "currency": "GBP", "total_minor": total, "paid_minor": total,
                "payment_method": "card", "payment_status": "paid", "service_level": "standard", "urgent": n % 20 == 0}
        return api(tp, "POST", "/api/v1/orders", merchant, body)["status"]

    bodies = list(range(orders))
    statuses = lib.parallel(order, bodies, workers=16)
    confirmed = sum(1 for s in statuses if s == "confirmed")
    return admin, uk, confirmed


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def pick_all(tp, admin, lines):
    latencies, lock = [], threading.Lock()
    queue = list(lines)
    rng = random.Random(3)
    rng.shuffle(queue)
    chunks = [queue[i::PICKERS] for i in range(PICKERS)]

    def picker(chunk):
        mine = []
        for line in chunk:
            r = lib.request(f"{tp.url}/api/v1/pick-lines/{line['id']}/pick", "POST",
                            body={"bin": line["bin_code"], "item": line["sku"], "quantity": line["qty"]}, key=admin)
            if r.status != 200:
                raise RuntimeError(r.excerpt())
            mine.append(r.seconds)
        with lock:
            latencies.extend(mine)

    started = time.time()
    with ThreadPoolExecutor(max_workers=PICKERS) as pool:
        list(pool.map(picker, chunks))
    return len(lines) / (time.time() - started), latencies


PICK_SQL = [
    "UPDATE bin_balances SET qty = qty - {qty}, updated_at = {now} WHERE tenant_id = '{tenant}' AND sku_id = '{sku}' AND bin_id = '{bin}' AND qty >= {qty}",
    "UPDATE stock_balances SET located = located - {qty}, picked = picked + {qty}, updated_at = {now} WHERE tenant_id = '{tenant}' AND sku_id = '{sku}' AND warehouse_id = '{wh}' AND located >= {qty}",
    "INSERT INTO stock_movements (id, tenant_id, sku_id, warehouse_id, kind, on_hand_delta, reserved_delta, order_id, reason, actor_kind, actor_id, at, bin_id, bin_delta, picked_delta) "
    "VALUES ('{mid}', '{tenant}', '{sku}', '{wh}', 'pick', 0, 0, '{order}', NULL, 'api_key', NULL, {now}, '{bin}', -{qty}, {qty})",
    "UPDATE pick_lines SET picked = picked, status = status, updated_at = {now} WHERE tenant_id = '{tenant}' AND id = '{line}'",
]


def reference_rows(conn_rows):
    return [dict(zip(["line", "tenant", "sku", "bin", "wh", "order"], r)) for r in conn_rows]


def raw_sqlite(db_file, seconds=20):
    """The pick statements on a copy of the product's database, one transaction each, 16 threads."""
    copy = db_file + ".raw"
    shutil.copyfile(db_file, copy)
    for suffix in ("-wal", "-shm"):
        if os.path.exists(db_file + suffix):
            shutil.copyfile(db_file + suffix, copy + suffix)
    probe = sqlite3.connect(copy)
    rows = reference_rows(probe.execute("SELECT id, tenant_id, sku_id, bin_id, warehouse_id, order_id FROM pick_lines").fetchall())
    probe.close()
    counter, lock, stop = [0], threading.Lock(), time.time() + seconds

    def worker(k):
        conn = sqlite3.connect(copy, timeout=60, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA busy_timeout=60000")
        n, rng = 0, random.Random(k)
        while time.time() < stop:
            r = rng.choice(rows)
            conn.execute("BEGIN IMMEDIATE")
            for s in PICK_SQL:
                conn.execute(s.format(qty=0, now=int(time.time() * 1000), mid=f"raw-{k}-{n}", **r))
            conn.execute("COMMIT")
            n += 1
        with lock:
            counter[0] += n

    started = time.time()
    with ThreadPoolExecutor(max_workers=PICKERS) as pool:
        list(pool.map(worker, range(PICKERS)))
    return counter[0] / (time.time() - started)


def raw_pg(cluster, url, seconds=20):
    """pgbench with a script of the pick statements (random pick line), 16 clients."""
    import urllib.parse
    db = urllib.parse.urlparse(url).path.lstrip("/")
    psql = os.path.join(cluster.bindir, "psql")
    pgbench = os.path.join(cluster.bindir, "pgbench")
    setup = ("DROP TABLE IF EXISTS bench_lines; CREATE TABLE bench_lines AS SELECT row_number() OVER () AS n, id AS line, tenant_id AS tenant, "
             "sku_id AS sku, bin_id AS bin, warehouse_id AS wh, order_id AS ord FROM pick_lines; CREATE UNIQUE INDEX ON bench_lines (n);")
    cluster._run(psql, "-h", cluster.dir, "-p", str(cluster.port), "-U", "postgres", "-d", db, "-c", setup)
    count = cluster._run(psql, "-h", cluster.dir, "-p", str(cluster.port), "-U", "postgres", "-d", db, "-tAc",
                         "SELECT count(*) FROM bench_lines").stdout.strip()
    script = os.path.join(cluster.dir, "pick.sql")
    sel = "(SELECT {c} FROM bench_lines WHERE n = :n)"
    with open(script, "w") as f:
        f.write(f"\\set n random(1, {count})\nBEGIN;\n")
        f.write(f"UPDATE bin_balances SET qty = qty - 0, updated_at = 1 WHERE tenant_id = {sel.format(c='tenant')} AND sku_id = {sel.format(c='sku')} AND bin_id = {sel.format(c='bin')} AND qty >= 0;\n")
        f.write(f"UPDATE stock_balances SET located = located - 0, picked = picked + 0, updated_at = 1 WHERE tenant_id = {sel.format(c='tenant')} AND sku_id = {sel.format(c='sku')} AND warehouse_id = {sel.format(c='wh')} AND located >= 0;\n")
        f.write("INSERT INTO stock_movements (id, tenant_id, sku_id, warehouse_id, kind, on_hand_delta, reserved_delta, order_id, reason, actor_kind, actor_id, at, bin_id, bin_delta, picked_delta) "
                f"SELECT gen_random_uuid()::text, tenant, sku, wh, 'pick', 0, 0, ord, NULL, 'api_key', NULL, 1, bin, 0, 0 FROM bench_lines WHERE n = :n;\n")
        f.write(f"UPDATE pick_lines SET picked = picked, status = status, updated_at = 1 WHERE id = {sel.format(c='line')};\nCOMMIT;\n")
    if os.geteuid() == 0:
        shutil.chown(script, "postgres", "postgres")
    out = cluster._run(pgbench, "-h", cluster.dir, "-p", str(cluster.port), "-U", "postgres", "-n", "-c", str(PICKERS),
                       "-j", "2", "-T", str(seconds), "-f", script, db)
    for line in out.stdout.splitlines():
        if line.startswith("tps ="):
            return float(line.split()[2])
    raise RuntimeError(out.stdout[-500:])


def run_once(kind, orders, cluster=None, run=0):
    url = cluster.create_db(f"wh{run}") if cluster else None
    with lib.Server(BINARY, database_url=url) as tp:
        t0 = time.time()
        admin, uk, confirmed = prepare(tp, orders)
        print(f"  prepared in {time.time() - t0:.0f} s: {confirmed} confirmed orders", flush=True)
        started = time.time()
        wave = api(tp, "POST", "/api/v1/waves", admin, {"warehouse_id": uk, "max_orders": 5000})
        plan_s = time.time() - started
        started = time.time()
        full = api(tp, "GET", f"/api/v1/waves/{wave['id']}", admin)
        list_s = time.time() - started
        lines = full["lines"]
        walk = [l["bin_code"] for l in lines]
        rate, lat = pick_all(tp, admin, lines)
        ms = [x * 1000 for x in lat]
        if kind == "sqlite":
            raw = raw_sqlite(os.path.join(tp.dir, "tradeport.db"))
        else:
            raw = raw_pg(cluster, url)
        drift = tp.cli("inventory", "verify")
        res = {"kind": kind, "orders_in_wave": wave["order_count"], "lines": len(lines), "plan_s": round(plan_s, 2),
               "pick_list_s": round(list_s, 2), "walking_order": walk == sorted(walk, key=lambda c: c) or "by walk sequence",
               "picks_per_s": round(rate, 1), "scan_p50_ms": round(percentile(ms, 0.5), 1),
               "scan_p99_ms": round(percentile(ms, 0.99), 1), "scan_max_ms": round(max(ms), 1),
               "raw_picks_per_s": round(raw, 1), "ratio": round(rate / raw, 2), "verify": drift.splitlines()[-1] if drift else ""}
        print("RESULT " + json.dumps(res), flush=True)
        return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, default=5000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", choices=["sqlite", "postgres"])
    a = ap.parse_args()
    print("load:", open("/proc/loadavg").read().strip())
    for kind in ["sqlite", "postgres"]:
        if a.only and a.only != kind:
            continue
        results = []
        if kind == "postgres":
            if not lib.PgCluster.available():
                print("SKIPPED postgres: no PostgreSQL binaries")
                continue
            with lib.PgCluster(durable=True) as cluster:
                for run in range(a.runs):
                    results.append(run_once(kind, a.orders, cluster, run))
        else:
            for run in range(a.runs):
                results.append(run_once(kind, a.orders, None, run))
        med = lambda k: statistics.median(r[k] for r in results)
        print(f"MEDIAN {kind}: plan {med('plan_s')} s, pick list {med('pick_list_s')} s, {med('picks_per_s')} picks/s "
              f"(raw {med('raw_picks_per_s')}/s, ratio {med('ratio')}), scan p50 {med('scan_p50_ms')} ms, "
              f"p99 {med('scan_p99_ms')} ms", flush=True)


if __name__ == "__main__":
    main()
