#!/usr/bin/env python3
"""Tracking ingestion (SHP-6): signed EasyPost tracker webhooks from 16 concurrent senders, each
checked (HMAC), normalised, kept once, moving its parcel forward only and looked at by the lane
rules, on SQLite and on PostgreSQL 15 (fsync on), beside a raw-engine reference in the same run.

Run from the project root after `cargo build --release -p tradeport`, when `uptime` is quiet:

    python3 bench/tracking.py [--orders 300] [--seconds 60] [--runs 3] [--only sqlite|postgres]

Each run starts `serve --demo` on a fresh database and, through the API, takes ORDERS paid orders
through a wave, picking and packing (bench/warehouse.py's floor), labels every package with a
bench carrier service and hands the parcels over; sets the EasyPost secret and three lane rules
(no update, failed deliveries, returned to sender). Then for SECONDS:

1. Webhooks: 16 threads post EasyPost `tracker.updated` bodies, signed as EasyPost signs them,
   each with the parcel's next one to three events (info received, in transit, customs, out for
   delivery, a failed attempt, delivered); one body in ten is a retry of an earlier one (kept
   once). Events per second kept, and the latency of a webhook (p50/p99).
2. Reference: for each webhook, the same rows straight through the engine, one transaction per
   webhook, 16 threads or clients: the events inserted once (ON CONFLICT DO NOTHING), the
   shipment's last event and status updated, the order's timeline row appended. Python's sqlite3
   on a copy of the database (the product's pragmas); `pgbench` with a script of the statements.

Prints RESULT lines; never fails on timing.
"""
import argparse
import hashlib
import hmac
import json
import os
import random
import shutil
import sqlite3
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import warehouse as wh  # noqa: E402

lib = wh.lib
SENDERS = 16
SECRET = "bench-webhook-secret"
STEPS = [("pre_transit", "label_created"), ("in_transit", "arrived_at_facility"), ("in_transit", "customs_processing"),
         ("out_for_delivery", "out_for_delivery"), ("failure", "delivery_attempt"), ("delivered", "arrived_at_destination")]


def ship_everything(tp, orders):
    """Orders picked, packed, labelled and handed over; the parcels' tracking numbers."""
    admin, uk, confirmed = wh.prepare(tp, orders)
    api = wh.api
    api(tp, "PATCH", "/api/v1/settings", admin, {"spot_check_pct": 0})
    api(tp, "POST", "/api/v1/carrier-services", admin, {
        "code": "BENCH-TRK", "name": "Bench tracked", "carrier": "Bench Post", "kind": "local_delivery",
        "origins": ["BENCH-GB"], "zones": [{"country": "GB"}], "currency": "GBP",
        "brackets": [{"up_to_g": 30000, "first_g": 1000, "first_minor": 300, "additional_g": 1000, "additional_minor": 50}],
        "max_weight_g": 30000, "transit_days_min": 1, "transit_days_max": 3, "cutoff": "16:00", "number_prefix": "BT"})
    wave = api(tp, "POST", "/api/v1/waves", admin, {"warehouse_id": uk, "max_orders": 5000})
    full = api(tp, "GET", f"/api/v1/waves/{wave['id']}", admin)
    wh.pick_all(tp, admin, full["lines"])
    order_ids = sorted({l["order_id"] for l in full["lines"]})

    def pack(order_id):
        numbers = []
        for p in api(tp, "POST", f"/api/v1/orders/{order_id}/packages", admin, {})["items"]:
            for item in p["items"]:
                for _ in range(item["qty"]):
                    api(tp, "POST", f"/api/v1/packages/{p['id']}/items", admin, {"item": item["sku"]})
            api(tp, "POST", f"/api/v1/packages/{p['id']}/weight", admin, {"weight_g": p["expected_weight_g"]})
            numbers.append(api(tp, "POST", f"/api/v1/packages/{p['id']}/shipment", admin, {})["tracking_no"])
        return numbers

    numbers = [n for ns in lib.parallel(pack, order_ids, workers=8) for n in ns]
    for i in range(0, len(numbers), 200):
        api(tp, "POST", "/api/v1/handovers", admin, {"warehouse_id": uk, "carrier": "Bench Post", "packages": numbers[i:i + 200]})
    api(tp, "PUT", "/api/v1/tracking/easypost", admin, {"webhook_secret": SECRET})
    for rule in [{"kind": "no_update", "threshold": 48}, {"kind": "delivery_failed", "threshold": 2},
                 {"kind": "returned_to_sender", "threshold": 0}]:
        api(tp, "POST", "/api/v1/lane-rules", admin, rule)
    operator = api(tp, "GET", "/api/v1/me", admin)["operator_id"]
    return operator, numbers, confirmed


def webhook_body(number, steps, base):
    details = [{"object": "TrackingDetail", "message": f"{status} {detail}", "status": status, "status_detail": detail,
                "datetime": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(base + k * 3600)), "source": "Bench Post",
                "tracking_location": {"object": "TrackingLocation", "city": "London", "country": "GB"}}
               for k, (status, detail) in steps]
    event = {"object": "Event", "description": "tracker.updated", "mode": "test",
             "result": {"object": "Tracker", "tracking_code": number, "status": steps[-1][1][0], "tracking_details": details}}
    return json.dumps(event, separators=(",", ":")).encode()


def sign(body):
    return "hmac-sha256-hex=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()


def send_webhooks(tp, operator, numbers, seconds):
    url = f"{tp.url}/api/v1/hooks/easypost/{operator}"
    progress = {n: 0 for n in numbers}
    lock = threading.Lock()
    stop = time.time() + seconds
    totals = {"stored": 0, "duplicates": 0, "moved": 0, "webhooks": 0}
    latencies, sent_bodies = [], []
    base = int(time.time()) - 10 * 86400

    def sender(k):
        rng = random.Random(k)
        mine, counts = [], {"stored": 0, "duplicates": 0, "moved": 0, "webhooks": 0}
        while time.time() < stop:
            with lock:
                if sent_bodies and rng.random() < 0.1:
                    body = rng.choice(sent_bodies)
                else:
                    number = rng.choice(numbers)
                    start = progress[number]
                    n = rng.randint(1, 3)
                    steps = [(start + i, STEPS[(start + i) % len(STEPS)]) for i in range(n)]
                    progress[number] = start + n
                    body = webhook_body(number, steps, base)
                    sent_bodies.append(body)
            r = lib.request(url, "POST", raw=body, content_type="application/json", headers={"X-Hmac-Signature": sign(body)})
            if r.status != 200:
                raise RuntimeError(r.excerpt())
            mine.append(r.seconds)
            counts["webhooks"] += 1
            for key in ("stored", "duplicates", "moved"):
                counts[key] += r.body[key]
        with lock:
            latencies.extend(mine)
            for key in counts:
                totals[key] += counts[key]

    started = time.time()
    with ThreadPoolExecutor(max_workers=SENDERS) as pool:
        list(pool.map(sender, range(SENDERS)))
    return totals, time.time() - started, latencies, sent_bodies


RAW_SQL = [
    "INSERT INTO tracking_events (id, tenant_id, tracking_no, shipment_id, source, carrier_code, description, location, status, happened_at, received_at) "
    "VALUES ('{eid}', '{tenant}', '{number}', '{shipment}', 'easypost', '{code}', 'bench', 'London, GB', 'in_transit', {at}, {now}) "
    "ON CONFLICT (tenant_id, tracking_no, source, happened_at, carrier_code) DO NOTHING",
    "UPDATE shipments SET last_event_at = CASE WHEN last_event_at IS NULL OR last_event_at < {at} THEN {at} ELSE last_event_at END, "
    "failed_attempts = failed_attempts + 0 WHERE tenant_id = '{tenant}' AND id = '{shipment}'",
    "UPDATE shipments SET tracking_status = 'in_transit', tracking_at = {at} WHERE tenant_id = '{tenant}' AND id = '{shipment}'",
    "INSERT INTO events (id, tenant_id, merchant_id, subject_type, subject_id, kind, actor_kind, actor_id, reason, data, at) "
    "VALUES ('{vid}', '{tenant}', '{merchant}', 'order', '{order}', 'order_parcel_moved', 'system', NULL, NULL, '{{}}', {now})",
]


def raw_sqlite(db_file, events_per_webhook, seconds):
    """The rows of a webhook on a copy of the product's database, one transaction each, 16 threads."""
    copy = db_file + ".raw"
    shutil.copyfile(db_file, copy)
    for suffix in ("-wal", "-shm"):
        if os.path.exists(db_file + suffix):
            shutil.copyfile(db_file + suffix, copy + suffix)
    probe = sqlite3.connect(copy)
    rows = probe.execute("SELECT id, tenant_id, tracking_no, merchant_id, order_id FROM shipments").fetchall()
    probe.close()
    counter, lock, stop = [0], threading.Lock(), time.time() + seconds

    def worker(k):
        conn = sqlite3.connect(copy, timeout=60, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA busy_timeout=60000")
        n, rng = 0, random.Random(k)
        while time.time() < stop:
            shipment, tenant, number, merchant, order = rng.choice(rows)
            now = int(time.time() * 1000)
            conn.execute("BEGIN IMMEDIATE")
            for e in range(events_per_webhook):
                at = now + e
                for s in RAW_SQL:
                    conn.execute(s.format(eid=f"raw-{k}-{n}-{e}", vid=f"rawv-{k}-{n}-{e}", tenant=tenant, number=number,
                                          shipment=shipment, code=f"in_transit/raw{e}", at=at, now=now, merchant=merchant, order=order))
            conn.execute("COMMIT")
            n += 1
        with lock:
            counter[0] += n * events_per_webhook

    started = time.time()
    with ThreadPoolExecutor(max_workers=SENDERS) as pool:
        list(pool.map(worker, range(SENDERS)))
    return counter[0] / (time.time() - started)


def raw_pg(cluster, url, events_per_webhook, seconds):
    """pgbench with a script of the same rows (a random shipment), 16 clients."""
    import urllib.parse
    db = urllib.parse.urlparse(url).path.lstrip("/")
    psql = os.path.join(cluster.bindir, "psql")
    pgbench = os.path.join(cluster.bindir, "pgbench")
    setup = ("DROP TABLE IF EXISTS bench_parcels; CREATE TABLE bench_parcels AS SELECT row_number() OVER () AS n, id AS shipment, "
             "tenant_id AS tenant, tracking_no AS number, merchant_id AS merchant, order_id AS ord FROM shipments; "
             "CREATE UNIQUE INDEX ON bench_parcels (n);")
    cluster._run(psql, "-h", cluster.dir, "-p", str(cluster.port), "-U", "postgres", "-d", db, "-c", setup)
    count = cluster._run(psql, "-h", cluster.dir, "-p", str(cluster.port), "-U", "postgres", "-d", db, "-tAc",
                         "SELECT count(*) FROM bench_parcels").stdout.strip()
    script = os.path.join(cluster.dir, "tracking.sql")
    with open(script, "w") as f:
        f.write(f"\\set n random(1, {count})\nBEGIN;\n")
        for e in range(events_per_webhook):
            f.write("INSERT INTO tracking_events (id, tenant_id, tracking_no, shipment_id, source, carrier_code, description, location, "
                    "status, happened_at, received_at) SELECT gen_random_uuid()::text, tenant, number, shipment, 'easypost', "
                    f"'in_transit/raw{e}', 'bench', 'London, GB', 'in_transit', (extract(epoch from clock_timestamp()) * 1000)::bigint + {e}, 1 "
                    "FROM bench_parcels WHERE n = :n ON CONFLICT (tenant_id, tracking_no, source, happened_at, carrier_code) DO NOTHING;\n")
            f.write("UPDATE shipments SET last_event_at = GREATEST(COALESCE(last_event_at, 0), 1), failed_attempts = failed_attempts + 0 "
                    "WHERE id = (SELECT shipment FROM bench_parcels WHERE n = :n);\n")
            f.write("UPDATE shipments SET tracking_status = 'in_transit', tracking_at = 1 WHERE id = (SELECT shipment FROM bench_parcels WHERE n = :n);\n")
            f.write("INSERT INTO events (id, tenant_id, merchant_id, subject_type, subject_id, kind, actor_kind, actor_id, reason, data, at) "
                    "SELECT gen_random_uuid()::text, tenant, merchant, 'order', ord, 'order_parcel_moved', 'system', NULL, NULL, '{}', 1 "
                    "FROM bench_parcels WHERE n = :n;\n")
        f.write("COMMIT;\n")
    if os.geteuid() == 0:
        shutil.chown(script, "postgres", "postgres")
    out = cluster._run(pgbench, "-h", cluster.dir, "-p", str(cluster.port), "-U", "postgres", "-n", "-c", str(SENDERS),
                       "-j", "2", "-T", str(seconds), "-f", script, db)
    for line in out.stdout.splitlines():
        if line.startswith("tps ="):
            return float(line.split()[2]) * events_per_webhook
    raise RuntimeError(out.stdout[-500:])


def run_once(kind, orders, seconds, cluster=None, run=0):
    url = cluster.create_db(f"trk{run}") if cluster else None
    with lib.Server(wh.BINARY, database_url=url) as tp:
        t0 = time.time()
        operator, numbers, confirmed = ship_everything(tp, orders)
        print(f"  prepared in {time.time() - t0:.0f} s: {len(numbers)} parcels handed over", flush=True)
        totals, took, lat, bodies = send_webhooks(tp, operator, numbers, seconds)
        per_webhook = max(1, round((totals["stored"] + totals["duplicates"]) / max(1, totals["webhooks"])))
        if kind == "sqlite":
            raw = raw_sqlite(os.path.join(tp.dir, "tradeport.db"), per_webhook, seconds)
        else:
            raw = raw_pg(cluster, url, per_webhook, seconds)
        ms = [x * 1000 for x in lat]
        kept = totals["stored"] + totals["duplicates"]
        res = {"kind": kind, "parcels": len(numbers), "webhooks": totals["webhooks"], "events_stored": totals["stored"],
               "duplicates": totals["duplicates"], "moved": totals["moved"], "seconds": round(took, 1),
               "events_per_s": round(kept / took, 1), "webhooks_per_s": round(totals["webhooks"] / took, 1),
               "p50_ms": round(wh.percentile(ms, 0.5), 1), "p99_ms": round(wh.percentile(ms, 0.99), 1),
               "raw_events_per_s": round(raw, 1), "ratio": round(kept / took / raw, 2)}
        print("RESULT " + json.dumps(res), flush=True)
        return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, default=300)
    ap.add_argument("--seconds", type=int, default=60)
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
                    results.append(run_once(kind, a.orders, a.seconds, cluster, run))
        else:
            for run in range(a.runs):
                results.append(run_once(kind, a.orders, a.seconds, None, run))
        med = lambda k: statistics.median(r[k] for r in results)
        print(f"MEDIAN {kind}: {med('events_per_s')} events/s ({med('webhooks_per_s')} webhooks/s; raw {med('raw_events_per_s')} "
              f"events/s, ratio {med('ratio')}), webhook p50 {med('p50_ms')} ms, p99 {med('p99_ms')} ms", flush=True)


if __name__ == "__main__":
    main()
