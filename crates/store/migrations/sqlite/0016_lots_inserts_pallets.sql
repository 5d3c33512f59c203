-- Lots and expiry (WMS-3, WMS-4): a lot-tracked SKU's stock is kept per lot in its bins, the ledger
-- and pick lines name the lot, counts count each lot apart.
ALTER TABLE skus ADD COLUMN lot_tracked INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stock_movements ADD COLUMN lot TEXT NOT NULL DEFAULT '';
ALTER TABLE pick_lines ADD COLUMN lot TEXT NOT NULL DEFAULT '';

CREATE TABLE bin_balances_by_lot (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    sku_id TEXT NOT NULL REFERENCES skus (id),
    bin_id TEXT NOT NULL REFERENCES bins (id),
    warehouse_id TEXT NOT NULL REFERENCES warehouses (id),
    qty INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    lot TEXT NOT NULL DEFAULT '',
    expiry TEXT,
    CONSTRAINT bin_balances_pkey PRIMARY KEY (sku_id, bin_id, lot),
    CONSTRAINT bin_balances_qty CHECK (qty >= 0)
);
INSERT INTO bin_balances_by_lot (tenant_id, sku_id, bin_id, warehouse_id, qty, updated_at)
    SELECT tenant_id, sku_id, bin_id, warehouse_id, qty, updated_at FROM bin_balances;
DROP TABLE bin_balances;
ALTER TABLE bin_balances_by_lot RENAME TO bin_balances;
CREATE INDEX bin_balances_bin_idx ON bin_balances (bin_id);
CREATE INDEX bin_balances_warehouse_idx ON bin_balances (warehouse_id, sku_id);

CREATE TABLE count_lines_by_lot (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    count_id TEXT NOT NULL REFERENCES counts (id),
    bin_id TEXT NOT NULL REFERENCES bins (id),
    sku_id TEXT NOT NULL REFERENCES skus (id),
    expected INTEGER,
    counted INTEGER,
    lot TEXT NOT NULL DEFAULT '',
    CONSTRAINT count_lines_pkey PRIMARY KEY (count_id, bin_id, sku_id, lot)
);
INSERT INTO count_lines_by_lot (tenant_id, count_id, bin_id, sku_id, expected, counted)
    SELECT tenant_id, count_id, bin_id, sku_id, expected, counted FROM count_lines;
DROP TABLE count_lines;
ALTER TABLE count_lines_by_lot RENAME TO count_lines;

-- Pallet positions (WMS-1): a warehouse may limit them as well as litres; a bin may be one, and a
-- notice says how many pallets it brings.
ALTER TABLE warehouses ADD COLUMN capacity_pallets INTEGER NOT NULL DEFAULT 0;
ALTER TABLE bins ADD COLUMN pallet INTEGER NOT NULL DEFAULT 0;
ALTER TABLE asns ADD COLUMN pallets INTEGER NOT NULL DEFAULT 0;

-- Merchant inserts (WMS-6): what a merchant has put in its orders' first package (a thank-you
-- card, a flyer, a gift), from an order value on.
CREATE TABLE packing_inserts (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    merchant_id TEXT NOT NULL REFERENCES tenants (id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    weight_g INTEGER NOT NULL,
    min_order_minor INTEGER NOT NULL,
    currency TEXT NOT NULL,
    active INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CONSTRAINT packing_inserts_merchant_code_key UNIQUE (merchant_id, code)
);
ALTER TABLE packages ADD COLUMN inserts TEXT NOT NULL DEFAULT '';
