-- Orders per status for the dashboard without scanning orders (docs/ARCHITECTURE.md, "Counts").
-- Every insert, status change and delete of an order appends one change row, from one status to
-- another (by trigger, so no use case can forget it and no two transactions update one counter
-- row); a background job folds the changes into the totals. A count is the total plus the
-- changes not folded yet.
-- No order may commit between the first count and the triggers (another process may be running
-- while this one migrates): hold writers off until this migration commits.
LOCK TABLE orders IN SHARE ROW EXCLUSIVE MODE;
CREATE TABLE order_status_counts (
    tenant_id TEXT NOT NULL,
    merchant_id TEXT NOT NULL,
    status TEXT NOT NULL,
    orders BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, merchant_id, status)
);
CREATE TABLE order_status_changes (
    id BIGSERIAL PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    merchant_id TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT
);
INSERT INTO order_status_counts (tenant_id, merchant_id, status, orders)
    SELECT tenant_id, merchant_id, status, COUNT(*) FROM orders GROUP BY tenant_id, merchant_id, status;
CREATE FUNCTION order_status_counts_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO order_status_changes (tenant_id, merchant_id, from_status, to_status) VALUES (NEW.tenant_id, NEW.merchant_id, NULL, NEW.status);
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO order_status_changes (tenant_id, merchant_id, from_status, to_status) VALUES (NEW.tenant_id, NEW.merchant_id, OLD.status, NEW.status);
    ELSE
        INSERT INTO order_status_changes (tenant_id, merchant_id, from_status, to_status) VALUES (OLD.tenant_id, OLD.merchant_id, OLD.status, NULL);
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER order_status_counts_insert AFTER INSERT ON orders
    FOR EACH ROW EXECUTE FUNCTION order_status_counts_track();
CREATE TRIGGER order_status_counts_delete AFTER DELETE ON orders
    FOR EACH ROW EXECUTE FUNCTION order_status_counts_track();
CREATE TRIGGER order_status_counts_update AFTER UPDATE OF status ON orders
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION order_status_counts_track();
