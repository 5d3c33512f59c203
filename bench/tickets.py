#!/usr/bin/env python3
"""Customer service (#13): inbound e-mail messages per second (SMTP receive, parse, thread, link,
classify, store, acknowledge) at 16 concurrent senders, and the ticket search's latency over a
million messages, on SQLite and on PostgreSQL 15 (fsync on), beside a raw-engine reference in the
same run.

Run from the project root after `cargo build --release -p tradeport`, when `uptime` is quiet:

    python3 bench/tickets.py [--seconds 30] [--runs 3] [--only sqlite|postgres] [--messages 1000000]

Inbound: `serve --demo --mail-in-bind` on a fresh database, a support mailbox for the operator;
16 Python threads each keep one SMTP connection (smtplib) and send new e-mails as fast as the
server answers 250: each a new buyer asking about a parcel (a tracking number that matches no
order, so the link is looked up and missed), so each opens a ticket, is classified, stored,
indexed for search and acknowledged (a second message and its delivery job). Messages/s = 250s
over the run; p50/p99 the client's time from DATA to 250.

Reference: the rows one message writes, straight through the engine, one transaction per message:
the ticket, the buyer's message, the acknowledgement and its job (the search index is kept by the
same triggers on SQLite; PostgreSQL's by its GIN indexes). Python's sqlite3 on a copy of the
product's database (WAL, synchronous FULL); `pgbench` with a script of the same statements at 16
clients.

Search: --messages messages in tickets of 5 messages each, written straight into the stopped
server's database (sqlite3; COPY on PostgreSQL), then `GET /api/v1/tickets?q=…` for words found
in about 1 in 2,000 messages, one at a time for --seconds; p50/p99 of the answers, every one 200.
On SQLite the reference is the same three queries straight through sqlite3 on the same file; on
PostgreSQL there is no search reference yet.

Prints RESULT lines and writes them, with the conditions, to bench/last_tickets.txt; never fails
on timing.
"""
import argparse
import os
import random
import smtplib
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "bench-reference"))
import harness as lib  # noqa: E402

import engine  # noqa: E402

BINARY = os.path.abspath(os.environ.get("TRADEPORT_BIN", "target/release/tradeport"))
HERE = os.path.dirname(os.path.abspath(__file__))
FIGURES = engine.Figures(os.path.join(HERE, "last_tickets.txt"))
say, load = FIGURES.say, engine.load
MAILBOX = "support@pacific-bridge.example"
WORDS = ["parcel", "lamp", "colour", "refund", "broken", "delivery", "customs", "invoice", "address", "return"]


def mail(run, thread, n):
    sender = f"buyer-{run}-{thread}-{n}@example.com"
    return sender, (
        f"From: Buyer {n} <{sender}>\r\nTo: {MAILBOX}\r\nSubject: Where is my parcel {run}-{thread}-{n}?\r\n"
        f"Message-ID: <m-{run}-{thread}-{n}@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        f"Hello, my parcel RR473124829GB has not arrived and the tracking says nothing. Order 2026{n:010d}.\r\n"
    )


def inbound(port, seconds, run):
    """Messages/s and the client's latencies over `seconds`, 16 senders."""
    stop = time.perf_counter() + seconds
    latencies, errors = [], []
    lock = threading.Lock()

    def sender(t):
        smtp = smtplib.SMTP("127.0.0.1", port, timeout=30)
        n, mine = 0, []
        try:
            while time.perf_counter() < stop:
                frm, body = mail(run, t, n)
                t0 = time.perf_counter()
                try:
                    smtp.sendmail(frm, [MAILBOX], body.encode())
                    mine.append(time.perf_counter() - t0)
                except smtplib.SMTPException as e:
                    errors.append(str(e))
                n += 1
            smtp.quit()
        finally:
            with lock:
                latencies.extend(mine)

    t0 = time.perf_counter()
    threads = [threading.Thread(target=sender, args=(t,)) for t in range(16)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    took = time.perf_counter() - t0
    latencies.sort()
    q = lambda p: latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000  # noqa: E731
    return len(latencies) / took, q(0.5), q(0.99), len(errors)


STATEMENTS = [
    ("INSERT INTO tickets (id, tenant_id, merchant_id, order_id, channel, status, category, priority, category_because, subject, "
     "buyer_name, buyer_email, language, first_response_due, first_responded_at, resolution_due, solved_at, created_at, updated_at, "
     "reply_address) VALUES (:t, :tenant, NULL, NULL, 'email', 'open', 'delay_lost', 'normal', '[\"tracking\"]', :subject, "
     "'Buyer', :email, 'en', :now, NULL, :now, NULL, :now, :now, 'support@pacific-bridge.example')"),
    ("INSERT INTO ticket_messages (id, tenant_id, ticket_id, direction, channel, external_id, author, body, created_at) "
     "VALUES (:m1, :tenant, :t, 'in', 'email', :ext, 'Buyer', :body, :now) ON CONFLICT (tenant_id, channel, external_id) DO NOTHING"),
    ("INSERT INTO ticket_messages (id, tenant_id, ticket_id, direction, channel, external_id, author, body, created_at) "
     "VALUES (:m2, :tenant, :t, 'auto', 'email', NULL, 'Tradeport', :ack, :now)"),
    ("INSERT INTO jobs (id, tenant_id, kind, payload, state, run_at, attempts, max_attempts, created_at, updated_at) "
     "VALUES (:j, :tenant, 'ticket_reply', :payload, 'queued', :now, 0, 12, :now, :now)"),
]
BODY = "Hello, my parcel RR473124829GB has not arrived and the tracking says nothing."
ACK = "Thank you for writing. Your message is ticket 0000; we will answer by 28 November 2026, 13:00 Asia/Shanghai."


def reference_sqlite(db, seconds):
    def facts(con):
        return con.execute("SELECT id FROM tenants WHERE code = 'pacific-bridge'").fetchone()[0]

    def params(tenant, n):
        ids = {k: str(uuid.uuid4()) for k in ("t", "m1", "m2", "j")}
        return {"tenant": tenant, "now": int(time.time() * 1000), "subject": f"Where is my parcel ref-{n}?",
                "email": f"ref-{n}@example.com", "ext": f"ref-{n}@example.com", "body": BODY, "ack": ACK,
                "payload": '{"message_id":"' + ids["m2"] + '"}', **ids}
    return engine.sqlite_rate(db, seconds, STATEMENTS, facts, params)


def reference_pg(pg, seconds):
    tenant = engine.psql(pg, "SELECT id FROM tenants WHERE code = 'pacific-bridge'")
    script = engine.pgbench_script(
        STATEMENTS, ("m1", "m2", "j"),
        {"t": "('t-' || :client_id::text || '-' || :n::text)", "subject": "('Where is my parcel ' || :n::text)", "email": "('pgb-' || :client_id::text || '-' || :n::text || '@example.com')",
         "ext": "('pgb-' || :client_id::text || '-' || :n::text || clock_timestamp()::text)", "payload": "'{}'"},
        {"tenant": tenant, "body": BODY, "ack": ACK})
    # The job's kind column is TEXT; ids are md5 text: the script as the product writes.
    return engine.pgbench_rate(pg, seconds, script)


def mailbox(s):
    st, r = lib.call(s.url + "/api/v1/support-mailboxes", "POST", {"address": MAILBOX}, key=s.keys()["pacific-bridge"])
    assert st == 201, (st, r)


def run_inbound(kind, args, pg):
    rates, refs = [], []
    url = pg.create_db("bench") if pg else None
    port = lib.free_port()
    os.environ["TRADEPORT_MAIL_IN_BIND"] = f"127.0.0.1:{port}"
    try:
        with lib.Server(binary=BINARY, database_url=url) as s:
            mailbox(s)
            for run in range(args.runs):
                rate, p50, p99, errors = inbound(port, args.seconds, run)
                say(f"RESULT inbound {kind} run={run} messages_per_s={rate:.0f} p50_ms={p50:.1f} p99_ms={p99:.1f} errors={errors} load={load()}")
                rates.append(rate)
                db = None if pg else [os.path.join(s.dir, f) for f in os.listdir(s.dir) if f.endswith(".db")][0]
                ref = reference_pg(pg, args.seconds) if pg else reference_sqlite(db, args.seconds)
                say(f"RESULT reference {kind} run={run} messages_per_s={ref:.0f}")
                refs.append(ref)
    finally:
        os.environ.pop("TRADEPORT_MAIL_IN_BIND", None)
    m, r = statistics.median(rates), statistics.median(refs)
    say(f"RESULT inbound {kind} median {m:.0f} messages/s, reference {r:.0f}/s, ratio {m / r:.2f}")


def corpus_rows(tenant, count):
    """Tickets of 5 messages each; each message holds 12 words drawn from a 20,000-word vocabulary, so
    a given word is in about 1 in 2,000 messages (as an order number or a rare complaint is)."""
    rnd = random.Random(7)
    now = int(time.time() * 1000)
    for n in range(count):
        t = n // 5
        ticket = f"00000000-0000-7000-8000-{t:012d}"
        words = " ".join(f"w{rnd.randrange(20000):05d}" for _ in range(12))
        yield ticket, t, (f"10000000-0000-7000-8000-{n:012d}", tenant, ticket, "in", "email", f"seed-{n}@example.com",
                          "Buyer", f"Hello {words} {rnd.choice(WORDS)}", now - (count - n) * 1000)


def load_sqlite(db, count):
    con = sqlite3.connect(db, isolation_level=None)
    tenant = con.execute("SELECT id FROM tenants WHERE code = 'pacific-bridge'").fetchone()[0]
    con.execute("BEGIN")
    batch, last = [], -1
    for ticket, t, m in corpus_rows(tenant, count):
        if t != last:
            con.execute(
                "INSERT INTO tickets (id, tenant_id, channel, status, category, priority, category_because, subject, buyer_name, "
                "buyer_email, language, created_at, updated_at) VALUES (?, ?, 'email', 'solved', 'other', 'normal', '[]', ?, "
                "'Buyer', ?, 'en', ?, ?)", (ticket, tenant, f"Question {t}", f"seed-{t}@example.com", m[8], m[8]))
            last = t
        batch.append(m)
        if len(batch) >= 10_000:
            con.executemany("INSERT INTO ticket_messages (id, tenant_id, ticket_id, direction, channel, external_id, author, body, "
                            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", batch)
            batch = []
    if batch:
        con.executemany("INSERT INTO ticket_messages (id, tenant_id, ticket_id, direction, channel, external_id, author, body, "
                        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", batch)
    con.execute("COMMIT")
    con.close()


def search(s, key, seconds):
    rnd = random.Random(11)
    took = []
    stop = time.perf_counter() + seconds
    while time.perf_counter() < stop:
        word = f"w{rnd.randrange(20000):05d}"
        req = urllib.request.Request(f"{s.url}/api/v1/tickets?q={word}", headers={"Authorization": f"Bearer {key}"})
        t0 = time.perf_counter()
        with urllib.request.urlopen(req, timeout=60) as r:
            assert r.status == 200
            r.read()
        took.append(time.perf_counter() - t0)
    took.sort()
    q = lambda p: took[min(len(took) - 1, int(p * len(took)))] * 1000  # noqa: E731
    return len(took), q(0.5), q(0.99)


TICKET_COLUMNS = ("id, tenant_id, merchant_id, order_id, channel, status, category, priority, category_because, subject, buyer_name, "
                  "buyer_email, language, first_response_due, first_responded_at, resolution_due, solved_at, created_at, updated_at")


def search_reference_sqlite(db, seconds):
    """The same search straight through sqlite3 on the same file: the ticket query through the FTS5
    indexes, then the messages and attachments of the 200 tickets found; p50 and p99 in ms."""
    con = sqlite3.connect(db)
    tenant = con.execute("SELECT id FROM tenants WHERE code = 'pacific-bridge'").fetchone()[0]
    q = (f"SELECT {TICKET_COLUMNS} FROM tickets WHERE tenant_id = ? AND (rowid IN (SELECT rowid FROM tickets_search WHERE "
         "tickets_search MATCH ?) OR id IN (SELECT ticket_id FROM ticket_messages WHERE rowid IN (SELECT rowid FROM "
         "ticket_messages_search WHERE ticket_messages_search MATCH ?))) ORDER BY created_at DESC, id DESC LIMIT 200")
    rnd, took = random.Random(11), []
    stop = time.perf_counter() + seconds
    while time.perf_counter() < stop:
        word = f'"w{rnd.randrange(20000):05d}"'
        t0 = time.perf_counter()
        ids = [r[0] for r in con.execute(q, (tenant, word, word)).fetchall()]
        marks = ",".join("?" * len(ids)) or "''"
        con.execute(f"SELECT id, tenant_id, ticket_id, direction, channel, external_id, author, body, created_at FROM ticket_messages "
                    f"WHERE ticket_id IN ({marks}) AND tenant_id || '' = ? ORDER BY created_at, id", ids + [tenant]).fetchall()
        con.execute(f"SELECT a.id FROM ticket_attachments a JOIN ticket_messages m ON m.id = a.message_id WHERE a.tenant_id = ? "
                    f"AND m.ticket_id IN ({marks})", [tenant] + ids).fetchall()
        took.append(time.perf_counter() - t0)
    con.close()
    took.sort()
    return tuple(took[min(len(took) - 1, int(p * len(took)))] * 1000 for p in (0.5, 0.99))


def run_search(kind, args, pg):
    url = pg.create_db("search") if pg else None
    server = lib.Server(binary=BINARY, database_url=url)
    with server as s:
        keys = s.keys()
    t0 = time.perf_counter()
    if pg:
        load_pg(pg, "search", args.messages)
    else:
        db = [os.path.join(server.dir, f) for f in os.listdir(server.dir) if f.endswith(".db")][0]
        load_sqlite(db, args.messages)
    say(f"# {kind}: {args.messages} messages loaded in {time.perf_counter() - t0:.0f} s")
    restarted = lib.Server(binary=BINARY, database_url=url, demo=False)
    restarted.dir = server.dir
    with restarted as s:
        for run in range(args.runs):
            n, p50, p99 = search(s, keys["pacific-bridge"], args.seconds)
            say(f"RESULT search {kind} run={run} messages={args.messages} queries={n} p50_ms={p50:.1f} p99_ms={p99:.1f} load={load()}")
            if not pg:
                r50, r99 = search_reference_sqlite(db, args.seconds)
                say(f"RESULT search-reference {kind} run={run} p50_ms={r50:.1f} p99_ms={r99:.1f} ratio_p99={r99 / p99:.2f}")


def load_pg(pg, db, count):
    """The corpus COPYed into database `db` of the cluster."""
    def psql(*args):
        cmd = [os.path.join(pg.bindir, "psql"), "-h", pg.dir, "-p", str(pg.port), "-U", "postgres", "-d", db, "-Atc", *args]
        return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip()
    tenant = psql("SELECT id FROM tenants WHERE code = 'pacific-bridge'")
    path, tickets_path = os.path.join(pg.dir, "messages.tsv"), os.path.join(pg.dir, "tickets.tsv")
    last = -1
    with open(path, "w") as f, open(tickets_path, "w") as g:
        for ticket, t, m in corpus_rows(tenant, count):
            if t != last:
                g.write(f"{ticket}\t{tenant}\temail\tsolved\tother\tnormal\t[]\tQuestion {t}\tBuyer\tseed-{t}@example.com\ten\t{m[8]}\t{m[8]}\n")
                last = t
            f.write("\t".join(str(v) for v in m) + "\n")
    psql(f"\\copy tickets (id, tenant_id, channel, status, category, priority, category_because, subject, buyer_name, "
         f"buyer_email, language, created_at, updated_at) FROM '{tickets_path}'")
    psql(f"\\copy ticket_messages (id, tenant_id, ticket_id, direction, channel, external_id, author, body, created_at) FROM '{path}'")
    psql("ANALYZE tickets")
    psql("ANALYZE ticket_messages")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=30)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--messages", type=int, default=1_000_000)
    ap.add_argument("--only", choices=["sqlite", "postgres"])
    ap.add_argument("--part", choices=["inbound", "search"])
    args = ap.parse_args()
    say(f"# bench/tickets.py {time.strftime('%Y-%m-%d %H:%M')} seconds={args.seconds} runs={args.runs} messages={args.messages} "
        f"cores={os.cpu_count()} load={load()}")
    for kind in ("sqlite", "postgres"):
        if args.only not in (None, kind):
            continue
        pg = lib.PgCluster(durable=True).__enter__() if kind == "postgres" else None
        try:
            if args.part in (None, "inbound"):
                run_inbound(kind, args, pg)
            if args.part in (None, "search"):
                run_search(kind, args, pg)
        finally:
            if pg:
                pg.__exit__(None, None, None)
    FIGURES.write()


if __name__ == "__main__":
    main()
