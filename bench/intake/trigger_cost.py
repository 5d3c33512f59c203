#!/usr/bin/env python3
"""What the triggers on orders cost the engine itself: SQLite, synchronous=FULL, one INSERT and two
status UPDATEs per transaction, straight through the sqlite3 module; run from the checkout root.
Prints orders/s with all triggers, without the count-rollup triggers, and without those and the
FTS5 search triggers (median of 3 runs each)."""
import sqlite3, time, glob, os, uuid
def setup(path, drop):
    if os.path.exists(path): os.remove(path)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL"); db.execute("PRAGMA synchronous=FULL")
    for f in sorted(glob.glob('crates/store/migrations/sqlite/*.sql')):
        db.executescript(open(f).read())
    for t in drop: db.execute(f"DROP TRIGGER {t}")
    db.execute("INSERT INTO tenants (id, tenant_id, kind, name, code, timezone, settings, created_at) VALUES ('op','op','operator','Op','op','UTC','{}',0)")
    return db
cols = "id, tenant_id, merchant_id, channel, channel_order_id, status, allocation, buyer_name, buyer_phone, buyer_email, buyer_language, shipping_address, ship_country, currency, subtotal_minor, discount_minor, discounts, shipping_fee_minor, total_minor, paid_minor, payment_method, payment_status, service_level, urgent, remarks, holds, flags, second_review_due, created_at, updated_at"
def run(db, n=3000):
    t=time.time()
    for i in range(n):
        db.execute("BEGIN IMMEDIATE")
        oid=str(uuid.uuid4())
        db.execute(f"INSERT INTO orders ({cols}) VALUES (?, 'op', 'op', 'web', ?, 'pending_review', 'none', 'Buyer Name', '1', 'b@example.com', 'en', '{{}}', 'GB', 'GBP', 1, 0, '[]', 0, 1, 1, 'card', 'paid', 'standard', 0, '', '[]', '', 0, 1, 1)", (oid, f"c{i}"))
        db.execute("UPDATE orders SET status='approved' WHERE id=?", (oid,))
        db.execute("UPDATE orders SET status='confirmed', order_no=? WHERE id=?", (f"n{i}", oid))
        db.execute("COMMIT")
    return n/(time.time()-t)
for name, drop in [("all triggers", []), ("no count triggers", ["order_status_counts_insert","order_status_counts_update","order_status_counts_delete"]), ("no count, no search triggers", ["order_status_counts_insert","order_status_counts_update","order_status_counts_delete","orders_search_insert","orders_search_update","orders_search_delete"])]:
    rates=[]
    for k in range(3):
        db=setup('/tmp/trig.db', drop); rates.append(run(db)); db.close()
    rates.sort(); print(f"{name:30s} {rates[1]:7.0f} orders/s (median of 3)")
