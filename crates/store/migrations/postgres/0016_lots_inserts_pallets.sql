-- Lots and expiry (WMS-3, WMS-4): a lot-tracked SKU's stock is kept per lot in its bins, the ledger
-- and pick lines name the lot, counts count each lot apart.
ALTER TABLE skus ADD COLUMN lot_tracked BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stock_movements ADD COLUMN lot TEXT NOT NULL DEFAULT '';
ALTER TABLE pick_lines ADD COLUMN lot TEXT NOT NULL DEFAULT '';

ALTER TABLE bin_balances ADD COLUMN lot TEXT NOT NULL DEFAULT '', ADD COLUMN expiry TEXT;
ALTER TABLE bin_balances DROP CONSTRAINT bin_balances_pkey,
    ADD CONSTRAINT bin_balances_pkey PRIMARY KEY (sku_id, bin_id, lot);

ALTER TABLE count_lines ADD COLUMN lot TEXT NOT NULL DEFAULT '';
ALTER TABLE count_lines DROP CONSTRAINT count_lines_pkey,
    ADD CONSTRAINT count_lines_pkey PRIMARY KEY (count_id, bin_id, sku_id, lot);

-- Pallet positions (WMS-1): a warehouse may limit them as well as litres; a bin may be one, and a
-- notice says how many pallets it brings.
ALTER TABLE warehouses ADD COLUMN capacity_pallets BIGINT NOT NULL DEFAULT 0;
ALTER TABLE bins ADD COLUMN pallet BIGINT NOT NULL DEFAULT 0;
ALTER TABLE asns ADD COLUMN pallets BIGINT NOT NULL DEFAULT 0;

-- Merchant inserts (WMS-6): what a merchant has put in its orders' first package (a thank-you
-- card, a flyer, a gift), from an order value on.
CREATE TABLE packing_inserts (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    merchant_id TEXT NOT NULL REFERENCES tenants (id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    weight_g BIGINT NOT NULL,
    min_order_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    active BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT packing_inserts_merchant_code_key UNIQUE (merchant_id, code)
);
ALTER TABLE packages ADD COLUMN inserts TEXT NOT NULL DEFAULT '';
