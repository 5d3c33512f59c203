#!/usr/bin/env python3
"""Order lists and search over a million orders: GET /api/v1/orders latency (p50/p99) for each
filter, beside the same SELECT issued straight through the engine in the same run (Python's
sqlite3 module; pgbench with a script of the statement on a PostgreSQL 15 cluster with fsync on).

Run from the project root after `cargo build --release -p tradeport`, when `uptime` is quiet:

    python3 bench/lists.py [--orders 1000000] [--requests 200] [--runs 3] [--only sqlite|postgres]
                           [--without-new-indexes]

`--without-new-indexes` drops the indexes of migration 0004 first (the "before" figures).
"""

import argparse
import glob
import http.client
import json
import os
import shutil
import socket
import sqlite3
import statistics
import subprocess
import tempfile
import time

BIN = os.environ.get("TRADEPORT_BIN", "target/release/tradeport")
NEW_INDEXES = ["orders_tenant_id_idx", "orders_tenant_merchant_status_idx", "orders_tenant_channel_idx",
               "orders_tenant_country_idx"]
CHANNELS = ["shopify", "amazon", "woocommerce", "ebay", "web", "app", "phone"]
COUNTRIES = ["GB", "US", "DE", "FR", "AU", "JP", "CA", "CN"]
STATUSES = ["confirmed", "confirmed", "confirmed", "approved", "pending_review", "on_hold", "cancelled"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cli(url, *args):
    out = subprocess.run([BIN, "--database-url", url, *args], capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        raise SystemExit(f"tradeport {' '.join(args)} failed: {out.stderr}")
    return out.stdout


def generated_rows_sql(n, tenant, merchants, postgres):
    """INSERT ... SELECT of n orders spread over statuses, channels, countries and merchants."""
    seq = "generate_series(1, %d) AS s(n)" % n if postgres else "seq"
    hexid = ("'01900000-0000-7000-8000-' || lpad(to_hex(n), 12, '0')" if postgres
             else "printf('01900000-0000-7000-8000-%012x', n)")
    pick = lambda values: "(CASE n %% %d %s END)" % (len(values), " ".join(
        f"WHEN {i} THEN '{v}'" for i, v in enumerate(values)))
    merchant = "(CASE n %% 2 WHEN 0 THEN '%s' ELSE '%s' END)" % merchants
    body = f"""
        INSERT INTO orders (id, tenant_id, merchant_id, channel, channel_order_id, status, buyer_name, buyer_phone,
            buyer_email, buyer_language, shipping_address, ship_country, currency, subtotal_minor, discount_minor,
            shipping_fee_minor, total_minor, paid_minor, payment_method, payment_status, service_level,
            created_at, updated_at)
        SELECT {hexid}, '{tenant}', {merchant}, {pick(CHANNELS)}, 'B-' || n, {pick(STATUSES)},
            'Buyer ' || n, '+44 20 7946 0958', 'buyer' || n || '@example.com', 'en', '{{}}', {pick(COUNTRIES)}, 'GBP',
            2500, 0, 800, 3300, 3300, 'card', 'paid', 'standard', 1700000000000 + n, 1700000000000 + n
        FROM {seq}"""
    if postgres:
        return body
    return f"WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {n}) {body}"


def queries(tenant, merchant, postgres):
    """(name, API query string, the SQL the product runs for it)."""
    where = lambda extra: f"SELECT * FROM orders WHERE tenant_id = '{tenant}'{extra} ORDER BY id DESC LIMIT 51"
    # As the product runs it: PostgreSQL's planner picks the trigram index or the id walk; on
    # SQLite the product walks for a term many orders contain and reads FTS5 for a rare one.
    walk = lambda t: f" AND search_text LIKE '%{t}%' ESCAPE '\\'"
    fts = lambda t: f" AND rowid IN (SELECT rowid FROM orders_search WHERE orders_search MATCH '\"{t}\"')"
    common, rare = walk, (walk if postgres else fts)
    return [
        ("newest", "", where("")),
        ("merchant", f"merchant_id={merchant}", where(f" AND merchant_id = '{merchant}'")),
        ("status", "status=on_hold", where(" AND status IN ('on_hold')")),
        ("merchant+status", f"merchant_id={merchant}&status=pending_review",
         where(f" AND merchant_id = '{merchant}' AND status IN ('pending_review')")),
        ("channel", "channel=ebay", where(" AND channel = 'ebay'")),
        ("country", "country=JP", where(" AND ship_country = 'JP'")),
        ("search common", "q=buyer", where(common("buyer"))),
        ("search rare", "q=buyer777777", where(rare("buyer777777"))),
    ]


def old_search_sql(tenant, term):
    """The search before the trigram index: LIKE over four columns, for the before/after line."""
    like = " OR ".join(f"LOWER({c}) LIKE '%{term}%'" for c in
                       ["COALESCE(order_no, '')", "channel_order_id", "buyer_name", "buyer_email"])
    return f"SELECT * FROM orders WHERE tenant_id = '{tenant}' AND ({like}) ORDER BY id DESC LIMIT 51"


def percentiles(samples):
    samples = sorted(samples)
    return samples[len(samples) // 2], samples[min(len(samples) - 1, int(len(samples) * 0.99))]


def measure_http(port, key, query, requests):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    out = []
    for _ in range(requests):
        started = time.perf_counter()
        conn.request("GET", f"/api/v1/orders?limit=50&{query}", headers={"Authorization": f"Bearer {key}"})
        response = conn.getresponse()
        body = response.read()
        out.append((time.perf_counter() - started) * 1000)
        if response.status != 200:
            raise SystemExit(f"GET {query}: {response.status} {body[:300]}")
    conn.close()
    return percentiles(out)


def measure_sqlite(path, sql, requests):
    db = sqlite3.connect(path)
    out = []
    for _ in range(requests):
        started = time.perf_counter()
        db.execute(sql).fetchall()
        out.append((time.perf_counter() - started) * 1000)
    db.close()
    return percentiles(out)


def measure_pgbench(bindir, port, db, sql, requests):
    work = tempfile.mkdtemp()
    script = os.path.join(work, "q.sql")
    with open(script, "w") as f:
        f.write(sql + ";\n")
    subprocess.run([os.path.join(bindir, "pgbench"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-n",
                    "-f", script, "-t", str(requests), "-c", "1", "-l", "--log-prefix", os.path.join(work, "log"), db],
                   check=True, capture_output=True, cwd=work)
    samples = []
    for log in glob.glob(os.path.join(work, "log*")):
        with open(log) as f:
            samples += [int(line.split()[2]) / 1000 for line in f if line.strip()]
    shutil.rmtree(work)
    return percentiles(samples)


def tenants(run_sql):
    rows = run_sql("SELECT id, code, kind FROM tenants ORDER BY code")
    operator = next(r[0] for r in rows if r[1] == "pacific-bridge")
    merchants = [r[0] for r in rows if r[2] == "merchant"][:2]
    return operator, merchants


def run_server(url, keys_file):
    port = free_port()
    server = subprocess.Popen([BIN, "--database-url", url, "serve", "--bind", f"127.0.0.1:{port}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "TRADEPORT_LOG": "warn"})
    for _ in range(300):
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/readyz")
            break
        except OSError:
            time.sleep(0.1)
    with open(keys_file) as f:
        key = next(line.split("\t")[2].strip() for line in f if line.startswith("pacific-bridge"))
    return server, port, key


def report(engine, args, measure_reference, url, keys_file, operator, merchant, drop_sql):
    old50, old99 = measure_reference(old_search_sql(operator, "buyer777777"), max(5, args.requests // 20))
    print(f"LIST {engine:8} {'search rare, before':16} engine p50 {old50:7.2f} ms p99 {old99:7.2f} ms "
          f"(LIKE over four columns, no trigram index)", flush=True)
    if args.without_new_indexes:
        drop_sql()
    server, port, key = run_server(url, keys_file)
    try:
        for name, query, sql in queries(operator, merchant, engine == "postgres"):
            api, ref = [], []
            for _ in range(args.runs):
                api.append(measure_http(port, key, query, args.requests))
                ref.append(measure_reference(sql, args.requests))
            a50, a99 = statistics.median(r[0] for r in api), statistics.median(r[1] for r in api)
            r50, r99 = statistics.median(r[0] for r in ref), statistics.median(r[1] for r in ref)
            print(f"LIST {engine:8} {name:16} api p50 {a50:7.2f} ms p99 {a99:7.2f} ms | engine p50 {r50:7.2f} ms "
                  f"p99 {r99:7.2f} ms | ratio p99 {a99 / max(r99, 0.001):5.1f}", flush=True)
    finally:
        server.terminate()
        server.wait()


def bench_sqlite(args):
    work = tempfile.mkdtemp()
    path = os.path.join(work, "lists.db")
    keys = os.path.join(work, "keys.txt")
    cli(path, "demo", "--keys-file", keys)
    db = sqlite3.connect(path)
    operator, merchants = tenants(lambda q: db.execute(q).fetchall())
    started = time.time()
    db.execute(generated_rows_sql(args.orders, operator, tuple(merchants), False))
    db.commit()
    db.execute("ANALYZE")
    db.commit()
    print(f"sqlite: {args.orders} orders loaded in {time.time() - started:.0f} s", flush=True)

    def drop():
        for name in NEW_INDEXES:
            db.execute(f"DROP INDEX IF EXISTS {name}")
        db.commit()
    report("sqlite", args, lambda sql, n: measure_sqlite(path, sql, n), path, keys, operator, merchants[0], drop)
    db.close()
    shutil.rmtree(work)


def bench_postgres(args):
    bindirs = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    if not bindirs:
        print("postgres: SKIPPED (no /usr/lib/postgresql/*/bin)")
        return
    bindir = bindirs[-1]
    work = tempfile.mkdtemp()
    os.chmod(work, 0o777)
    data, port = os.path.join(work, "data"), free_port()
    as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run(as_pg + [os.path.join(bindir, "initdb"), "-D", data, "-U", "postgres", "-A", "trust"],
                   check=True, capture_output=True)
    # fsync stays on, as in production.
    subprocess.run(as_pg + [os.path.join(bindir, "pg_ctl"), "-D", data, "-l", os.path.join(work, "pg.log"), "-w",
                            "-o", f"-p {port} -k {work} -c listen_addresses=127.0.0.1", "start"],
                   check=True, capture_output=True)
    psql = lambda sql: subprocess.run([os.path.join(bindir, "psql"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres",
                                       "-d", "lists", "-At", "-F", "\t", "-c", sql],
                                      check=True, capture_output=True, text=True).stdout
    try:
        subprocess.run([os.path.join(bindir, "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "lists"],
                       check=True)
        url = f"postgres://postgres@127.0.0.1:{port}/lists"
        keys = os.path.join(work, "keys.txt")
        cli(url, "demo", "--keys-file", keys)
        operator, merchants = tenants(lambda q: [line.split("\t") for line in psql(q).splitlines()])
        started = time.time()
        psql(generated_rows_sql(args.orders, operator, tuple(merchants), True))
        psql("ANALYZE")
        print(f"postgres: {args.orders} orders loaded in {time.time() - started:.0f} s", flush=True)

        def drop():
            for name in NEW_INDEXES:
                psql(f"DROP INDEX IF EXISTS {name}")
        report("postgres", args, lambda sql, n: measure_pgbench(bindir, port, "lists", sql, n), url, keys, operator,
               merchants[0], drop)
    finally:
        subprocess.run(as_pg + [os.path.join(bindir, "pg_ctl"), "-D", data, "-m", "immediate", "stop"],
                       capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--orders", type=int, default=1_000_000)
    p.add_argument("--requests", type=int, default=200)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--only", choices=["sqlite", "postgres"])
    p.add_argument("--without-new-indexes", action="store_true")
    args = p.parse_args()
    print(f"uptime: {open('/proc/loadavg').read().strip()}", flush=True)
    if args.only != "postgres":
        bench_sqlite(args)
    if args.only != "sqlite":
        bench_postgres(args)


if __name__ == "__main__":
    main()
