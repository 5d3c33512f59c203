-- Pre-sale (INV-4): a SKU sold before its goods arrive, up to a limit, with the day promised to
-- buyers (from an accepted inbound notice where one is named).
CREATE TABLE presales (
    sku_id TEXT NOT NULL REFERENCES skus (id),
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    merchant_id TEXT NOT NULL REFERENCES tenants (id),
    available_on BIGINT NOT NULL,
    quantity_limit BIGINT NOT NULL,
    sold BIGINT NOT NULL,
    asn_id TEXT REFERENCES asns (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT presales_pkey PRIMARY KEY (sku_id)
);
CREATE INDEX presales_merchant_idx ON presales (tenant_id, merchant_id);

-- The pre-sale units of an order and the day promised for them.
CREATE TABLE order_presales (
    order_id TEXT NOT NULL REFERENCES orders (id),
    sku_id TEXT NOT NULL REFERENCES skus (id),
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    quantity BIGINT NOT NULL,
    promised_on BIGINT NOT NULL,
    CONSTRAINT order_presales_pkey PRIMARY KEY (order_id, sku_id)
);
