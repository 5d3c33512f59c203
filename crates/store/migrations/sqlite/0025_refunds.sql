-- Refunds (AFS-4): each asked once per order and request key; the sum of those paid or under way
-- is checked against what was paid under the order's lock. Store credit is a ledger per buyer
-- and merchant. The order keeps the provider's payment reference (a Stripe PaymentIntent).
CREATE TABLE refunds (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    merchant_id TEXT NOT NULL REFERENCES tenants (id),
    order_id TEXT NOT NULL REFERENCES orders (id),
    amount_minor INTEGER NOT NULL,
    currency TEXT NOT NULL,
    method TEXT NOT NULL,
    reason TEXT NOT NULL,
    status TEXT NOT NULL,
    request_key TEXT NOT NULL,
    provider_ref TEXT,
    error TEXT,
    actor TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CONSTRAINT refunds_request_key UNIQUE (tenant_id, order_id, request_key)
);
CREATE TABLE store_credit_entries (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    merchant_id TEXT NOT NULL REFERENCES tenants (id),
    buyer_email TEXT NOT NULL,
    currency TEXT NOT NULL,
    delta_minor INTEGER NOT NULL,
    refund_id TEXT REFERENCES refunds (id),
    note TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX store_credit_buyer_idx ON store_credit_entries (tenant_id, merchant_id, buyer_email, currency);
ALTER TABLE orders ADD COLUMN payment_reference TEXT NOT NULL DEFAULT '';
