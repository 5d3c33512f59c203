-- After-sales policies (AFS-1, AFS-7): per merchant (empty: every merchant), product category and
-- destination market (empty: any); the most specific one decides a request.
CREATE TABLE aftersales_policies (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    merchant_key TEXT NOT NULL,
    category TEXT NOT NULL,
    market TEXT NOT NULL,
    window_days BIGINT NOT NULL,
    allowed TEXT NOT NULL,
    non_returnable BIGINT NOT NULL,
    returnless_below_minor BIGINT NOT NULL,
    restocking_fee_bp BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT aftersales_policies_scope_key UNIQUE (tenant_id, merchant_key, category, market)
);
