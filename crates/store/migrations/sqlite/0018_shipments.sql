-- Shipments (SHP-2, WMS-7): one per package, with its carrier service, tracking number, price and
-- label; handed over with the package.
CREATE TABLE shipments (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    merchant_id TEXT NOT NULL REFERENCES tenants (id),
    order_id TEXT NOT NULL REFERENCES orders (id),
    package_id TEXT NOT NULL REFERENCES packages (id),
    warehouse_id TEXT NOT NULL REFERENCES warehouses (id),
    service_code TEXT NOT NULL,
    carrier TEXT NOT NULL,
    tracking_no TEXT NOT NULL,
    status TEXT NOT NULL,
    price_minor INTEGER NOT NULL,
    currency TEXT NOT NULL,
    chargeable_g INTEGER NOT NULL,
    override_reason TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CONSTRAINT shipments_package_key UNIQUE (package_id),
    CONSTRAINT shipments_tenant_tracking_key UNIQUE (tenant_id, tracking_no)
);
CREATE INDEX shipments_order_idx ON shipments (order_id);
