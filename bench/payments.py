#!/usr/bin/env python3
"""Payments (#17): payment webhooks end to end (verify the provider's signature over the raw body,
record the event once, merge the payment's facts, settle the order: payment received, the payment
window's stock released and reserved again by the automatic approval, confirmed) at 16 concurrent
senders, on SQLite and on PostgreSQL 15 (fsync on), beside a raw-engine reference in the same run.

Run from the project root after `cargo build --release -p tradeport`, when `uptime` is quiet:

    python3 bench/payments.py [--seconds 30] [--runs 3] [--only sqlite|postgres] [--provider stripe|alipay]

`--provider stripe` (the default) signs `payment_intent.succeeded` events with Stripe's HMAC;
`--provider alipay` signs Antom `notifyPayment` notifications with RSA2 (SHA256withRSA, 2048-bit,
the test key of fixtures/payments/alipay), which the product checks with Alipay's public key.

Each run: `serve --demo` on a fresh database (once per engine); a 30-minute payment window for web
orders; a Stripe account for the demo merchant (lumen-home); the lamp's stock topped up. Unpaid web
orders are taken in first (wrk, each with its own PaymentIntent, so each is `awaiting_payment`
with its lamp reserved), then their `payment_intent.succeeded` events, signed as Stripe signs them,
are replayed by `wrk` (2 threads, 16 connections) with `bench/payment_hooks.lua`, each once.
Events/s = events recorded as applied in the product's database over the wrk run (a replay after
the file ran out is answered as a duplicate and not counted); p50/p99 from wrk; every answer 200.

Reference: the rows one event writes, straight through the engine, one transaction per event: the
event record, the payment (insert, then its update with the facts), the order's paid amount, the
reservation released and made again (balance twice, two movements, the allocation deleted and
inserted), the number counter, the order's state, three events, the event's outcome and the
account's last event. Python's sqlite3 on a copy of the product's database (WAL, synchronous
FULL), one writer; `pgbench` with a script of the same statements at 16 clients.

Prints RESULT lines and writes them, with the conditions, to bench/last_payments.txt; never fails
on timing.
"""
import argparse
import hashlib
import hmac
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "bench-reference"))
import harness as lib  # noqa: E402

import engine  # noqa: E402

BINARY = os.path.abspath(os.environ.get("TRADEPORT_BIN", "target/release/tradeport"))
HERE = os.path.dirname(os.path.abspath(__file__))
WHSEC = "whsec_bench_secret_0001"
LAST = os.path.join(HERE, "last_payments.txt")
ALIPAY_DIR = os.path.join(HERE, "..", "fixtures", "payments", "alipay")
ALIPAY_CLIENT = "SANDBOX_5YBZ1K2ZF3Q704512"
PROVIDER = "stripe"
FIGURES = engine.Figures(LAST)
say, load = FIGURES.say, engine.load


def prepare(s):
    """Tops up the lamp, opens a window for web orders, connects Stripe for lumen-home."""
    keys = s.keys()
    op, mk = keys["pacific-bridge"], keys["lumen-home"]
    st, stock = lib.call(s.url + "/api/v1/stock?limit=200", key=op)
    lamp = [b for b in stock["items"] if b.get("sku") == "LMP-DESK-01"][0]
    st, r = lib.call(s.url + "/api/v1/stock/adjustments", "POST", {"sku_id": lamp["sku_id"], "warehouse_id": lamp["warehouse_id"],
                     "delta": 10_000_000, "reason": "bench top-up"}, key=op)
    assert st in (200, 201), (st, r)
    st, r = lib.call(s.url + "/api/v1/settings", "PATCH", {"payment_windows": {"web": 30}}, key=op)
    assert st == 200, (st, r)
    if PROVIDER == "alipay":
        public = "".join(l for l in open(os.path.join(ALIPAY_DIR, "test_antom_public_key.pem")) if not l.startswith("-----"))
        body = {"provider": "alipay", "name": "Bench Alipay", "client_id": ALIPAY_CLIENT, "provider_public_key": public.strip()}
    else:
        body = {"provider": "stripe", "name": "Bench Stripe", "api_key": "sk_test_bench_000000", "webhook_secret": WHSEC}
    st, a = lib.call(s.url + "/api/v1/payment-accounts", "POST", body, key=mk)
    assert st == 201, (st, a)
    return a["id"], mk


def order(run, n):
    return {"channel": "web", "channel_order_id": f"PAY-{run}-{n}",
            "buyer": {"name": "Ada Lovelace", "phone": "020 7946 0958", "email": f"ada{n}@example.com", "language": "en"},
            "shipping_address": {"name": "Ada Lovelace", "line1": f"{n} Lovelace Way", "city": "London", "postcode": "EC1Y 8SY",
                                 "country": "GB"},
            "lines": [{"sku": "LMP-DESK-01", "quantity": 1, "unit_price_minor": 4599}], "shipping_fee_minor": 799,
            "currency": "GBP", "total_minor": 5398, "paid_minor": 0, "payment_method": "card", "payment_status": "unpaid",
            "payment_reference": reference(run, n), "service_level": "standard"}


def reference(run, n):
    return f"req_bench_{run}_{n}" if PROVIDER == "alipay" else f"pi_bench_{run}_{n}"


def take_orders(s, key, run, count):
    path = os.path.join(s.dir, f"orders-{run}.txt")
    with open(path, "w") as f:
        for n in range(count):
            f.write(json.dumps(order(run, n), separators=(",", ":")) + "\n")
    env = dict(os.environ, FILE=path, KEY=key, THREADS="2")
    # Long enough for every line once at intake's pace; each thread stops advancing at its last.
    out = subprocess.run(["wrk", "-t2", "-c16", f"-d{max(30, count // 200)}s", "-s", os.path.join(HERE, "orders_post.lua"), s.url],
                         env=env, capture_output=True, text=True).stdout
    return [l for l in out.splitlines() if l.startswith("RESULT")][0]


def signed_file(path, run, count, account):
    """One delivery per line: its signature headers (`name:value`, `|` between) and its body."""
    t = int(time.time())
    sign = None
    if PROVIDER == "alipay":
        import base64
        import urllib.parse
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import padding
        key = serialization.load_pem_private_key(open(os.path.join(ALIPAY_DIR, "test_antom_private_key.pem"), "rb").read(), None)

        def sign(body):
            when = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(t))
            content = f"POST /api/v1/payment-hooks/{account}\n{ALIPAY_CLIENT}.{when}.{body}".encode()
            sig = urllib.parse.quote_plus(base64.b64encode(key.sign(content, padding.PKCS1v15(), hashes.SHA256())).decode())
            return f"client-id:{ALIPAY_CLIENT}|request-time:{when}|signature:algorithm=RSA256,keyVersion=1,signature={sig}"
    with open(path, "w") as f:
        for n in range(count):
            if PROVIDER == "alipay":
                event = {"notifyType": "PAYMENT_RESULT", "result": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"},
                         "paymentRequestId": reference(run, n), "paymentId": f"2026{run:04d}{n:012d}",
                         "paymentAmount": {"currency": "GBP", "value": "5398"}, "paymentTime": "2026-11-27T09:00:00+08:00"}
                body = json.dumps(event, separators=(",", ":"))
                f.write(f"{sign(body)}\t{body}\n")
                continue
            event = {"id": f"evt_bench_{run}_{n}", "object": "event", "api_version": "2026-07-29.dahlia", "created": t,
                     "livemode": False, "type": "payment_intent.succeeded",
                     "data": {"object": {"id": reference(run, n), "object": "payment_intent", "amount": 5398,
                                         "amount_received": 5398, "currency": "gbp", "status": "succeeded", "metadata": {}}}}
            body = json.dumps(event, separators=(",", ":"))
            sig = hmac.new(WHSEC.encode(), f"{t}.{body}".encode(), hashlib.sha256).hexdigest()
            f.write(f"Stripe-Signature:t={t},v1={sig}\t{body}\n")


def applied(s, pg, run):
    """Events of `run` the product took (each is recorded once; a replay after the file ran out is not)."""
    prefix = f"PAYMENT_RESULT:req_bench_{run}_" if PROVIDER == "alipay" else f"evt_bench_{run}_"
    q = f"SELECT COUNT(*) FROM payment_events WHERE event_id LIKE '{prefix}%' AND outcome = 'applied'"
    if pg:
        psql = [os.path.join(pg.bindir, "psql"), "-h", pg.dir, "-p", str(pg.port), "-U", "postgres", "-d", "bench", "-Atc", q]
        return int(subprocess.run(psql, capture_output=True, text=True, check=True).stdout.strip())
    db = [os.path.join(s.dir, f) for f in os.listdir(s.dir) if f.endswith(".db")][0]
    con = sqlite3.connect(db)
    try:
        return con.execute(q).fetchone()[0]
    finally:
        con.close()


def events(s, pg, account, seconds, run, count):
    path = os.path.join(s.dir, f"events-{run}.txt")
    signed_file(path, run, count, account)
    env = dict(os.environ, FILE=path, ACCOUNT=account, THREADS="2")
    t0 = time.perf_counter()
    out = subprocess.run(["wrk", "-t2", "-c16", f"-d{seconds}s", "-s", os.path.join(HERE, "payment_hooks.lua"), s.url],
                         env=env, capture_output=True, text=True).stdout
    took = time.perf_counter() - t0
    line = [l for l in out.splitlines() if l.startswith("RESULT")][0]
    n = applied(s, pg, run)
    if n >= count:
        say(f"# run {run}: every event was taken before the end; the rate is a floor (raise --events)")
    return f"{line} applied={n}", n / took


STATEMENTS = [
    ("INSERT INTO payment_events (id, tenant_id, account_id, event_id, event_type, payment_id, order_id, occurred_at, received_at, "
     "body, outcome, detail) VALUES (:ev, :tenant, :acct, :key, 'payment_intent.succeeded', NULL, NULL, :now, :now, :body, 'received', '') "
     "ON CONFLICT (account_id, event_id) DO NOTHING"),
    ("INSERT INTO payments (id, tenant_id, merchant_id, account_id, order_id, reference, currency, amount_minor, captured_minor, "
     "refunded_minor, state, facts, attention, created_at, updated_at) VALUES (:p, :tenant, :merchant, :acct, :o, :key, 'GBP', 0, 0, 0, "
     "'pending', '{}', '', :now, :now) ON CONFLICT (account_id, reference) DO NOTHING"),
    ("UPDATE payments SET amount_minor = 5398, captured_minor = 5398, state = 'captured', "
     "facts = '{\"amount\": 5398, \"captured\": 5398, \"refunded\": 0, \"attempt\": null, \"dispute\": null}', updated_at = :now "
     "WHERE account_id = :acct AND reference = :key"),
    "UPDATE orders SET paid_minor = 5398, payment_status = 'paid', updated_at = :now WHERE tenant_id = :tenant AND id = :o",
    ("UPDATE stock_balances SET reserved = reserved - 1, updated_at = :now WHERE tenant_id = :tenant AND sku_id = :sku "
     "AND warehouse_id = :wh AND reserved >= 1"),
    ("INSERT INTO stock_movements (id, tenant_id, sku_id, warehouse_id, kind, on_hand_delta, reserved_delta, order_id, reason, "
     "actor_kind, actor_id, at) VALUES (:m1, :tenant, :sku, :wh, 'release', 0, -1, :o, 'paid', 'system', NULL, :now)"),
    "DELETE FROM order_allocations WHERE tenant_id = :tenant AND order_id = :o",
    ("UPDATE stock_balances SET reserved = reserved + 1, updated_at = :now WHERE tenant_id = :tenant AND sku_id = :sku "
     "AND warehouse_id = :wh AND on_hand - reserved >= 1"),
    ("INSERT INTO stock_movements (id, tenant_id, sku_id, warehouse_id, kind, on_hand_delta, reserved_delta, order_id, reason, "
     "actor_kind, actor_id, at) VALUES (:m2, :tenant, :sku, :wh, 'reserve', 0, 1, :o, NULL, 'system', NULL, :now)"),
    ("INSERT INTO order_allocations (id, tenant_id, order_id, line_no, sku_id, warehouse_id, quantity, created_at) "
     "VALUES (:a, :tenant, :o, 1, :sku, :wh, 1, :now)"),
    ("INSERT INTO order_number_counters (tenant_id, day, last_serial) VALUES (:tenant, 'ref', 1) "
     "ON CONFLICT (tenant_id, day) DO UPDATE SET last_serial = order_number_counters.last_serial + 1"),
    ("UPDATE orders SET status = 'confirmed', allocation = 'reserved', holds = '[]', order_no = :key, approved_at = :now, "
     "confirmed_at = :now WHERE tenant_id = :tenant AND id = :o"),
    ("INSERT INTO events (id, tenant_id, merchant_id, subject_type, subject_id, kind, actor_kind, actor_id, reason, data, at) VALUES "
     "(:e1, :tenant, :merchant, 'order', :o, 'order_payment_received', 'system', NULL, NULL, '{}', :now), "
     "(:e2, :tenant, :merchant, 'order', :o, 'order_approve', 'system', NULL, NULL, '{}', :now), "
     "(:e3, :tenant, :merchant, 'order', :o, 'order_confirm', 'system', NULL, NULL, '{}', :now)"),
    ("UPDATE payment_events SET payment_id = :p, order_id = :o, outcome = 'applied', detail = 'paid in full' "
     "WHERE account_id = :acct AND event_id = :key"),
    "UPDATE payment_accounts SET last_event_at = :now WHERE id = :acct",
]

BODY = '{"id":"evt_ref","object":"event","type":"payment_intent.succeeded","data":{"object":{"id":"pi_ref","amount_received":5398}}}'


def facts_sqlite(con):
    row = con.execute("""SELECT b.tenant_id, k.merchant_id, b.sku_id, b.warehouse_id FROM stock_balances b
                         JOIN skus k ON k.id = b.sku_id WHERE k.sku = 'LMP-DESK-01' ORDER BY b.on_hand DESC LIMIT 1""").fetchone()
    acct = con.execute("SELECT id FROM payment_accounts LIMIT 1").fetchone()[0]
    orders = [r[0] for r in con.execute("SELECT id FROM orders WHERE channel = 'web' AND status = 'confirmed' LIMIT 1000")]
    return (*row, acct, orders)


def reference_sqlite(db, seconds):
    def params(ctx, n):
        tenant, merchant, sku, wh, acct, orders = ctx
        return {"tenant": tenant, "merchant": merchant, "sku": sku, "wh": wh, "acct": acct, "now": int(time.time() * 1000),
                "key": f"ref-{n}", "o": orders[n % len(orders)], "body": BODY,
                **{k: str(uuid.uuid4()) for k in ("ev", "p", "m1", "m2", "a", "e1", "e2", "e3")}}
    return engine.sqlite_rate(db, seconds, STATEMENTS, facts_sqlite, params)


def reference_pg(pg, seconds):
    q = ("SELECT b.tenant_id, k.merchant_id, b.sku_id, b.warehouse_id, (SELECT id FROM payment_accounts LIMIT 1) "
         "FROM stock_balances b JOIN skus k ON k.id = b.sku_id WHERE k.sku = 'LMP-DESK-01' ORDER BY b.on_hand DESC LIMIT 1")
    tenant, merchant, sku, wh, acct = engine.psql(pg, q).split("|")
    # 1,000 of the paid orders, numbered, for the script to pick one by a random k (a primary-key read).
    orders = int(engine.psql(pg, "DROP TABLE IF EXISTS bench_orders; CREATE TABLE bench_orders (k INT PRIMARY KEY, id TEXT NOT NULL); "
                                 "INSERT INTO bench_orders SELECT row_number() OVER (ORDER BY id) - 1, id FROM orders "
                                 "WHERE channel = 'web' AND status = 'confirmed' ORDER BY id LIMIT 1000; "
                                 "SELECT COUNT(*) FROM bench_orders").split()[-1])
    # One transaction per event, as the product's.
    script = engine.pgbench_script(
        STATEMENTS, ("ev", "m1", "m2", "a", "e1", "e2", "e3"),
        {"p": "('p-' || :client_id::text || '-' || :n::text)", "o": "(SELECT id FROM bench_orders WHERE k = :k)",
         "key": "('pgb-' || :client_id::text || '-' || :n::text)"},
        {"tenant": tenant, "merchant": merchant, "sku": sku, "wh": wh, "acct": acct, "body": BODY},
        header=[f"\\set k random(0, {orders - 1})"])
    return engine.pgbench_rate(pg, seconds, script)


def run_engine(kind, args):
    rates, refs = [], []
    pg = lib.PgCluster(durable=True).__enter__() if kind == "postgres" else None
    try:
        url = pg.create_db("bench") if pg else None
        with lib.Server(binary=BINARY, database_url=url) as s:
            account, key = prepare(s)
            for run in range(args.runs):
                count = args.events
                taken = take_orders(s, key, run, count)
                say(f"RESULT orders {kind} run={run} {taken}")
                line, rate = events(s, pg, account, args.seconds, run, count)
                say(f"RESULT events {kind} run={run} {line} load={load()}")
                rates.append(rate)
                db = None if pg else [os.path.join(s.dir, f) for f in os.listdir(s.dir) if f.endswith(".db")][0]
                ref = reference_pg(pg, args.seconds) if pg else reference_sqlite(db, args.seconds)
                say(f"RESULT reference {kind} run={run} events_per_s={ref:.0f}")
                refs.append(ref)
    finally:
        if pg:
            pg.__exit__(None, None, None)
    m, r = statistics.median(rates), statistics.median(refs)
    say(f"RESULT events {kind} median {m:.0f} events/s, reference {r:.0f}/s, ratio {m / r:.2f}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=30)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--events", type=int, default=12_000, help="orders taken and events sent per run (each event once)")
    ap.add_argument("--only", choices=["sqlite", "postgres"])
    ap.add_argument("--provider", choices=["stripe", "alipay"], default="stripe")
    args = ap.parse_args()
    global PROVIDER, LAST, FIGURES, say
    PROVIDER = args.provider
    if PROVIDER != "stripe":
        LAST = os.path.join(HERE, f"last_payments_{PROVIDER}.txt")
        FIGURES = engine.Figures(LAST)
        say = FIGURES.say
    say(f"# bench/payments.py {time.strftime('%Y-%m-%d %H:%M')} provider={PROVIDER} seconds={args.seconds} runs={args.runs} events={args.events} "
        f"cores={os.cpu_count()} load={load()}")
    for kind in ("sqlite", "postgres"):
        if args.only in (None, kind):
            run_engine(kind, args)
    FIGURES.write()


if __name__ == "__main__":
    main()
