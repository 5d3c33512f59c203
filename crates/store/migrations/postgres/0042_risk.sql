-- Risk screening (ORD-10). The shipping address reduced to its letters and digits, so orders to
-- one address are found however it was typed; the buyer's e-mail, phone and address indexed to
-- count their recent and earlier orders at intake.
ALTER TABLE orders ADD COLUMN address_key TEXT NOT NULL DEFAULT '';
CREATE INDEX orders_buyer_email_idx ON orders (tenant_id, buyer_email, created_at) WHERE buyer_email <> '';
CREATE INDEX orders_buyer_phone_idx ON orders (tenant_id, buyer_phone_e164, created_at) WHERE buyer_phone_e164 IS NOT NULL;
CREATE INDEX orders_address_key_idx ON orders (tenant_id, address_key, created_at) WHERE address_key <> '';

-- The screening of an order on which a rule fired: its score, the rules with their evidence,
-- whether it was held, and what the person decided (released, rejected, cancelled), so weights
-- can be tuned from outcomes.
CREATE TABLE order_risk (
    order_id TEXT NOT NULL REFERENCES orders (id),
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    merchant_id TEXT NOT NULL REFERENCES tenants (id),
    score BIGINT NOT NULL,
    rules TEXT NOT NULL,
    held BIGINT NOT NULL,
    decision TEXT NOT NULL,
    decided_at BIGINT,
    created_at BIGINT NOT NULL,
    CONSTRAINT order_risk_pkey PRIMARY KEY (order_id)
);
CREATE INDEX order_risk_tenant_idx ON order_risk (tenant_id, created_at);
