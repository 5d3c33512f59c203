"""Outbox throughput and notification lag (SLA-3), against raw senders to the same sinks.

Run from the project's root after `cargo build --release -p tradeport`:
    python3 bench/notifications.py [--orders 3000] [--runs 3] [--lag-seconds 120]

A local SMTP sink and a local webhook receiver (both in this script, standard library only)
stand for the buyers' mail server and a merchant's endpoint. Two phases, each on a fresh SQLite
database with the demo loaded:

1. Throughput (RUNS times, median): `serve --no-workers` takes ORDERS unique paid orders, so
   their messages wait in the outbox; then `tradeport worker` starts and drains it. Messages/s
   = messages delivered / (last arrival - first arrival), per channel. Reference in the same run:
   the same number of the same e-mails (one captured from Tradeport, its PDF included) sent
   straight with smtplib, and the same webhook bodies posted with http.client, both from 16
   threads (the worker runs up to 64 jobs at once).
2. Lag at half the intake maximum: `serve` with its worker; wrk measures the intake maximum for
   10 s, then this script posts orders at half that rate for LAG_SECONDS. Lag = arrival -
   the change: e-mails exactly from the database (notification_lags), webhooks from the body's
   timestamp. The clock evaluation's share of intake time is read from /metrics
   (tradeport_sla_clock_seconds against POST /api/v1/orders).
Prints RESULT lines; never fails on timing."""
import argparse
import http.client
import json
import os
import smtplib
import socket
import socketserver
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "bench-reference"))
import harness as lib  # noqa: E402

BINARY = os.path.abspath(os.environ.get("TRADEPORT_BIN", "target/release/tradeport"))
LUA = os.path.join(os.path.dirname(os.path.abspath(lib.__file__)), "orders.lua")
THREADS = 16


class SmtpSink(socketserver.ThreadingTCPServer):
    """Accepts every message; keeps arrival times and the last message's bytes."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256

    def __init__(self):
        super().__init__(("127.0.0.1", 0), SmtpHandler)
        self.lock = threading.Lock()
        self.arrivals = []
        self.sample = None
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self):
        return f"smtp://127.0.0.1:{self.server_address[1]}"

    def reset(self):
        with self.lock:
            self.arrivals = []


class SmtpHandler(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        try:
            self.converse()
        except OSError:  # a pooled connection left idle, or closed by the client
            pass

    def converse(self):
        self.reply("220 sink ESMTP")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                self.wfile.write(b"250-sink\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE 52428800\r\n")
            elif verb == b"DATA":
                self.reply("354 go ahead")
                chunks = []
                while True:
                    part = self.rfile.readline()
                    if part in (b".\r\n", b".\n", b""):
                        break
                    chunks.append(part)
                arrived = time.time()
                with self.server.lock:
                    self.server.arrivals.append(arrived)
                    self.server.sample = b"".join(chunks)
                self.reply("250 queued")
            elif verb == b"QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


class HookReceiver(ThreadingHTTPServer):
    """Answers 204 to every POST; keeps arrival times, lags from the body's timestamp, a body."""

    daemon_threads = True
    request_queue_size = 256

    def __init__(self):
        super().__init__(("127.0.0.1", 0), HookHandler)
        self.lock = threading.Lock()
        self.arrivals = []
        self.lags = []
        self.sample = None
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}/hook"

    def reset(self):
        with self.lock:
            self.arrivals, self.lags = [], []


class HookHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        arrived = time.time()
        self.send_response(204)
        self.send_header("content-length", "0")
        self.end_headers()
        try:
            stamp = json.loads(body)["timestamp"].replace("Z", "+00:00")
            lag = arrived - datetime.fromisoformat(stamp).timestamp()
        except (ValueError, KeyError):
            lag = None
        with self.server.lock:
            self.server.arrivals.append(arrived)
            if lag is not None:
                self.server.lags.append(lag)
            self.server.sample = body


class Tradeport:
    """The release binary on a fresh SQLite file: `serve` (with or without workers), `worker`."""

    def __init__(self, sink, workers=True):
        self.dir = tempfile.mkdtemp(prefix="tp-bench-notify-")
        self.port = lib.free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.db = os.path.join(self.dir, "tradeport.db")
        self.env = dict(os.environ, TRADEPORT_SMTP_URL=sink.url, TRADEPORT_LOG=os.environ.get("BENCH_LOG", "warn"))
        self.procs = []
        cmd = [BINARY, "serve", "--demo", "--bind", f"127.0.0.1:{self.port}"]
        self.start(cmd if workers else cmd + ["--no-workers"])
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                urllib_ok = lib.call(self.url + "/healthz", timeout=1)[0] == 200
                if urllib_ok:
                    break
            except Exception:
                pass
            time.sleep(0.3)
        self.keys = lib.Server.keys(self)

    def start(self, cmd):
        log = open(os.path.join(self.dir, f"log-{len(self.procs)}.txt"), "w")
        self.procs.append(subprocess.Popen(cmd, cwd=self.dir, env=self.env, stdout=log, stderr=subprocess.STDOUT))

    def worker(self):
        self.start([BINARY, "worker"])

    def query(self, sql, *args):
        with sqlite3.connect(self.db, timeout=30) as c:
            return c.execute(sql, args).fetchall()

    def stop(self):
        for p in self.procs:
            p.terminate()
        for p in self.procs:
            try:
                p.wait(15)
            except subprocess.TimeoutExpired:
                p.kill()


def prepare(tp, hooks):
    """Tops up the lamp's stock and subscribes the demo merchant's endpoint to every topic."""
    op, mk = tp.keys["pacific-bridge"], tp.keys["lumen-home"]
    _, stock = lib.call(tp.url + "/api/v1/stock?limit=200", key=op)
    lamp = [b for b in stock["items"] if b.get("sku") == "LMP-DESK-01" or b.get("sku_code") == "LMP-DESK-01"][0]
    st, r = lib.call(tp.url + "/api/v1/stock/adjustments", "POST", {"sku_id": lamp["sku_id"], "warehouse_id": lamp["warehouse_id"],
                     "delta": 10_000_000, "reason": "bench top-up"}, key=op)
    assert st in (200, 201), (st, r)
    st, r = lib.call(tp.url + "/api/v1/webhooks", "POST", {"url": hooks.url, "topics": ["*"]}, key=mk)
    assert st == 201, (st, r)
    return mk


def order_body(tag):
    return json.dumps({"channel": "shopify", "channel_order_id": tag,
                       "buyer": {"name": "Ada Lovelace", "phone": "020 7946 0958", "email": "ada@example.com", "language": "de"},
                       "shipping_address": {"line1": "1 Lovelace Way", "city": "London", "postcode": "EC1Y 8SY", "country": "GB"},
                       "lines": [{"sku": "LMP-DESK-01", "quantity": 1, "unit_price_minor": 4599}], "shipping_fee_minor": 799,
                       "currency": "GBP", "total_minor": 5398, "paid_minor": 5398, "payment_method": "card",
                       "payment_status": "paid", "service_level": "standard"})


def post_orders(tp, key, tags, pace=None):
    """Posts one order per tag from THREADS keep-alive connections; `pace` = orders/s in total."""
    def run(share, offset):
        conn = http.client.HTTPConnection("127.0.0.1", tp.port, timeout=30)
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {key}"}
        started = time.time()
        for n, tag in enumerate(share):
            if pace:
                due = started + (n + offset / THREADS) * THREADS / pace
                time.sleep(max(0.0, due - time.time()))
            conn.request("POST", "/api/v1/orders", order_body(tag), headers)
            r = conn.getresponse()
            r.read()
            assert r.status == 201, r.status
        conn.close()
    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(run, [tags[i::THREADS] for i in range(THREADS)], range(THREADS)))


def wait_until_drained(tp, sink, hooks, quiet=3.0, limit=600):
    """Waits until no job is queued or running and nothing arrived for `quiet` seconds."""
    deadline = time.time() + limit
    while time.time() < deadline:
        time.sleep(0.5)
        busy = tp.query("SELECT COUNT(*) FROM jobs WHERE state IN ('queued', 'running')")[0][0]
        pending = tp.query("SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL")[0][0]
        last = max(sink.arrivals[-1:] + hooks.arrivals[-1:] + [0])
        if busy == 0 and pending == 0 and time.time() - last > quiet:
            return
    print("WARNING: not drained in time", flush=True)


def rate(arrivals):
    if len(arrivals) < 2:
        return 0.0
    return len(arrivals) / (max(arrivals) - min(arrivals))


def raw_smtp(sink, message, count):
    """The same e-mail sent `count` times straight with smtplib from THREADS connections."""
    def run(n):
        with smtplib.SMTP("127.0.0.1", sink.server_address[1]) as s:
            for _ in range(n):
                s.sendmail("orders@bench.example", ["ada@example.com"], message)
    sink.reset()
    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(run, [count // THREADS + (1 if i < count % THREADS else 0) for i in range(THREADS)]))
    return rate(sink.arrivals)


def raw_hooks(hooks, body, count):
    """The same webhook body posted `count` times with http.client from THREADS connections."""
    port = hooks.server_address[1]

    def run(n):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for _ in range(n):
            conn.request("POST", "/hook", body, {"Content-Type": "application/json"})
            conn.getresponse().read()
        conn.close()
    hooks.reset()
    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(run, [count // THREADS + (1 if i < count % THREADS else 0) for i in range(THREADS)]))
    return rate(hooks.arrivals)


def percentile(values, q):
    values = sorted(values)
    if not values:
        return float("nan")
    return values[max(1, -(-len(values) * q // 100)) - 1]


def metric_sum(text, name, must=""):
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line.startswith(name) and must in line)


def throughput_run(sink, hooks, orders, run):
    tp = Tradeport(sink, workers=False)
    try:
        mk = prepare(tp, hooks)
        started = time.time()
        post_orders(tp, mk, [f"tp-{run}-{time.time_ns()}-{i}" for i in range(orders)])
        intake = orders / (time.time() - started)
        waiting = tp.query("SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL")[0][0]
        sink.reset()
        hooks.reset()
        tp.worker()
        wait_until_drained(tp, sink, hooks)
        mails, posts = len(sink.arrivals), len(hooks.arrivals)
        ours_mail, ours_hook = rate(sink.arrivals), rate(hooks.arrivals)
        both = rate(sink.arrivals + hooks.arrivals)
    finally:
        tp.stop()
    raw_mail = raw_smtp(sink, sink.sample, mails)
    raw_hook = raw_hooks(hooks, hooks.sample, posts)
    print(f"THROUGHPUT run={run} outbox={waiting} intake={intake:.0f}/s e-mails={mails} at {ours_mail:.0f}/s "
          f"(raw smtplib {raw_mail:.0f}/s, {ours_mail / raw_mail:.2f}x) webhooks={posts} at {ours_hook:.0f}/s "
          f"(raw http.client {raw_hook:.0f}/s, {ours_hook / raw_hook:.2f}x) both={both:.0f} messages/s", flush=True)
    return ours_mail, raw_mail, ours_hook, raw_hook, both


def lag_run(sink, hooks, seconds):
    tp = Tradeport(sink, workers=True)
    try:
        mk = prepare(tp, hooks)
        wait_until_drained(tp, sink, hooks)
        env = dict(os.environ, KEY=mk, RUN=f"max-{time.time_ns()}")
        out = subprocess.run(["wrk", "-t2", f"-c{THREADS}", "-d10s", "-s", LUA, tp.url], env=env,
                             capture_output=True, text=True).stdout
        top = float([line for line in out.splitlines() if line.startswith("RESULT")][0].split("rps=")[1].split()[0])
        wait_until_drained(tp, sink, hooks)
        sink.reset()
        hooks.reset()
        before = lib.call(tp.url + "/metrics")[1]
        pace = top / 2
        count = int(pace * seconds)
        started_ms = int(time.time() * 1000)
        t0 = time.time()
        post_orders(tp, mk, [f"lag-{time.time_ns()}-{i}" for i in range(count)], pace=pace)
        achieved = count / (time.time() - t0)
        after = lib.call(tp.url + "/metrics")[1]
        wait_until_drained(tp, sink, hooks)
        lags = [r[0] / 1000 for r in tp.query(
            "SELECT delivered_at - event_at FROM notification_lags WHERE channel = 'email' AND event_at >= ?", started_ms)]
        clock = metric_sum(after, "tradeport_sla_clock_seconds_sum") - metric_sum(before, "tradeport_sla_clock_seconds_sum")
        intake = (metric_sum(after, "http_request_duration_seconds_sum", 'route="/api/v1/orders"')
                  - metric_sum(before, "http_request_duration_seconds_sum", 'route="/api/v1/orders"'))
    finally:
        tp.stop()
    print(f"LAG intake max={top:.0f}/s paced at {achieved:.0f}/s for {seconds}s: e-mail lag p50={percentile(lags, 50):.2f}s "
          f"p99={percentile(lags, 99):.2f}s max={max(lags, default=float('nan')):.2f}s over {len(lags)} e-mails; "
          f"webhook lag p50={percentile(hooks.lags, 50):.2f}s p99={percentile(hooks.lags, 99):.2f}s over {len(hooks.lags)} posts",
          flush=True)
    print(f"CLOCKS evaluation {clock:.2f}s of {intake:.2f}s intake request time = {100 * clock / intake:.1f}%", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, default=3000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--lag-seconds", type=int, default=120)
    a = ap.parse_args()
    print("load:", open("/proc/loadavg").read().strip(), flush=True)
    sink, hooks = SmtpSink(), HookReceiver()
    results = [throughput_run(sink, hooks, a.orders, run) for run in range(a.runs)]
    if not results:  # --runs 0: the lag phase only
        return lag_run(sink, hooks, a.lag_seconds)
    mid = sorted(results, key=lambda r: r[4])[len(results) // 2]
    print(f"RESULT throughput median run: e-mail {mid[0]:.0f}/s ({mid[0] / mid[1]:.2f}x raw {mid[1]:.0f}/s), "
          f"webhooks {mid[2]:.0f}/s ({mid[2] / mid[3]:.2f}x raw {mid[3]:.0f}/s), both {mid[4]:.0f} messages/s", flush=True)
    lag_run(sink, hooks, a.lag_seconds)


if __name__ == "__main__":
    socket.setdefaulttimeout(60)
    main()
