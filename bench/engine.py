"""What the end-to-end benchmarks share: their RESULT lines, and the raw-engine references (the same
rows straight through Python's sqlite3 on a copy of the product's database, one transaction per
unit of work; `pgbench` with a script of the same statements)."""
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import time


class Figures:
    """RESULT lines printed as they come and written, with the conditions, at the end."""

    def __init__(self, path):
        self.path, self.lines = path, []

    def say(self, line):
        print(line, flush=True)
        self.lines.append(line)

    def write(self):
        with open(self.path, "w") as f:
            f.write("\n".join(self.lines) + "\n")


def load():
    return open("/proc/loadavg").read().strip()


def sqlite_rate(db, seconds, statements, facts, params):
    """Units of work per second: `statements` run with `params(ctx, n)` in one IMMEDIATE
    transaction each, on a backup copy of `db` (WAL, synchronous FULL, foreign keys on), for `seconds`;
    `ctx = facts(con)` is read once from the copy."""
    d = tempfile.mkdtemp(prefix="tp-ref-")
    path = os.path.join(d, "ref.db")
    # SQLite's online backup: a consistent copy even while the server still writes (a file copy
    # can catch a page half written).
    src = sqlite3.connect(db)
    dst = sqlite3.connect(path)
    src.backup(dst)
    dst.close()
    src.close()
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    con.execute("PRAGMA foreign_keys=ON")
    ctx = facts(con)
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        p = params(ctx, n)
        con.execute("BEGIN IMMEDIATE")
        for sql in statements:
            con.execute(sql, p)
        con.execute("COMMIT")
        n += 1
    rate = n / (time.perf_counter() - t0)
    con.close()
    shutil.rmtree(d, ignore_errors=True)
    return rate


def psql(pg, sql):
    """The rows of `sql` on the `bench` database, as text (`|` between columns)."""
    cmd = [os.path.join(pg.bindir, "psql"), "-h", pg.dir, "-p", str(pg.port), "-U", "postgres", "-d", "bench", "-Atc", sql]
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip()


def pgbench_rate(pg, seconds, script):
    """Transactions per second of `script` (lines of a pgbench script) at 16 clients, 2 threads."""
    f = tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False)
    f.write("\n".join(script))
    f.close()
    out = subprocess.run([os.path.join(pg.bindir, "pgbench"), "-h", pg.dir, "-p", str(pg.port), "-U", "postgres", "-n", "-M", "prepared",
                          "-c16", "-j2", f"-T{seconds}", "-f", f.name, "bench"], capture_output=True, text=True)
    os.unlink(f.name)
    tps = [l for l in out.stdout.splitlines() if l.startswith("tps")]
    if not tps or "aborted" in out.stderr:
        raise SystemExit(out.stdout[-1500:] + out.stderr[-1500:])
    return float(tps[0].split("=")[1].split()[0])


def pgbench_script(statements, fresh, exprs, constants, header=()):
    """`statements` (with `:name` parameters, as sqlite3 takes them) as one pgbench transaction:
    each name in `fresh` a new id where it stands (used once), each in `exprs` the SQL expression
    given (the same within the transaction), each in `constants` its value quoted; `:now` a fixed
    instant. `header` lines (`\\set …`) come first; `n` is a random number per transaction."""
    script = ["\\set n random(1, 2000000000)", *header, "BEGIN;"]
    for sql in statements:
        s = re.sub(r":(" + "|".join(fresh) + r")\b",
                   lambda m: f"md5(:client_id::text || '-{m.group(1)}-' || :n::text || clock_timestamp()::text)", sql)
        for name, expr in exprs.items():
            s = re.sub(f":{name}\\b", expr, s)
        for name, value in constants.items():
            s = re.sub(f":{name}\\b", "'" + value.replace("'", "''") + "'", s)
        script.append(s.replace(":now", "1790000000000") + ";")
    script.append("COMMIT;")
    return script
