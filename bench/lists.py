#!/usr/bin/env python3
"""Order lists and search over a million orders: GET /api/v1/orders latency (p50/p99) for each
filter, beside the same SELECT issued straight through the engine in the same run (Python's
sqlite3 module; pgbench with a script of the statement on a PostgreSQL 15 cluster with fsync on),
and the server's resident memory after the runs. The orders come from `tradeport generate` (its
time is printed too).

Run from the project root after `cargo build --release -p tradeport`, when `uptime` is quiet:

    python3 bench/lists.py [--orders 1000000] [--requests 200] [--runs 3] [--only sqlite|postgres]
                           [--without-new-indexes] [--sqlite-db FILE]

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


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cli(url, *args):
    out = subprocess.run([BIN, "--database-url", url, *args], capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        raise SystemExit(f"tradeport {' '.join(args)} failed: {out.stderr}")
    return out.stdout


def queries(tenant, merchant, postgres, rare_term):
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
        ("search rare", f"q={rare_term}", where(rare(rare_term))),
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
    """The demo operator and the data set's largest merchant."""
    rows = run_sql("SELECT id, code, kind FROM tenants ORDER BY code")
    operator = next(r[0] for r in rows if r[1] == "pacific-bridge")
    merchant = next(r[0] for r in rows if r[1] == "gen-merchant-001")
    return operator, merchant


def generate(url, orders):
    """The data set, made by the product's own generator (`tradeport generate`)."""
    started = time.time()
    # Progress goes to stderr as it comes; a million orders take about ten minutes per engine.
    out = subprocess.run([BIN, "--database-url", url, "generate", "--orders", str(orders)], stdout=subprocess.PIPE,
                         text=True, check=True)
    print(f"  {out.stdout.strip()} ({time.time() - started:.0f} s with the process start)", flush=True)


def resident_mib(pid):
    """Resident and peak resident memory of a process, in MiB."""
    with open(f"/proc/{pid}/status") as f:
        fields = dict(line.split(":", 1) for line in f if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def api_key(url):
    """A new admin API key of the demo operator."""
    return cli(url, "admin", "create-api-key", "--tenant", "pacific-bridge", "--name", "lists bench",
               "--role", "admin").strip().split()[-1]


def run_server(url, key):
    port = free_port()
    server = subprocess.Popen([BIN, "--database-url", url, "serve", "--bind", f"127.0.0.1:{port}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "TRADEPORT_LOG": "warn"})
    for _ in range(300):
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/readyz")
            break
        except OSError:
            time.sleep(0.1)
    return server, port, key


def report(engine, args, measure_reference, url, operator, merchant, drop_sql):
    # One buyer's e-mail: the generator writes buyer<n>.g<seed>@example.com for its nth order.
    rare_term = f"buyer{args.orders // 2}.g1"
    old50, old99 = measure_reference(old_search_sql(operator, rare_term), max(5, args.requests // 20))
    print(f"LIST {engine:8} {'search rare, before':16} engine p50 {old50:7.2f} ms p99 {old99:7.2f} ms "
          f"(LIKE over four columns, no trigram index)", flush=True)
    if args.without_new_indexes:
        drop_sql()
    server, port, key = run_server(url, api_key(url))
    try:
        for name, query, sql in queries(operator, merchant, engine == "postgres", rare_term):
            # Warm-up, not counted: each pooled connection prepares its statements once.
            measure_http(port, key, query, 20)
            api, ref = [], []
            for _ in range(args.runs):
                api.append(measure_http(port, key, query, args.requests))
                ref.append(measure_reference(sql, args.requests))
            a50, a99 = statistics.median(r[0] for r in api), statistics.median(r[1] for r in api)
            r50, r99 = statistics.median(r[0] for r in ref), statistics.median(r[1] for r in ref)
            print(f"LIST {engine:8} {name:16} api p50 {a50:7.2f} ms p99 {a99:7.2f} ms | engine p50 {r50:7.2f} ms "
                  f"p99 {r99:7.2f} ms | ratio p99 {a99 / max(r99, 0.001):5.1f}", flush=True)
        rss, peak = resident_mib(server.pid)
        print(f"LIST {engine:8} server resident memory after the runs {rss:.0f} MiB (peak {peak:.0f} MiB)", flush=True)
    finally:
        server.terminate()
        server.wait()


def bench_sqlite(args):
    work = tempfile.mkdtemp()
    path = args.sqlite_db or os.path.join(work, "lists.db")
    if not args.sqlite_db:
        generate(path, args.orders)
    db = sqlite3.connect(path)
    operator, merchant = tenants(lambda q: db.execute(q).fetchall())
    db.execute("ANALYZE")
    db.commit()

    def drop():
        for name in NEW_INDEXES:
            db.execute(f"DROP INDEX IF EXISTS {name}")
        db.commit()
    report("sqlite", args, lambda sql, n: measure_sqlite(path, sql, n), path, operator, merchant, drop)
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
        generate(url, args.orders)
        operator, merchant = tenants(lambda q: [line.split("\t") for line in psql(q).splitlines()])
        psql("ANALYZE")

        def drop():
            for name in NEW_INDEXES:
                psql(f"DROP INDEX IF EXISTS {name}")
        report("postgres", args, lambda sql, n: measure_pgbench(bindir, port, "lists", sql, n), url, operator,
               merchant, drop)
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
    p.add_argument("--sqlite-db", help="a database `tradeport generate` filled already (kept; nothing generated)")
    args = p.parse_args()
    if args.sqlite_db and args.without_new_indexes:
        raise SystemExit("--without-new-indexes drops indexes for good: not on a --sqlite-db you keep")
    print(f"uptime: {open('/proc/loadavg').read().strip()}", flush=True)
    if args.only != "postgres":
        bench_sqlite(args)
    if args.only != "sqlite":
        bench_postgres(args)


if __name__ == "__main__":
    main()
