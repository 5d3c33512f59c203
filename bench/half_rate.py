"""Intake latency at half the maximum rate (#15: p99 under 50 ms), on SQLite and on PostgreSQL 15
with fsync on. Per engine: `serve --demo`, the lamp's stock topped up, wrk (16 connections, unique
paid orders, auto-approve and auto-confirm) for SECONDS to find the maximum, then wrk again with
bench/paced_orders.lua, which holds the 16 connections to half that rate in total, for SECONDS.
Prints the maximum, the paced rate reached and its p50/p99/max. Run from the project root after
`cargo build --release -p tradeport`. Usage: half_rate.py [--seconds 30] [--runs 3]"""
import argparse
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "shared", "bench-reference"))
import harness as lib  # noqa: E402
import engine  # noqa: E402

LUA = os.path.join(HERE, "..", "..", "shared", "bench-reference", "orders.lua")
PACED = os.path.join(HERE, "paced_orders.lua")
CONNECTIONS = 16
FIGURES = engine.Figures(os.path.join(HERE, "last_half_rate.txt"))
say = FIGURES.say


def paced(url, key, pace, seconds):
    """wrk posting orders at `pace` per second in total for `seconds` (bench/paced_orders.lua)."""
    env = dict(os.environ, KEY=key, RUN=f"half-{time.time_ns()}", RATE=str(pace), THREADS="2", ORDERS_LUA=LUA)
    out = subprocess.run(["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "-s", PACED, url], env=env,
                         capture_output=True, text=True).stdout
    line = [x for x in out.splitlines() if x.startswith("RESULT")][0]
    return dict(part.split("=") for part in line.split()[1:])


def one_engine(name, database_url, seconds):
    with lib.Server(database_url=database_url) as s:
        keys = s.keys()
        op, mk = keys["pacific-bridge"], keys["lumen-home"]
        _, stock = lib.call(s.url + "/api/v1/stock?limit=200", key=op)
        lamp = [b for b in stock["items"] if b.get("sku") == "LMP-DESK-01"][0]
        lib.call(s.url + "/api/v1/stock/adjustments", "POST", {"sku_id": lamp["sku_id"], "warehouse_id":
                 lamp["warehouse_id"], "delta": 10_000_000, "reason": "bench top-up"}, key=op)
        env = dict(os.environ, KEY=mk, RUN=f"max-{time.time_ns()}")
        out = subprocess.run(["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "-s", LUA, s.url], env=env,
                             capture_output=True, text=True).stdout
        top = float([x for x in out.splitlines() if x.startswith("RESULT")][0].split("rps=")[1].split()[0])
        half = paced(s.url, mk, top / 2, seconds)
        say(f"RESULT {name} max={top:.0f}/s paced={float(half['rps']):.0f}/s p50={half['p50_ms']}ms "
            f"p99={half['p99_ms']}ms max={half['max_ms']}ms non2xx={half['non2xx']} load={engine.load()}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=30)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    say(f"# bench/half_rate.py {time.strftime('%Y-%m-%d %H:%M')} seconds={a.seconds} runs={a.runs} "
        f"connections={CONNECTIONS} cores={os.cpu_count()} load={engine.load()}")
    for run in range(a.runs):
        one_engine("sqlite", None, a.seconds)
        with lib.PgCluster(durable=True) as pg:
            one_engine("postgres", pg.create_db("bench"), a.seconds)
    FIGURES.write()


if __name__ == "__main__":
    main()
