-- After-sales requests and returns (AFS-2, AFS-3, AFS-5, AFS-6, EXC-6): one per claim on an
-- order, numbered RMA-000001 per operator, with the lines claimed, the policy's decision in words,
-- the most it may refund, who decided and up to what limit, and what the warehouse found and did.
-- A market's local return point is kept with its policy. Completion (DONE-1) is recorded on the
-- order.
CREATE TABLE aftersales_requests (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    merchant_id TEXT NOT NULL REFERENCES tenants (id),
    order_id TEXT NOT NULL REFERENCES orders (id),
    rma_no TEXT NOT NULL,
    request_type TEXT NOT NULL,
    reason TEXT NOT NULL,
    description TEXT NOT NULL,
    source TEXT NOT NULL,
    lines TEXT NOT NULL,
    currency TEXT NOT NULL,
    goods_minor INTEGER NOT NULL,
    shipping_minor INTEGER NOT NULL,
    restocking_fee_minor INTEGER NOT NULL,
    eligible INTEGER NOT NULL,
    returnless INTEGER NOT NULL,
    freight_payer TEXT NOT NULL,
    rules TEXT NOT NULL,
    department TEXT NOT NULL,
    status TEXT NOT NULL,
    refund_method TEXT NOT NULL,
    granted_minor INTEGER,
    decided_by TEXT,
    decision_note TEXT,
    return_to TEXT NOT NULL,
    warehouse_id TEXT REFERENCES warehouses (id),
    inspection TEXT,
    disposition TEXT,
    disposition_reason TEXT,
    refund_id TEXT REFERENCES refunds (id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CONSTRAINT aftersales_requests_rma_key UNIQUE (tenant_id, rma_no)
);
CREATE INDEX aftersales_requests_order_idx ON aftersales_requests (tenant_id, order_id);
CREATE INDEX aftersales_requests_queue_idx ON aftersales_requests (tenant_id, status, created_at);
ALTER TABLE aftersales_policies ADD COLUMN return_point TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN completed_at INTEGER;
