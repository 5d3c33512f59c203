-- Coupons given to buyers as compensation (EXC-5): a code for the buyer's next order with the
-- merchant, worth an amount in one currency, used once.
CREATE TABLE coupons (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    merchant_id TEXT NOT NULL REFERENCES tenants (id),
    code TEXT NOT NULL,
    buyer_email TEXT NOT NULL,
    currency TEXT NOT NULL,
    amount_minor BIGINT NOT NULL,
    request_id TEXT REFERENCES aftersales_requests (id),
    expires_at BIGINT NOT NULL,
    redeemed_order_id TEXT REFERENCES orders (id),
    redeemed_at BIGINT,
    created_at BIGINT NOT NULL,
    CONSTRAINT coupons_tenant_code_key UNIQUE (tenant_id, code)
);
CREATE INDEX coupons_buyer_idx ON coupons (tenant_id, buyer_email);
