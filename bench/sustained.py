#!/usr/bin/env python3
"""Intake held for minutes on PostgreSQL 15 (fsync on): does the rate hold? (#15 item 3)

`serve --demo` on a fresh cluster, the lamp's stock topped up, then `wrk` (16 connections, unique
paid orders, auto-approve and auto-confirm) in back-to-back slices of SLICE seconds for MINUTES
minutes. Printed per slice: orders/s and p99; at the end the first and last minute's rates and
their ratio (the issue's target: the last minute within 10% of the first), then the statements
that took the most time (pg_stat_statements: calls, mean and total ms) and the hot tables' dead
rows and autovacuum counts.

Run from the project root after `cargo build --release -p tradeport`, when `uptime` is quiet:

    python3 bench/sustained.py [--minutes 5] [--slice 30]
"""

import argparse
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "bench-reference"))
import harness as lib  # noqa: E402

import engine  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
BINARY = os.path.abspath(os.environ.get("TRADEPORT_BIN", "target/release/tradeport"))
LUA = os.path.join(HERE, "nodes.lua")
FIGURES = engine.Figures(os.path.join(HERE, "last_sustained.txt"))
say = FIGURES.say


class StatsCluster(lib.PgCluster):
    """The benches' throwaway cluster, fsync on, with pg_stat_statements loaded."""

    def __enter__(self):
        if os.geteuid() == 0:
            import shutil
            shutil.chown(self.dir, "postgres", "postgres")
        self._run(os.path.join(self.bindir, "initdb"), "-D", self.data, "-U", "postgres", "-A", "trust",
                  "--no-sync", "-E", "UTF8", "--locale", "C")
        opts = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c max_connections=200 "
                "-c shared_preload_libraries=pg_stat_statements")
        self._run(os.path.join(self.bindir, "pg_ctl"), "-D", self.data, "-l", os.path.join(self.dir, "pg.log"),
                  "-o", opts, "-w", "start")
        return self


def psql(pg, sql):
    out = subprocess.run([os.path.join(pg.bindir, "psql"), "-h", pg.dir, "-p", str(pg.port), "-U", "postgres", "-d",
                          "bench", "-AtF", " | ", "-c", sql], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=5)
    ap.add_argument("--slice", type=int, default=30)
    args = ap.parse_args()
    say(f"# bench/sustained.py {time.strftime('%Y-%m-%d %H:%M')} minutes={args.minutes} slice={args.slice}s "
        f"connections=16 cores={os.cpu_count()} load={engine.load()}")
    with StatsCluster(durable=True) as pg:
        url = pg.create_db("bench")
        psql(pg, "CREATE EXTENSION pg_stat_statements")
        with lib.Server(binary=BINARY, database_url=url) as s:
            keys = s.keys()
            psql(pg, "UPDATE stock_balances SET on_hand = on_hand + 10000000 FROM skus k "
                     "WHERE k.id = stock_balances.sku_id AND k.sku = 'LMP-DESK-01'")
            psql(pg, "INSERT INTO stock_movements (id, tenant_id, sku_id, warehouse_id, kind, on_hand_delta, "
                     "reserved_delta, actor_kind, at) SELECT gen_random_uuid()::text, b.tenant_id, b.sku_id, "
                     "b.warehouse_id, 'adjust', 10000000, 0, 'system', 0 FROM stock_balances b JOIN skus k "
                     "ON k.id = b.sku_id WHERE k.sku = 'LMP-DESK-01'")
            psql(pg, "SELECT pg_stat_statements_reset()")
            rates, started = [], time.time()
            while time.time() - started < args.minutes * 60:
                env = {**os.environ, "KEY": keys["lumen-home"], "RUN": f"s{len(rates)}-{time.time_ns()}"}
                out = subprocess.run(["wrk", "-t2", "-c16", f"-d{args.slice}s", "-s", LUA, s.url], env=env,
                                     capture_output=True, text=True).stdout
                line = next((x for x in out.splitlines() if x.startswith("RESULT")), None)
                if line is None:
                    raise SystemExit(f"wrk printed no result: {out[-800:]}")
                fields = dict(part.split("=") for part in line.split()[1:])
                rates.append(float(fields["rps"]))
                say(f"RESULT slice={len(rates)} at={time.time() - started:.0f}s orders/s={fields['rps']} "
                    f"p99={fields['p99_ms']}ms 201s={fields['created']} other={fields['other']} load={engine.load()}")
            per_minute = max(1, min(len(rates), 60 // args.slice))
            first = sum(rates[:per_minute]) / per_minute
            last = sum(rates[-per_minute:]) / per_minute
            say(f"RESULT first minute {first:.0f} orders/s, last minute {last:.0f} orders/s, "
                f"last/first {last / max(first, 0.001):.2f}")
            say("# statements by total time: calls | mean ms | total ms | statement")
            for row in psql(pg, "SELECT calls, round(mean_exec_time::numeric, 2), round(total_exec_time::numeric), "
                                "left(regexp_replace(query, '\\s+', ' ', 'g'), 110) FROM pg_stat_statements "
                                "ORDER BY total_exec_time DESC LIMIT 12").splitlines():
                say(f"#   {row}")
            say("# hot tables: table | live | dead | autovacuums | updates | HOT updates")
            for row in psql(pg, "SELECT relname, n_live_tup, n_dead_tup, autovacuum_count, n_tup_upd, n_tup_hot_upd "
                                "FROM pg_stat_user_tables ORDER BY n_tup_upd + n_tup_ins DESC LIMIT 8").splitlines():
                say(f"#   {row}")
    FIGURES.write()


if __name__ == "__main__":
    main()
