#!/usr/bin/env python3
"""The audit chain (#14, SYS-1): events sealed per second by `tradeport audit seal` and links
verified per second by `tradeport audit verify`, over --events events of one operator, on SQLite and
on PostgreSQL 15 (fsync on), beside a raw-engine reference in the same run.

Run from the project root after `cargo build --release -p tradeport`, when `uptime` is quiet:

    python3 bench/audit.py [--events 2000000] [--runs 3] [--only sqlite|postgres]

The product's database is made by `serve --demo` (migrations and the demo's own events), then
--events events are written straight into it (ids in time order, as UUIDv7 are; 120-byte details),
sealed once by `tradeport audit seal` (timed), then `tradeport audit verify` is run --runs times
(its own links/s, and the wall time of the process).

Reference: the same links read straight from the engine (Python's sqlite3 on the same file;
`psql` COPY of the same query on PostgreSQL) and each hash recomputed by Python's hashlib the way
the product documents it; the reference also counts mismatches, which must be 0 (a check that the
documented method is the product's).

Prints RESULT lines and writes them, with the conditions, to bench/last_audit.txt; never fails on
timing.
"""
import argparse
import hashlib
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "bench-reference"))
import harness as lib  # noqa: E402

import engine  # noqa: E402

BINARY = os.path.abspath(os.environ.get("TRADEPORT_BIN", "target/release/tradeport"))
HERE = os.path.dirname(os.path.abspath(__file__))
FIGURES = engine.Figures(os.path.join(HERE, "last_audit.txt"))
say, load = FIGURES.say, engine.load
GENESIS = "0" * 64
CHAIN_QUERY = ("SELECT c.seq, c.prev_hash, c.hash, e.id, e.tenant_id, e.merchant_id, e.subject_type, e.subject_id, e.kind, "
               "e.actor_kind, e.actor_id, e.reason, e.data, e.at FROM audit_chain c LEFT JOIN events e ON e.id = c.event_id "
               "WHERE c.tenant_id = '{t}' ORDER BY c.seq")


def event_rows(operator, n, start_ms):
    """`n` events in time order: (id, tenant, merchant, subject_type, subject_id, kind, actor_kind, actor_id, reason, data, at)."""
    for i in range(n):
        ms = start_ms + i
        eid = f"{ms >> 16:08x}-{ms & 0xffff:04x}-7{i % 4096:03x}-8000-{i:012x}"
        data = json.dumps({"from": "approved", "to": "confirmed", "warehouse": "UK-01", "line": i % 7, "note": "x" * 40})
        yield (eid, operator, None, "order", f"order-{i // 8}", "order_confirm", "system", None, None, data, ms)


def leaf_digest(s):
    """The digest a string contributes: the one an erased string carries, else its own."""
    if s.startswith("[erased:") and s.endswith("]") and len(s) == 73:
        return s[8:72]
    return hashlib.sha256(s.encode()).hexdigest()


def shape(v):
    if isinstance(v, str):
        return leaf_digest(v)
    if isinstance(v, list):
        return [shape(x) for x in v]
    if isinstance(v, dict):
        return {k: shape(x) for k, x in v.items()}
    return v


def data_shape(data):
    try:
        parsed = json.loads(data)
    except ValueError:
        return leaf_digest(data)
    return json.dumps(shape(parsed), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def link_hash(prev, row):
    # As documented in GET /api/v1/orders/{id}/audit: the reason by its digest, the data by its
    # shape (every string by its digest, keys sorted).
    row = list(row)
    row[8] = None if row[8] is None else leaf_digest(row[8])
    row[9] = data_shape(row[9])
    fields = json.dumps(row, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((prev + "\n" + fields).encode()).hexdigest()


def check_rows(rows):
    """(links, mismatches) of chain rows (seq, prev, hash, then the event's 11 fields)."""
    links = bad = 0
    prev = GENESIS
    for r in rows:
        seq, p, h, fields = r[0], r[1], r[2], r[3:]
        links += 1
        if p != prev or fields[0] is None or link_hash(p, fields) != h:
            bad += 1
        prev = h
    return links, bad


def verify_rate(server):
    t0 = time.perf_counter()
    out = server.run_cli("audit", "verify", timeout=3600)
    wall = time.perf_counter() - t0
    if out.returncode != 0:
        raise SystemExit("audit verify failed: " + out.stdout[-800:] + out.stderr[-800:])
    line = [l for l in out.stderr.splitlines() if "links/s" in l][-1]
    links = int(line.split("audit verify: ")[1].split(" links")[0])
    return links / wall, float(line.split("(")[1].split(" links/s")[0])


def sealed(server):
    t0 = time.perf_counter()
    out = server.run_cli("audit", "seal", timeout=3600)
    if out.returncode != 0:
        raise SystemExit("audit seal failed: " + out.stderr[-800:])
    n = sum(int(l.split(": ")[1].split(" events")[0]) for l in out.stdout.splitlines() if "events sealed" in l)
    return n, time.perf_counter() - t0


def operator_id_sqlite(db):
    con = sqlite3.connect(db)
    (op,) = con.execute("SELECT id FROM tenants WHERE kind = 'operator' ORDER BY id LIMIT 1").fetchone()
    con.close()
    return op


def run_sqlite(args):
    with lib.Server(BINARY) as s:
        pass
    db = os.path.join(s.dir, "tradeport.db")
    op = operator_id_sqlite(db)
    con = sqlite3.connect(db)
    t0 = time.perf_counter()
    con.executemany("INSERT INTO events (id, tenant_id, merchant_id, subject_type, subject_id, kind, actor_kind, actor_id, reason, data, at) "
                    "VALUES (?,?,?,?,?,?,?,?,?,?,?)", event_rows(op, args.events, int(time.time() * 1000) - args.events))
    con.commit()
    con.close()
    say(f"# sqlite: {args.events} events written in {time.perf_counter() - t0:.1f} s; load {load()}")
    n, seconds = sealed(s)
    say(f"RESULT audit_seal sqlite events={n} seconds={seconds:.1f} rate={n / seconds:.0f}/s")
    walls, owns, refs = [], [], []
    for run in range(args.runs):
        wall, own = verify_rate(s)
        con = sqlite3.connect(db)
        t0 = time.perf_counter()
        links, bad = check_rows(con.execute(CHAIN_QUERY.format(t=op)))
        ref = links / (time.perf_counter() - t0)
        con.close()
        if bad:
            raise SystemExit(f"the reference found {bad} links that do not recompute: the documented method is not the product's")
        walls.append(wall), owns.append(own), refs.append(ref)
        say(f"# sqlite run {run + 1}: verify {wall:.0f} links/s (process), {own:.0f} (own count), reference {ref:.0f}; load {load()}")
    say(f"RESULT audit_verify sqlite links={links} median={statistics.median(walls):.0f}/s reference={statistics.median(refs):.0f}/s "
        f"ratio={statistics.median(walls) / statistics.median(refs):.2f}")


def run_postgres(args):
    with lib.PgCluster(durable=True) as pg:
        url = pg.create_db("bench")
        with lib.Server(BINARY, database_url=url) as s:
            pass
        op = engine.psql(pg, "SELECT id FROM tenants WHERE kind = 'operator' ORDER BY id LIMIT 1")
        path = tempfile.mktemp(suffix=".csv")
        import csv
        with open(path, "w", newline="") as f:
            w = csv.writer(f)
            for r in event_rows(op, args.events, int(time.time() * 1000) - args.events):
                w.writerow(["" if v is None else v for v in r])
        t0 = time.perf_counter()
        os.chmod(path, 0o644)
        engine.psql(pg, f"\\copy events (id, tenant_id, merchant_id, subject_type, subject_id, kind, actor_kind, actor_id, reason, data, at) "
                        f"FROM '{path}' WITH (FORMAT csv, FORCE_NULL (merchant_id, actor_id, reason))")
        os.unlink(path)
        say(f"# postgres: {args.events} events written in {time.perf_counter() - t0:.1f} s; load {load()}")
        n, seconds = sealed(s)
        say(f"RESULT audit_seal postgres events={n} seconds={seconds:.1f} rate={n / seconds:.0f}/s")
        walls, refs = [], []
        for run in range(args.runs):
            wall, _ = verify_rate(s)
            t0 = time.perf_counter()
            cmd = [os.path.join(pg.bindir, "psql"), "-h", pg.dir, "-p", str(pg.port), "-U", "postgres", "-d", "bench", "-Atc",
                   f"COPY ({CHAIN_QUERY.format(t=op)}) TO STDOUT WITH (FORMAT csv)"]
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
            import csv
            rows = ([int(r[0]), r[1], r[2], *[v if v != "" else None for v in r[3:13]], int(r[13])] for r in csv.reader(proc.stdout))
            links, bad = check_rows(rows)
            proc.wait()
            ref = links / (time.perf_counter() - t0)
            if bad:
                raise SystemExit(f"the reference found {bad} links that do not recompute")
            walls.append(wall), refs.append(ref)
            say(f"# postgres run {run + 1}: verify {wall:.0f} links/s, reference {ref:.0f}; load {load()}")
        say(f"RESULT audit_verify postgres links={links} median={statistics.median(walls):.0f}/s reference={statistics.median(refs):.0f}/s "
            f"ratio={statistics.median(walls) / statistics.median(refs):.2f}")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--events", type=int, default=2_000_000)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--only", choices=["sqlite", "postgres"])
    args = p.parse_args()
    say(f"# audit bench {time.strftime('%Y-%m-%d %H:%M')}; {os.cpu_count()} cores; load {load()}")
    if args.only != "postgres":
        run_sqlite(args)
    if args.only != "sqlite" and lib.PgCluster.available():
        run_postgres(args)
    FIGURES.write()


if __name__ == "__main__":
    main()
