-- Orders per status for the dashboard without scanning orders (docs/ARCHITECTURE.md, "Counts").
-- Every insert, status change and delete of an order appends one change row, from one status to
-- another (by trigger, so no use case can forget it and no two transactions update one counter
-- row); a background job folds the changes into the totals. A count is the total plus the
-- changes not folded yet.
CREATE TABLE order_status_counts (
    tenant_id TEXT NOT NULL,
    merchant_id TEXT NOT NULL,
    status TEXT NOT NULL,
    orders BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, merchant_id, status)
);
CREATE TABLE order_status_changes (
    id INTEGER PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    merchant_id TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT
);
INSERT INTO order_status_counts (tenant_id, merchant_id, status, orders)
    SELECT tenant_id, merchant_id, status, COUNT(*) FROM orders GROUP BY tenant_id, merchant_id, status;
CREATE TRIGGER order_status_counts_insert AFTER INSERT ON orders BEGIN
    INSERT INTO order_status_changes (tenant_id, merchant_id, from_status, to_status) VALUES (new.tenant_id, new.merchant_id, NULL, new.status);
END;
CREATE TRIGGER order_status_counts_update AFTER UPDATE OF status ON orders WHEN old.status <> new.status BEGIN
    INSERT INTO order_status_changes (tenant_id, merchant_id, from_status, to_status) VALUES (new.tenant_id, new.merchant_id, old.status, new.status);
END;
CREATE TRIGGER order_status_counts_delete AFTER DELETE ON orders BEGIN
    INSERT INTO order_status_changes (tenant_id, merchant_id, from_status, to_status) VALUES (old.tenant_id, old.merchant_id, old.status, NULL);
END;
