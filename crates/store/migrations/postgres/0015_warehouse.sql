-- Warehouse operations (WMS-1 … WMS-8, INV-1): bins and their balances, inbound notices and their
-- counts and photos, waves and pick lines, the box catalogue, packages and hand-overs.
--
-- Every unit on hand is in one place: a bin (stock_balances.located, the sum of its bin_balances),
-- picked for an order (stock_balances.picked) or on the dock (the rest). The ledger's bin_delta and
-- picked_delta sum to them, as on_hand_delta and reserved_delta sum to on_hand and reserved.

ALTER TABLE warehouses ADD COLUMN capacity_l BIGINT NOT NULL DEFAULT 0;
ALTER TABLE warehouses ADD COLUMN receiving_contact TEXT NOT NULL DEFAULT '';
ALTER TABLE warehouses ADD COLUMN receiving_requirements TEXT NOT NULL DEFAULT '';

ALTER TABLE stock_balances ADD COLUMN located BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stock_balances ADD COLUMN picked BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stock_movements ADD COLUMN bin_id TEXT;
ALTER TABLE stock_movements ADD COLUMN bin_delta BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stock_movements ADD COLUMN picked_delta BIGINT NOT NULL DEFAULT 0;

-- Human numbers of warehouse documents (ASN-000001, W-000001, OB-000001), one series each.
CREATE TABLE serial_counters (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    series TEXT NOT NULL,
    last_serial BIGINT NOT NULL,
    CONSTRAINT serial_counters_pkey PRIMARY KEY (tenant_id, series)
);

CREATE TABLE bins (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    warehouse_id TEXT NOT NULL REFERENCES warehouses (id),
    code TEXT NOT NULL,
    zone TEXT NOT NULL,
    walk_sequence BIGINT NOT NULL,
    capacity_units BIGINT NOT NULL,
    allowed_traits TEXT NOT NULL DEFAULT '',
    fixed_sku_id TEXT REFERENCES skus (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT bins_warehouse_code_key UNIQUE (warehouse_id, code)
);
CREATE INDEX bins_walk_idx ON bins (warehouse_id, walk_sequence, code);

CREATE TABLE bin_balances (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    sku_id TEXT NOT NULL REFERENCES skus (id),
    bin_id TEXT NOT NULL REFERENCES bins (id),
    warehouse_id TEXT NOT NULL REFERENCES warehouses (id),
    qty BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT bin_balances_pkey PRIMARY KEY (sku_id, bin_id),
    CONSTRAINT bin_balances_qty CHECK (qty >= 0)
);
CREATE INDEX bin_balances_bin_idx ON bin_balances (bin_id);
CREATE INDEX bin_balances_warehouse_idx ON bin_balances (warehouse_id, sku_id);

CREATE TABLE asns (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    merchant_id TEXT NOT NULL REFERENCES tenants (id),
    warehouse_id TEXT NOT NULL REFERENCES warehouses (id),
    asn_no TEXT NOT NULL,
    status TEXT NOT NULL,
    expected_arrival BIGINT NOT NULL,
    transport_mode TEXT NOT NULL,
    carrier_reference TEXT NOT NULL,
    shipping_marks TEXT NOT NULL,
    volume_l BIGINT NOT NULL,
    reject_reason TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT asns_tenant_no_key UNIQUE (tenant_id, asn_no)
);
CREATE INDEX asns_tenant_idx ON asns (tenant_id, merchant_id, id);
CREATE INDEX asns_warehouse_status_idx ON asns (warehouse_id, status);

CREATE TABLE asn_cartons (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    asn_id TEXT NOT NULL REFERENCES asns (id),
    line_no BIGINT NOT NULL,
    sku_id TEXT NOT NULL REFERENCES skus (id),
    carton_count BIGINT NOT NULL,
    units_per_carton BIGINT NOT NULL,
    length_mm BIGINT NOT NULL,
    width_mm BIGINT NOT NULL,
    height_mm BIGINT NOT NULL,
    gross_weight_g BIGINT NOT NULL,
    net_weight_g BIGINT NOT NULL,
    CONSTRAINT asn_cartons_line_key UNIQUE (asn_id, line_no)
);

-- What receiving counted per SKU; stocked when the count is confirmed.
CREATE TABLE asn_counts (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    asn_id TEXT NOT NULL REFERENCES asns (id),
    sku_id TEXT NOT NULL REFERENCES skus (id),
    good BIGINT NOT NULL,
    damaged BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT asn_counts_pkey PRIMARY KEY (asn_id, sku_id)
);

-- Evidence for a discrepancy: the file itself is in the blob store under its SHA-256.
CREATE TABLE asn_photos (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    asn_id TEXT NOT NULL REFERENCES asns (id),
    sku_id TEXT REFERENCES skus (id),
    sha256 TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    file_name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX asn_photos_asn_idx ON asn_photos (asn_id);

CREATE TABLE waves (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    warehouse_id TEXT NOT NULL REFERENCES warehouses (id),
    wave_no TEXT NOT NULL,
    status TEXT NOT NULL,
    order_count BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    completed_at BIGINT,
    CONSTRAINT waves_tenant_no_key UNIQUE (tenant_id, wave_no)
);
CREATE INDEX waves_tenant_idx ON waves (tenant_id, warehouse_id, id);

-- status: open, picked, short (waiting in the exception queue), resolved, cancelled.
CREATE TABLE pick_lines (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    wave_id TEXT NOT NULL REFERENCES waves (id),
    order_id TEXT NOT NULL REFERENCES orders (id),
    merchant_id TEXT NOT NULL REFERENCES tenants (id),
    sku_id TEXT NOT NULL REFERENCES skus (id),
    warehouse_id TEXT NOT NULL REFERENCES warehouses (id),
    bin_id TEXT NOT NULL REFERENCES bins (id),
    seq BIGINT NOT NULL,
    qty BIGINT NOT NULL,
    picked BIGINT NOT NULL DEFAULT 0,
    short BIGINT NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX pick_lines_wave_idx ON pick_lines (wave_id, seq);
CREATE INDEX pick_lines_order_idx ON pick_lines (order_id);
CREATE INDEX pick_lines_status_idx ON pick_lines (tenant_id, status);

CREATE TABLE box_types (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    code TEXT NOT NULL,
    inner_length_mm BIGINT NOT NULL,
    inner_width_mm BIGINT NOT NULL,
    inner_height_mm BIGINT NOT NULL,
    max_weight_g BIGINT NOT NULL,
    tare_g BIGINT NOT NULL,
    CONSTRAINT box_types_pkey PRIMARY KEY (tenant_id, code)
);

CREATE TABLE packages (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    merchant_id TEXT NOT NULL REFERENCES tenants (id),
    order_id TEXT NOT NULL REFERENCES orders (id),
    warehouse_id TEXT NOT NULL REFERENCES warehouses (id),
    package_no BIGINT NOT NULL,
    package_count BIGINT NOT NULL,
    status TEXT NOT NULL,
    box_code TEXT,
    marks TEXT NOT NULL,
    explanation TEXT NOT NULL,
    expected_weight_g BIGINT NOT NULL,
    weight_g BIGINT,
    check_reason TEXT,
    handover_id TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT packages_order_no_key UNIQUE (order_id, package_no)
);
CREATE INDEX packages_status_idx ON packages (tenant_id, warehouse_id, status);

CREATE TABLE package_items (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    package_id TEXT NOT NULL REFERENCES packages (id),
    sku_id TEXT NOT NULL REFERENCES skus (id),
    qty BIGINT NOT NULL,
    packed BIGINT NOT NULL DEFAULT 0,
    CONSTRAINT package_items_pkey PRIMARY KEY (package_id, sku_id),
    CONSTRAINT package_items_packed CHECK (packed >= 0 AND packed <= qty)
);

CREATE TABLE handovers (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    warehouse_id TEXT NOT NULL REFERENCES warehouses (id),
    handover_no TEXT NOT NULL,
    carrier TEXT NOT NULL,
    package_count BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    CONSTRAINT handovers_tenant_no_key UNIQUE (tenant_id, handover_no)
);

-- Cycle counts (INV-6): blind counts of bins; expected is taken when the count is submitted, the
-- variance is applied when a supervisor approves it.
CREATE TABLE counts (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    warehouse_id TEXT NOT NULL REFERENCES warehouses (id),
    count_no TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT counts_tenant_no_key UNIQUE (tenant_id, count_no)
);

CREATE TABLE count_lines (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    count_id TEXT NOT NULL REFERENCES counts (id),
    bin_id TEXT NOT NULL REFERENCES bins (id),
    sku_id TEXT NOT NULL REFERENCES skus (id),
    expected BIGINT,
    counted BIGINT,
    CONSTRAINT count_lines_pkey PRIMARY KEY (count_id, bin_id, sku_id)
);

-- Safety stock (INV-5): the merchant's threshold per SKU and warehouse; `alerted` keeps a crossing
-- to one alert until the stock is back above it.
CREATE TABLE safety_stock (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    merchant_id TEXT NOT NULL REFERENCES tenants (id),
    sku_id TEXT NOT NULL REFERENCES skus (id),
    warehouse_id TEXT NOT NULL REFERENCES warehouses (id),
    threshold BIGINT NOT NULL,
    alerted BIGINT NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL,
    CONSTRAINT safety_stock_pkey PRIMARY KEY (sku_id, warehouse_id)
);

-- The warehouses a staff user works in (none listed: all of the operator's).
CREATE TABLE user_warehouses (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    warehouse_id TEXT NOT NULL REFERENCES warehouses (id),
    CONSTRAINT user_warehouses_pkey PRIMARY KEY (user_id, warehouse_id)
);
