-- Catalogue, warehouses, stock ledger and balances, prohibited-goods rules, orders.

CREATE TABLE skus (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    merchant_id TEXT NOT NULL REFERENCES tenants (id),
    sku TEXT NOT NULL,
    name TEXT NOT NULL,
    barcode TEXT NOT NULL DEFAULT '',
    weight_g INTEGER NOT NULL DEFAULT 0,
    length_mm INTEGER NOT NULL DEFAULT 0,
    width_mm INTEGER NOT NULL DEFAULT 0,
    height_mm INTEGER NOT NULL DEFAULT 0,
    declared_value_minor INTEGER NOT NULL DEFAULT 0,
    declared_currency TEXT NOT NULL,
    hs_code TEXT NOT NULL DEFAULT '',
    origin_country TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL DEFAULT '',
    traits TEXT NOT NULL DEFAULT '',
    active INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CONSTRAINT skus_merchant_sku_key UNIQUE (merchant_id, sku)
);
CREATE INDEX skus_tenant_idx ON skus (tenant_id, merchant_id, id);

CREATE TABLE warehouses (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    country TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    timezone TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('origin', 'overseas')),
    created_at INTEGER NOT NULL,
    CONSTRAINT warehouses_tenant_code_key UNIQUE (tenant_id, code)
);

-- One row per SKU and warehouse; the CHECK is the last line of defence against overselling.
CREATE TABLE stock_balances (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    sku_id TEXT NOT NULL REFERENCES skus (id),
    warehouse_id TEXT NOT NULL REFERENCES warehouses (id),
    on_hand INTEGER NOT NULL DEFAULT 0,
    reserved INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL,
    CONSTRAINT stock_balances_pkey PRIMARY KEY (sku_id, warehouse_id),
    CONSTRAINT stock_balances_bounds CHECK (reserved >= 0 AND on_hand >= reserved)
);
CREATE INDEX stock_balances_tenant_idx ON stock_balances (tenant_id, warehouse_id);

-- Append-only: balances are the sums of on_hand_delta and reserved_delta.
CREATE TABLE stock_movements (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    sku_id TEXT NOT NULL REFERENCES skus (id),
    warehouse_id TEXT NOT NULL REFERENCES warehouses (id),
    kind TEXT NOT NULL,
    on_hand_delta INTEGER NOT NULL,
    reserved_delta INTEGER NOT NULL,
    order_id TEXT,
    reason TEXT,
    actor_kind TEXT NOT NULL,
    actor_id TEXT,
    at INTEGER NOT NULL
);
CREATE INDEX stock_movements_balance_idx ON stock_movements (sku_id, warehouse_id);
CREATE INDEX stock_movements_order_idx ON stock_movements (order_id);

CREATE TABLE goods_rules (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    code TEXT NOT NULL,
    trait TEXT,
    hs_prefix TEXT,
    destinations TEXT NOT NULL DEFAULT '',
    action TEXT NOT NULL CHECK (action IN ('block', 'hold')),
    message TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    CONSTRAINT goods_rules_tenant_code_key UNIQUE (tenant_id, code)
);

CREATE TABLE orders (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    merchant_id TEXT NOT NULL REFERENCES tenants (id),
    channel TEXT NOT NULL,
    channel_order_id TEXT NOT NULL,
    order_no TEXT,
    status TEXT NOT NULL,
    allocation TEXT NOT NULL DEFAULT 'none',
    buyer_name TEXT NOT NULL,
    buyer_phone TEXT NOT NULL,
    buyer_phone_e164 TEXT,
    buyer_email TEXT NOT NULL,
    buyer_language TEXT NOT NULL,
    shipping_address TEXT NOT NULL,
    ship_country TEXT NOT NULL,
    currency TEXT NOT NULL,
    subtotal_minor INTEGER NOT NULL,
    discount_minor INTEGER NOT NULL,
    discounts TEXT NOT NULL DEFAULT '[]',
    shipping_fee_minor INTEGER NOT NULL,
    total_minor INTEGER NOT NULL,
    paid_minor INTEGER NOT NULL,
    payment_method TEXT NOT NULL,
    payment_status TEXT NOT NULL,
    service_level TEXT NOT NULL,
    urgent INTEGER NOT NULL DEFAULT 0,
    remarks TEXT NOT NULL DEFAULT '',
    holds TEXT NOT NULL DEFAULT '[]',
    flags TEXT NOT NULL DEFAULT '',
    second_review_due INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    approved_at INTEGER,
    confirmed_at INTEGER,
    CONSTRAINT orders_channel_key UNIQUE (merchant_id, channel, channel_order_id),
    CONSTRAINT orders_order_no_key UNIQUE (tenant_id, order_no)
);
CREATE INDEX orders_tenant_status_idx ON orders (tenant_id, status, id);
CREATE INDEX orders_tenant_merchant_idx ON orders (tenant_id, merchant_id, id);
CREATE INDEX orders_tenant_created_idx ON orders (tenant_id, created_at);

-- warehouse_id NULL with backordered > 0: units waiting for stock.
CREATE TABLE order_lines (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    order_id TEXT NOT NULL REFERENCES orders (id),
    line_no INTEGER NOT NULL,
    sku_id TEXT NOT NULL REFERENCES skus (id),
    sku TEXT NOT NULL,
    name TEXT NOT NULL,
    variant TEXT NOT NULL DEFAULT '',
    quantity INTEGER NOT NULL,
    unit_price_minor INTEGER NOT NULL,
    CONSTRAINT order_lines_order_line_key UNIQUE (order_id, line_no)
);

-- Where each line's units are reserved; one row per line and warehouse, or a backorder row.
CREATE TABLE order_allocations (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    order_id TEXT NOT NULL REFERENCES orders (id),
    line_no INTEGER NOT NULL,
    sku_id TEXT NOT NULL REFERENCES skus (id),
    warehouse_id TEXT REFERENCES warehouses (id),
    quantity INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX order_allocations_order_idx ON order_allocations (order_id);

-- Daily order-number serials per operator, incremented in the confirming transaction.
CREATE TABLE order_number_counters (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    day TEXT NOT NULL,
    last_serial INTEGER NOT NULL,
    CONSTRAINT order_number_counters_pkey PRIMARY KEY (tenant_id, day)
);
