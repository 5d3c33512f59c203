-- Merchant agreements and billing (#14, source document 001: the contract's charging standard).
-- An agreement is valid from a day to a day (or open); a newer one for the same days supersedes
-- the older. `fees` is JSON of `domain::billing::FeeSchedule`; `promised_limits` JSON of the
-- time limits promised (`domain::sla::StepLimit`).
CREATE TABLE merchant_agreements (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    merchant_id TEXT NOT NULL REFERENCES tenants (id),
    valid_from TEXT NOT NULL,
    valid_to TEXT,
    fees TEXT NOT NULL,
    promised_limits TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX merchant_agreements_merchant_idx ON merchant_agreements (tenant_id, merchant_id, valid_from);

-- The daily stock snapshot: at the end of each day (the operator's), the units of each SKU in each
-- warehouse by the day they were received (first in, first out). Storage is charged from it.
CREATE TABLE stock_snapshots (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    day TEXT NOT NULL,
    merchant_id TEXT NOT NULL REFERENCES tenants (id),
    warehouse_id TEXT NOT NULL REFERENCES warehouses (id),
    sku_id TEXT NOT NULL REFERENCES skus (id),
    received_on TEXT NOT NULL,
    units BIGINT NOT NULL,
    CONSTRAINT stock_snapshots_pkey PRIMARY KEY (tenant_id, day, sku_id, warehouse_id, received_on)
);
CREATE INDEX stock_snapshots_merchant_idx ON stock_snapshots (tenant_id, merchant_id, day);
-- The days snapshotted (a day with no stock has no rows but was taken).
CREATE TABLE stock_snapshot_days (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    day TEXT NOT NULL,
    taken_at BIGINT NOT NULL,
    CONSTRAINT stock_snapshot_days_pkey PRIMARY KEY (tenant_id, day)
);

-- A merchant's statement of a month, filed once the month is over: its lines (JSON of
-- `domain::billing::Line`) are never changed; a correction is a credit line of its own.
CREATE TABLE billing_statements (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    merchant_id TEXT NOT NULL REFERENCES tenants (id),
    month TEXT NOT NULL,
    lines TEXT NOT NULL,
    filed_at BIGINT NOT NULL,
    CONSTRAINT billing_statements_pkey PRIMARY KEY (merchant_id, month)
);
CREATE TABLE billing_credits (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    merchant_id TEXT NOT NULL REFERENCES tenants (id),
    month TEXT NOT NULL,
    amount_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX billing_credits_statement_idx ON billing_credits (merchant_id, month);

-- A month's labels and carrier charges of a merchant.
CREATE INDEX shipments_merchant_created_idx ON shipments (tenant_id, merchant_id, created_at);
