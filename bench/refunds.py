#!/usr/bin/env python3
"""Refunds with concurrent retries (AFS-4, #11): partial refund requests from 16 concurrent staff
clients, one in four a retry of an earlier request, each decided under the order's lock (never
more than was paid, never paid twice), on SQLite and on PostgreSQL 15 (fsync on), beside a
raw-engine reference in the same run.

Run from the project root after `cargo build --release -p tradeport`, when `uptime` is quiet:

    python3 bench/refunds.py [--orders 200] [--seconds 60] [--runs 3] [--only sqlite|postgres]

Each run starts `serve --demo` on a fresh database (a SQLite file, or a new database on a
throwaway PostgreSQL 15 cluster with fsync on) and, through the API as the demo merchant, posts
ORDERS paid orders of 100.00 GBP each (total_minor = paid_minor = 10000; auto-approve may hold or
approve them: refunds take any status). Then:

1. Refunds: for SECONDS, 16 threads post `POST /api/v1/orders/{id}/refunds` with the operator's
   admin key, `{"amount_minor": 500..3000, "method": "store_credit", "reason": "bench",
   "request_key": K}`, on random orders; one request in four is a retry that repeats an earlier
   (order, key, amount) exactly (possibly while the first is still in flight). Expected answers:
   200 (a new refund, or the same refund again for a retry) or 409 `refund.refused` (no room left
   on the order); anything else counts as an error and is reported. Refunds/s = every answered
   request per second; latency p50/p99. At 100.00 an order takes about six refunds, so with the
   defaults most orders are full within seconds and most of the minute measures refusals (the
   RESULT line gives the mix).
2. Check, through the API: `GET /api/v1/orders/{id}/refunds` of every order; refunded (and under
   way) never above what was paid, each request_key at most once, each key answered 200 with one
   refund only and that refund listed. A failed check makes the script exit 1 (timing never does).
3. Reference: the same work straight through the engine, one transaction per request, 16 threads
   or clients, as many requests as the product answered (so the orders fill up as they did and
   the mix of writes and refusals is the same), with the bench orders' refunds removed first so
   the reference starts with the room the product had: lock the order (SQLite: BEGIN IMMEDIATE; PostgreSQL: SELECT ...
   FOR UPDATE), read the sum of its refunds paid or under way and whether the key was seen, then,
   if there is room and the key is new, insert the refund (ON CONFLICT DO NOTHING), the
   store-credit entry and the order's timeline event. Python's sqlite3 on a copy of the product's
   database (the product's pragmas: WAL, synchronous FULL, foreign keys); `pgbench` with a script
   of the same statements (retries from each client's own earlier requests).

Prints RESULT lines (per run and the median of the runs) and writes them, with the conditions,
to bench/last_refunds.txt; never fails on timing.
"""
import argparse
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import warehouse as wh  # noqa: E402

lib = wh.lib
SENDERS = 16
RETRY_SHARE = 0.25
PAID_MINOR = 10_000
AMOUNTS = (500, 3000)
ORDER_PREFIX = "RFB-"
LAST = os.path.join(os.path.dirname(os.path.abspath(__file__)), "last_refunds.txt")
LINES = []


def say(line):
    """Prints a line and keeps it for bench/last_refunds.txt."""
    print(line, flush=True)
    LINES.append(line)


def load():
    return open("/proc/loadavg").read().strip()


def order_body(n):
    """A paid order of 100.00 GBP: one desk lamp at 92.01 and 7.99 shipping."""
    return {"channel": "web", "channel_order_id": f"{ORDER_PREFIX}{n}",
            "buyer": {"name": "Ada Lovelace", "phone": "020 7946 0958", "email": f"r{n}@example.com", "language": "en"},
            "shipping_address": {"name": "Ada Lovelace", "line1": "1 Lovelace Way", "city": "London", "postcode": "EC1Y 8SY", "country": "GB"},
            "lines": [{"sku": "LMP-DESK-01", "quantity": 1, "unit_price_minor": PAID_MINOR - 799}], "shipping_fee_minor": 799,
            "currency": "GBP", "total_minor": PAID_MINOR, "paid_minor": PAID_MINOR, "payment_method": "card",
            "payment_status": "paid", "service_level": "standard"}


def top_up(tp, admin):
    """Tops up the lamp's stock as the intake bench does, so the orders reserve rather than wait."""
    status, stock = lib.call(tp.url + "/api/v1/stock?limit=200", key=admin)
    items = stock.get("items", []) if isinstance(stock, dict) else []
    lamp = [b for b in items if b.get("sku") == "LMP-DESK-01" or b.get("sku_code") == "LMP-DESK-01"]
    if not lamp:
        print(f"  note: no stock row for LMP-DESK-01 (HTTP {status}); orders may wait for stock", flush=True)
        return
    wh.api(tp, "POST", "/api/v1/stock/adjustments", admin, {"sku_id": lamp[0]["sku_id"], "warehouse_id": lamp[0]["warehouse_id"],
           "delta": 10_000_000, "reason": "bench top-up"})


def prepare(tp, orders):
    """The demo's admin key and ORDERS paid orders of 100.00 GBP posted by the demo merchant."""
    keys = tp.keys()
    admin, merchant = keys["pacific-bridge"], keys["lumen-home"]
    top_up(tp, admin)
    made = lib.parallel(lambda n: wh.api(tp, "POST", "/api/v1/orders", merchant, order_body(n)), range(orders), workers=SENDERS)
    statuses = {}
    for o in made:
        statuses[o.get("status")] = statuses.get(o.get("status"), 0) + 1
    return admin, [o["id"] for o in made], statuses


class Asks:
    """The stream of refund requests the senders share: a new (order, key, amount) three times in
    four, otherwise an earlier one exactly. `orders` is anything indexable; asks name it by index."""

    def __init__(self, orders, prefix="bench"):
        self.orders, self.prefix = orders, prefix
        self.sent, self.lock = [], threading.Lock()

    def next(self, rng):
        """(order index, request key, amount, is a retry)."""
        with self.lock:
            if self.sent and rng.random() < RETRY_SHARE:
                return self.sent[rng.randrange(len(self.sent))] + (True,)
            ask = (rng.randrange(len(self.orders)), f"{self.prefix}-{len(self.sent) + 1}", rng.randint(*AMOUNTS))
            self.sent.append(ask)
            return ask + (False,)


def error_code(body):
    return body.get("error", {}).get("code") if isinstance(body, dict) and isinstance(body.get("error"), dict) else None


def send_refunds(tp, admin, order_ids, seconds):
    """16 threads post refund requests for SECONDS; tallies, latencies and the refunds answered per key."""
    asks = Asks(order_ids)
    lock = threading.Lock()
    stop = time.time() + seconds
    totals = {"answered": 0, "new": 0, "retried": 0, "refused": 0, "errors": 0}
    latencies, answers, samples = [], {}, []

    def sender(k):
        rng = random.Random(k)
        mine, counts, seen = [], dict.fromkeys(totals, 0), []
        while time.time() < stop:
            idx, key, amount, retry = asks.next(rng)
            order_id = order_ids[idx]
            r = lib.request(f"{tp.url}/api/v1/orders/{order_id}/refunds", "POST", key=admin,
                            body={"amount_minor": amount, "method": "store_credit", "reason": "bench", "request_key": key})
            if r.status:
                counts["answered"] += 1
                mine.append(r.seconds)
            if r.status == 200 and isinstance(r.body, dict):
                counts["retried" if retry else "new"] += 1
                seen.append(((order_id, key), r.body.get("id"), r.body.get("amount_minor"), amount))
            elif r.status == 409 and error_code(r.body) == "refund.refused":
                counts["refused"] += 1
            else:
                counts["errors"] += 1
                if len(samples) < 5:
                    samples.append(f"{order_id} {key}: {r.excerpt(200)}")
        with lock:
            latencies.extend(mine)
            for name in counts:
                totals[name] += counts[name]
            for pair, refund_id, answered_amount, asked in seen:
                answers.setdefault(pair, set()).add((refund_id, answered_amount, asked))

    started = time.time()
    with ThreadPoolExecutor(max_workers=SENDERS) as pool:
        list(pool.map(sender, range(SENDERS)))
    return totals, time.time() - started, latencies, answers, samples


def check_money(tp, admin, order_ids, answers):
    """Every order's refunds through the API against what was paid and what was answered."""
    books = dict(zip(order_ids, lib.parallel(lambda o: wh.api(tp, "GET", f"/api/v1/orders/{o}/refunds", admin), order_ids,
                                             workers=SENDERS)))
    found = {"orders": len(order_ids), "refunds": 0, "refunded_minor": 0, "over_paid": 0, "paid_not_100": 0,
             "duplicate_keys": 0, "two_answers": 0, "answer_not_listed": 0, "wrong_amount": 0}
    for order_id, book in books.items():
        items = book["items"]
        found["refunds"] += len(items)
        found["refunded_minor"] += book["refunded_minor"]
        if book["refunded_minor"] + book["pending_minor"] > book["paid_minor"]:
            found["over_paid"] += 1
        if book["paid_minor"] != PAID_MINOR:
            found["paid_not_100"] += 1
        keys = [i["request_key"] for i in items]
        found["duplicate_keys"] += len(keys) - len(set(keys))
    listed = {(o, i["request_key"]): i for o, book in books.items() for i in book["items"]}
    for pair, seen in answers.items():
        ids = {refund_id for refund_id, _, _ in seen}
        if len(ids) > 1:
            found["two_answers"] += 1
        if any(got != asked for _, got, asked in seen):
            found["wrong_amount"] += 1
        item = listed.get(pair)
        if item is None or item["id"] not in ids:
            found["answer_not_listed"] += 1
    found["ok"] = not any(found[k] for k in ("over_paid", "paid_not_100", "duplicate_keys", "two_answers",
                                             "answer_not_listed", "wrong_amount"))
    return found


REFUND_SUM = ("SELECT COALESCE(SUM(CASE WHEN status IN ('pending', 'succeeded') THEN amount_minor END), 0), "
              "COUNT(CASE WHEN request_key = ? THEN 1 END) FROM refunds WHERE tenant_id = ? AND order_id = ?")
INSERT_REFUND = ("INSERT INTO refunds (id, tenant_id, merchant_id, order_id, amount_minor, currency, method, reason, status, "
                 "request_key, provider_ref, error, actor, created_at, updated_at) "
                 "VALUES (?, ?, ?, ?, ?, 'GBP', 'store_credit', 'bench', 'succeeded', ?, NULL, NULL, 'api_key:bench', ?, ?) "
                 "ON CONFLICT (tenant_id, order_id, request_key) DO NOTHING")
INSERT_CREDIT = ("INSERT INTO store_credit_entries (id, tenant_id, merchant_id, buyer_email, currency, delta_minor, refund_id, note, at) "
                 "VALUES (?, ?, ?, ?, 'GBP', ?, ?, 'refund of order: bench', ?)")
INSERT_EVENT = ("INSERT INTO events (id, tenant_id, merchant_id, subject_type, subject_id, kind, actor_kind, actor_id, reason, data, at) "
                "VALUES (?, ?, ?, 'order', ?, 'order_refunded', 'api_key', 'bench', 'bench', ?, ?)")
BENCH_ORDERS_SQLITE = f"SELECT tenant_id, id, merchant_id, buyer_email FROM orders WHERE channel_order_id LIKE '{ORDER_PREFIX}%' ORDER BY id"
CLEAR_SQLITE = [
    "DELETE FROM store_credit_entries WHERE refund_id IN (SELECT r.id FROM refunds r JOIN orders o ON o.tenant_id = r.tenant_id "
    f"AND o.id = r.order_id WHERE o.channel_order_id LIKE '{ORDER_PREFIX}%')",
    f"DELETE FROM refunds WHERE order_id IN (SELECT id FROM orders WHERE channel_order_id LIKE '{ORDER_PREFIX}%')",
]


def copy_database(db_file):
    """A consistent copy of the product's SQLite file (the backup API) with the bench orders' refunds
    removed, so the reference starts with the room the product had."""
    copy = db_file + ".raw"
    src, dst = sqlite3.connect(db_file, timeout=60), sqlite3.connect(copy)
    src.backup(dst)
    src.close()
    dst.execute("PRAGMA foreign_keys=ON")
    for sql in CLEAR_SQLITE:
        dst.execute(sql)
    dst.commit()
    dst.execute("PRAGMA journal_mode=WAL")
    dst.close()
    return copy


def raw_sqlite(db_file, seconds, limit):
    """The refund's statements on a copy of the product's database, one transaction each, 16 threads,
    as many requests as the product answered (so the room on the orders runs out as it did)."""
    copy = copy_database(db_file)
    probe = sqlite3.connect(copy)
    rows = probe.execute(BENCH_ORDERS_SQLITE).fetchall()
    probe.close()
    asks = Asks(rows, prefix="raw")
    counter, lock, stop = {"requests": 0, "written": 0, "claimed": 0}, threading.Lock(), time.time() + seconds * 10

    def claim():
        with lock:
            if counter["claimed"] >= limit:
                return False
            counter["claimed"] += 1
            return True

    def worker(k):
        conn = sqlite3.connect(copy, timeout=60, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=60000")
        n, written, rng = 0, 0, random.Random(k)
        while time.time() < stop and claim():
            idx, key, amount, _ = asks.next(rng)
            tenant, order, merchant, email = rows[idx]
            now = int(time.time() * 1000)
            conn.execute("BEGIN IMMEDIATE")
            paid = conn.execute("SELECT paid_minor FROM orders WHERE tenant_id = ? AND id = ?", (tenant, order)).fetchone()[0]
            committed, seen = conn.execute(REFUND_SUM, (key, tenant, order)).fetchone()
            if not seen and committed + amount <= paid:
                refund_id = str(uuid.uuid4())
                data = json.dumps({"refund_id": refund_id, "amount_minor": amount, "currency": "GBP", "method": "store_credit",
                                   "provider_ref": None, "error": None}, separators=(",", ":"))
                conn.execute(INSERT_REFUND, (refund_id, tenant, merchant, order, amount, key, now, now))
                conn.execute(INSERT_CREDIT, (str(uuid.uuid4()), tenant, merchant, email, amount, refund_id, now))
                conn.execute(INSERT_EVENT, (str(uuid.uuid4()), tenant, merchant, order, data, now))
                written += 1
            conn.execute("COMMIT")
            n += 1
        conn.close()
        with lock:
            counter["requests"] += n
            counter["written"] += written

    started = time.time()
    with ThreadPoolExecutor(max_workers=SENDERS) as pool:
        list(pool.map(worker, range(SENDERS)))
    return counter["requests"] / (time.time() - started), counter["written"]


NOW_PG = "(extract(epoch from clock_timestamp()) * 1000)::bigint"
RAW_KEY_PG = "'raw-' || :client_id || '-' || :j"
PG_SETUP = (
    "DROP TABLE IF EXISTS bench_refund_orders; "
    "CREATE TABLE bench_refund_orders AS SELECT row_number() OVER (ORDER BY id) AS n, id AS ord, tenant_id AS tenant, "
    f"merchant_id AS merchant, buyer_email AS email FROM orders WHERE channel_order_id LIKE '{ORDER_PREFIX}%'; "
    "CREATE UNIQUE INDEX ON bench_refund_orders (n); "
    "DELETE FROM store_credit_entries WHERE refund_id IN (SELECT r.id FROM refunds r JOIN bench_refund_orders b "
    "ON r.tenant_id = b.tenant AND r.order_id = b.ord); "
    "DELETE FROM refunds r USING bench_refund_orders b WHERE r.tenant_id = b.tenant AND r.order_id = b.ord;"
)


def pgbench_script(count):
    """One refund request per transaction. Request j of a client is new (j = seq + 1) or, one time in
    four, a retry of one of its earlier ones; its order and amount follow from (client, j)."""
    b = "FROM bench_refund_orders WHERE n = :n"
    return "\n".join([
        "\\set j CASE WHEN :seq > 0 AND random(1, 4) = 1 THEN random(1, :seq) ELSE :seq + 1 END",
        "\\set seq greatest(:seq, :j)",
        f"\\set n 1 + abs(hash(:client_id * 1000003 + :j)) % {count}",
        f"\\set amount {AMOUNTS[0]} + abs(hash(:client_id * 1000003 + :j, 7)) % {AMOUNTS[1] - AMOUNTS[0] + 1}",
        "BEGIN;",
        "SELECT o.paid_minor AS paid FROM orders o JOIN bench_refund_orders b ON o.tenant_id = b.tenant AND o.id = b.ord "
        "WHERE b.n = :n FOR UPDATE OF o \\gset",
        "SELECT COALESCE(SUM(CASE WHEN r.status IN ('pending', 'succeeded') THEN r.amount_minor END), 0) AS committed, "
        f"COUNT(CASE WHEN r.request_key = {RAW_KEY_PG} THEN 1 END) AS seen FROM refunds r JOIN bench_refund_orders b "
        "ON r.tenant_id = b.tenant AND r.order_id = b.ord WHERE b.n = :n \\gset",
        "\\if :seen = 0 AND :committed + :amount <= :paid",
        "INSERT INTO refunds (id, tenant_id, merchant_id, order_id, amount_minor, currency, method, reason, status, request_key, "
        f"provider_ref, error, actor, created_at, updated_at) SELECT {RAW_KEY_PG}, tenant, merchant, ord, :amount, 'GBP', "
        f"'store_credit', 'bench', 'succeeded', {RAW_KEY_PG}, NULL, NULL, 'api_key:bench', {NOW_PG}, {NOW_PG} {b} "
        "ON CONFLICT (tenant_id, order_id, request_key) DO NOTHING;",
        "INSERT INTO store_credit_entries (id, tenant_id, merchant_id, buyer_email, currency, delta_minor, refund_id, note, at) "
        f"SELECT gen_random_uuid()::text, tenant, merchant, email, 'GBP', :amount, {RAW_KEY_PG}, 'refund of order: bench', {NOW_PG} {b};",
        "INSERT INTO events (id, tenant_id, merchant_id, subject_type, subject_id, kind, actor_kind, actor_id, reason, data, at) "
        "SELECT gen_random_uuid()::text, tenant, merchant, 'order', ord, 'order_refunded', 'api_key', 'bench', 'bench', "
        f"'{{\"refund_id\": \"' || {RAW_KEY_PG} || '\", \"amount_minor\": ' || :amount || ', \"currency\": \"GBP\", "
        f"\"method\": \"store_credit\", \"provider_ref\": null, \"error\": null}}', {NOW_PG} {b};",
        "\\endif",
        "COMMIT;",
        "",
    ])


def as_postgres(cmd, timeout):
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def raw_pg(cluster, url, seconds, limit):
    """pgbench with a script of the refund's statements, 16 clients, on the product's database with
    the bench orders' refunds removed first."""
    import urllib.parse
    db = urllib.parse.urlparse(url).path.lstrip("/")
    psql = os.path.join(cluster.bindir, "psql")
    pgbench = os.path.join(cluster.bindir, "pgbench")
    conn = ["-h", cluster.dir, "-p", str(cluster.port), "-U", "postgres"]
    cluster._run(psql, *conn, "-d", db, "-c", PG_SETUP, "-c", "VACUUM ANALYZE refunds, store_credit_entries, bench_refund_orders")
    count = int(cluster._run(psql, *conn, "-d", db, "-tAc", "SELECT count(*) FROM bench_refund_orders").stdout.strip())
    script = os.path.join(cluster.dir, "refunds.sql")
    with open(script, "w") as f:
        f.write(pgbench_script(count))
    if os.geteuid() == 0:
        import shutil
        shutil.chown(script, "postgres", "postgres")
    per_client = max(1, -(-limit // SENDERS))
    out = as_postgres([pgbench, *conn, "-n", "-c", str(SENDERS), "-j", "2", "-t", str(per_client), "-D", "seq=0", "-f", script, db],
                      timeout=seconds * 10 + 300)
    written = int(cluster._run(psql, *conn, "-d", db, "-tAc", "SELECT count(*) FROM refunds WHERE id LIKE 'raw-%'").stdout.strip())
    for line in out.stdout.splitlines():
        if line.startswith("tps ="):
            return float(line.split()[2]), written
    raise RuntimeError((out.stdout + out.stderr)[-800:])


def run_once(kind, orders, seconds, cluster=None, run=0):
    url = cluster.create_db(f"rf{run}") if cluster else None
    with lib.Server(wh.BINARY, database_url=url) as tp:
        t0 = time.time()
        admin, order_ids, statuses = prepare(tp, orders)
        print(f"  prepared in {time.time() - t0:.0f} s: {len(order_ids)} paid orders of 100.00 GBP {statuses}", flush=True)
        totals, took, lat, answers, samples = send_refunds(tp, admin, order_ids, seconds)
        for s in samples:
            say(f"  unexpected answer: {s}")
        check = check_money(tp, admin, order_ids, answers)
        if kind == "sqlite":
            raw, raw_written = raw_sqlite(os.path.join(tp.dir, "tradeport.db"), seconds, totals["answered"])
        else:
            raw, raw_written = raw_pg(cluster, url, seconds, totals["answered"])
    ms = [x * 1000 for x in lat] or [float("nan")]
    rate = totals["answered"] / took
    res = {"refunds_per_s": round(rate, 1), "p50_ms": round(wh.percentile(ms, 0.5), 1), "p99_ms": round(wh.percentile(ms, 0.99), 1),
           "reference_per_s": round(raw, 1), "ratio": round(rate / raw, 2) if raw else float("nan")}
    say(f"RESULT {kind} run={run + 1} refunds/s={res['refunds_per_s']} p50_ms={res['p50_ms']} p99_ms={res['p99_ms']} "
        f"reference/s={res['reference_per_s']} ratio={res['ratio']} requests={totals['answered']} new={totals['new']} "
        f"retries={totals['retried']} refused={totals['refused']} errors={totals['errors']} seconds={took:.1f} "
        f"reference_refunds={raw_written}")
    detail = " ".join(f"{k}={v}" for k, v in check.items() if k != "ok")
    say(f"RESULT {kind} run={run + 1} check={'ok' if check['ok'] else 'FAILED'} {detail}")
    res["check_ok"] = check["ok"]
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, default=200)
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", choices=["sqlite", "postgres"])
    a = ap.parse_args()
    started, load_before, all_ok = time.strftime("%Y-%m-%d %H:%M"), load(), True
    print("load:", load_before, flush=True)
    try:
        for kind in ["sqlite", "postgres"]:
            if a.only and a.only != kind:
                continue
            results = []
            if kind == "postgres":
                if not lib.PgCluster.available():
                    say("SKIPPED postgres: no PostgreSQL binaries")
                    continue
                with lib.PgCluster(durable=True) as cluster:
                    for run in range(a.runs):
                        results.append(run_once(kind, a.orders, a.seconds, cluster, run))
            else:
                for run in range(a.runs):
                    results.append(run_once(kind, a.orders, a.seconds, None, run))
            all_ok = all_ok and all(r["check_ok"] for r in results)
            if not results:
                continue
            med = lambda k: round(statistics.median(r[k] for r in results), 2)
            say(f"RESULT {kind} median of {len(results)} refunds/s={med('refunds_per_s')} p50_ms={med('p50_ms')} "
                f"p99_ms={med('p99_ms')} reference/s={med('reference_per_s')} ratio={med('ratio')}")
    finally:
        if LINES:
            with open(LAST, "w") as f:
                f.write(f"# bench/refunds.py --orders {a.orders} --seconds {a.seconds} --runs {a.runs}"
                        f"{' --only ' + a.only if a.only else ''}, {started}, {os.cpu_count()} cores; PostgreSQL fsync on\n")
                f.write(f"# load before: {load_before}; after: {load()}\n")
                f.write("\n".join(LINES) + "\n")
    if not all_ok:
        print("money check FAILED (see the check= lines)", flush=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
