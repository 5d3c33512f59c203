#!/usr/bin/env python3
"""Intake with 1, 2 and 3 `tradeport serve` processes on one PostgreSQL 15 (fsync on) behind
HAProxy (deploy/haproxy.cfg), and what the load left behind.

Per run and node count: N fresh `serve` processes on the same database, HAProxy in front with one
`server` line per node, `wrk` (16 connections, `bench/nodes.lua`) posting unique paid orders
(auto-approve and auto-confirm on) for SECONDS. Printed: orders/s, p50/p99, the 201s wrk counted
and the orders the database holds for the run (every 201 must be there; at most the requests in
flight at the end may be there without one). Node counts alternate within a run; medians of the
runs. After all runs: `tradeport inventory verify`, `tradeport audit verify` (every node sealed
events; no link twice) and `tradeport kpi rebuild` (every node rolled up; nothing counted twice).
The reference in the same run: `pgbench` issuing the same rows per order (the statements of
../shared/bench-reference/intake_pg.py) at the same concurrency.

Run from the project root after `cargo build --release -p tradeport`, when `uptime` is quiet;
needs `haproxy` and `wrk` (Debian packages):

    python3 bench/nodes.py [--seconds 15] [--runs 3] [--nodes 1,2,3]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "bench-reference"))
import harness as lib  # noqa: E402

import engine  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
BINARY = os.path.abspath(os.environ.get("TRADEPORT_BIN", "target/release/tradeport"))
CONFIG = os.path.join(HERE, "..", "deploy", "haproxy.cfg")
LUA = os.path.join(HERE, "nodes.lua")
FIGURES = engine.Figures(os.path.join(HERE, "last_nodes.txt"))
say = FIGURES.say
CONNECTIONS = 16

# The rows intake writes for one order, as ../shared/bench-reference/intake_pg.py issues them.
SCRIPT = r"""
\set n random(1, 1000000000)
BEGIN;
INSERT INTO orders (id, tenant_id, merchant_id, channel, channel_order_id, status, allocation, buyer_name, buyer_phone, buyer_phone_e164, buyer_email, buyer_language, shipping_address, ship_country, currency, subtotal_minor, discount_minor, discounts, shipping_fee_minor, total_minor, paid_minor, payment_method, payment_status, service_level, urgent, remarks, holds, flags, second_review_due, created_at, updated_at) VALUES (gen_random_uuid()::text, :tenant, :merchant, 'shopify', 'pgb-' || :client_id::text || '-' || :n::text || '-' || clock_timestamp()::text, 'pending_review', 'none', 'Ada Lovelace', '020 7946 0958', '+442079460958', 'ada@example.com', 'en', '{"line1":"1 Lovelace Way","city":"London","postcode":"EC1Y 8SY","country":"GB"}', 'GB', 'GBP', 4599, 0, '[]', 799, 5398, 5398, 'card', 'paid', 'standard', 0, '', '[]', '', 0, 1790000000000, 1790000000000) RETURNING id \gset o_
INSERT INTO order_lines (id, tenant_id, order_id, line_no, sku_id, sku, name, variant, quantity, unit_price_minor) VALUES (gen_random_uuid()::text, :tenant, :o_id, 1, :sku, 'LMP-DESK-01', 'Desk lamp', '', 1, 4599);
UPDATE stock_balances SET reserved = reserved + 1, updated_at = 1790000000000 WHERE tenant_id = :tenant AND sku_id = :sku AND warehouse_id = :wh AND on_hand - reserved >= 1;
INSERT INTO stock_movements (id, tenant_id, sku_id, warehouse_id, kind, on_hand_delta, reserved_delta, order_id, reason, actor_kind, actor_id, at) VALUES (gen_random_uuid()::text, :tenant, :sku, :wh, 'reserve', 0, 1, :o_id, NULL, 'system', NULL, 1790000000000);
INSERT INTO order_allocations (id, tenant_id, order_id, line_no, sku_id, warehouse_id, quantity, created_at) VALUES (gen_random_uuid()::text, :tenant, :o_id, 1, :sku, :wh, 1, 1790000000000);
INSERT INTO order_number_counters (tenant_id, day, last_serial) VALUES (:tenant, 'pgb', 1) ON CONFLICT (tenant_id, day) DO UPDATE SET last_serial = order_number_counters.last_serial + 1 RETURNING last_serial \gset c_
UPDATE orders SET status = 'confirmed', allocation = 'reserved', order_no = 'P' || :c_last_serial::text, approved_at = 1790000000000, confirmed_at = 1790000000000 WHERE tenant_id = :tenant AND id = :o_id;
INSERT INTO events (id, tenant_id, merchant_id, subject_type, subject_id, kind, actor_kind, actor_id, reason, data, at) VALUES (gen_random_uuid()::text, :tenant, :merchant, 'order', :o_id, 'order_received', 'system', NULL, NULL, '{}', 1790000000000), (gen_random_uuid()::text, :tenant, :merchant, 'order', :o_id, 'order_approve', 'system', NULL, NULL, '{}', 1790000000000), (gen_random_uuid()::text, :tenant, :merchant, 'order', :o_id, 'order_confirm', 'system', NULL, NULL, '{}', 1790000000000);
COMMIT;
"""


def psql(pg, sql, db="bench"):
    out = subprocess.run([os.path.join(pg.bindir, "psql"), "-h", pg.dir, "-p", str(pg.port), "-U", "postgres", "-d",
                          db, "-Atc", sql], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def cli(url, *args, check=True):
    out = subprocess.run([BINARY, "--database-url", url, *args], capture_output=True, text=True, timeout=900)
    if check and out.returncode != 0:
        raise SystemExit(f"tradeport {' '.join(args)} failed: {out.stderr[-800:]}")
    return out


def wait_ready(url, what, proc=None):
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            raise SystemExit(f"{what} exited with {proc.returncode}")
        try:
            if urllib.request.urlopen(url + "/readyz", timeout=1).status == 200:
                return
        except Exception:
            time.sleep(0.2)
    raise SystemExit(f"{what} not ready in 60 s")


class Cluster:
    """N `serve` processes on the database and HAProxy in front of them."""

    def __init__(self, url, nodes, work):
        self.url, self.nodes, self.work = url, nodes, work
        self.procs, self.lb = [], None

    def __enter__(self):
        try:
            return self._start()
        except BaseException:
            self.__exit__()
            raise

    def _start(self):
        ports = [lib.free_port() for _ in range(self.nodes)]
        for n, port in enumerate(ports):
            log = open(os.path.join(self.work, f"node{n + 1}.log"), "w")
            proc = subprocess.Popen([BINARY, "--database-url", self.url, "serve", "--bind", f"127.0.0.1:{port}"],
                                    stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "TRADEPORT_LOG": "warn"})
            self.procs.append(proc)
            wait_ready(f"http://127.0.0.1:{port}", f"node {n + 1}", proc)
        with open(CONFIG) as f:
            text = [line for line in f if not line.strip().startswith("server ")]
        text += [f"    server node{n + 1} 127.0.0.1:{port}\n" for n, port in enumerate(ports)]
        config = os.path.join(self.work, "haproxy.cfg")
        with open(config, "w") as f:
            f.writelines(text)
        self.port = lib.free_port()
        self.lb = subprocess.Popen(["haproxy", "-db", "-f", config], stdout=subprocess.DEVNULL,
                                   stderr=open(os.path.join(self.work, "haproxy.log"), "w"),
                                   env={**os.environ, "TRADEPORT_LB_BIND": f"127.0.0.1:{self.port}"})
        self.base = f"http://127.0.0.1:{self.port}"
        wait_ready(self.base, "haproxy", self.lb)
        return self

    def __exit__(self, *exc):
        for p in [self.lb, *self.procs]:
            if p and p.poll() is None:
                p.terminate()
        for p in [self.lb, *self.procs]:
            if p:
                try:
                    p.wait(20)
                except subprocess.TimeoutExpired:
                    p.kill()


def load_run(pg, cluster, key, seconds, label):
    run = f"{label}-{time.time_ns()}"
    out = subprocess.run(["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "-s", LUA, cluster.base],
                         env={**os.environ, "KEY": key, "RUN": run}, capture_output=True, text=True).stdout
    line = next((x for x in out.splitlines() if x.startswith("RESULT")), None)
    if line is None:
        raise SystemExit(f"wrk printed no result: {out[-800:]}")
    fields = dict(part.split("=") for part in line.split()[1:])
    time.sleep(1)
    stored = int(psql(pg, f"SELECT COUNT(*) FROM orders WHERE channel_order_id LIKE '{run}-%'"))
    created = int(fields["created"])
    lost = max(0, created - stored)
    return float(fields["rps"]), float(fields["p50_ms"]), float(fields["p99_ms"]), created, stored, lost, fields


def reference(pg, seconds):
    """pgbench in its own database (its events have random ids, which the product's chain must
    never see)."""
    tenant, merchant, sku, wh = psql(pg, "SELECT b.tenant_id, k.merchant_id, b.sku_id, b.warehouse_id FROM stock_balances b "
                                         "JOIN skus k ON k.id = b.sku_id WHERE k.sku = 'LMP-DESK-01' "
                                         "ORDER BY b.on_hand DESC LIMIT 1", db="reference").split("|")
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
        f.write(SCRIPT)
    out = subprocess.run([os.path.join(pg.bindir, "pgbench"), "-h", pg.dir, "-p", str(pg.port), "-U", "postgres", "-n",
                          "-M", "prepared", f"-c{CONNECTIONS}", "-j2", f"-T{seconds}", "-f", f.name,
                          "-D", f"tenant={tenant}", "-D", f"merchant={merchant}", "-D", f"sku={sku}", "-D", f"wh={wh}",
                          "reference"], capture_output=True, text=True)
    os.unlink(f.name)
    tps = [x for x in out.stdout.splitlines() if x.startswith("tps")]
    if not tps:
        raise SystemExit(f"pgbench: {out.stdout[-800:]} {out.stderr[-800:]}")
    return float(tps[0].split("=")[1].split()[0])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=15)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--nodes", default="1,2,3")
    args = ap.parse_args()
    counts = [int(n) for n in args.nodes.split(",")]
    say(f"# bench/nodes.py {time.strftime('%Y-%m-%d %H:%M')} seconds={args.seconds} runs={args.runs} "
        f"connections={CONNECTIONS} cores={os.cpu_count()} load={engine.load()}")
    with lib.PgCluster(durable=True) as pg:
        url = pg.create_db("bench")
        work = tempfile.mkdtemp(prefix="tp-bench-nodes-")
        keys_file = os.path.join(work, "keys.txt")
        cli(url, "demo", "--keys-file", keys_file)
        ref_url = pg.create_db("reference")
        cli(ref_url, "demo", "--keys-file", os.path.join(work, "reference-keys.txt"))
        keys = {line.split("\t")[0]: line.split("\t")[2].strip() for line in open(keys_file) if not line.startswith("#")}
        # Ample stock for every run, in both databases.
        for db in ("bench", "reference"):
            psql(pg, "UPDATE stock_balances SET on_hand = on_hand + 10000000 FROM skus k "
                     "WHERE k.id = stock_balances.sku_id AND k.sku = 'LMP-DESK-01'", db)
            psql(pg, "INSERT INTO stock_movements (id, tenant_id, sku_id, warehouse_id, kind, on_hand_delta, "
                     "reserved_delta, actor_kind, at) SELECT gen_random_uuid()::text, b.tenant_id, b.sku_id, "
                     "b.warehouse_id, 'adjust', 10000000, 0, 'system', 0 FROM stock_balances b JOIN skus k "
                     "ON k.id = b.sku_id WHERE k.sku = 'LMP-DESK-01'", db)
        rates = {n: [] for n in counts}
        p99s = {n: [] for n in counts}
        refs = []
        for run in range(args.runs):
            for n in counts:
                with Cluster(url, n, work) as cluster:
                    rate, p50, p99, created, stored, lost, f = load_run(pg, cluster, keys["lumen-home"], args.seconds,
                                                                        f"n{n}r{run}")
                say(f"RESULT nodes={n} run={run} orders/s={rate:.0f} p50={p50:.1f}ms p99={p99:.1f}ms 201s={created} "
                    f"stored={stored} lost={lost} other={f['other']} socket_errors={f['socket_errors']} load={engine.load()}")
                rates[n].append(rate)
                p99s[n].append(p99)
            refs.append(reference(pg, args.seconds))
            say(f"RESULT reference run={run} pgbench orders/s={refs[-1]:.0f}")
        ref = statistics.median(refs)
        for n in counts:
            m = statistics.median(rates[n])
            say(f"RESULT nodes={n} median {m:.0f} orders/s p99 {statistics.median(p99s[n]):.1f} ms | "
                f"pgbench {ref:.0f}/s | ratio {m / ref:.2f}")
        # What every node's workers did to shared state, checked once they are all stopped (the
        # workers sealed and rolled up as they ran; nothing is sealed here).
        for check in (["inventory", "verify"], ["audit", "verify"], ["kpi", "rebuild"]):
            out = cli(url, *check, check=False)
            last = (out.stdout.strip().splitlines() or [""])[-1]
            say(f"RESULT after {' '.join(check)}: exit {out.returncode} {last[:160]}")
    FIGURES.write()


if __name__ == "__main__":
    main()
