-- Goods that go out again for an after-sales request (AFS-6): the replacement order made for a
-- reship, an exchange or a repair.
ALTER TABLE aftersales_requests ADD COLUMN replacement_order_id TEXT REFERENCES orders (id);

-- A merchant's standing instruction for returned goods (AFS-5): what becomes of a unit found in
-- a condition (resaleable, damaged, not_original) when the inspection names no disposition.
CREATE TABLE disposition_rules (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    merchant_id TEXT NOT NULL REFERENCES tenants (id),
    condition TEXT NOT NULL,
    disposition TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    CONSTRAINT disposition_rules_pkey PRIMARY KEY (merchant_id, condition)
);
