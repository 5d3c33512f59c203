-- Indexes that hold at a million orders (docs/ARCHITECTURE.md, "Indexes"): every order-list
-- filter walks an index in keyset order (newest id first) with no sort; backorders and the
-- rows housekeeping sweeps are found without a scan.
CREATE INDEX orders_tenant_id_idx ON orders (tenant_id, id);
CREATE INDEX orders_tenant_merchant_status_idx ON orders (tenant_id, merchant_id, status, id);
CREATE INDEX orders_tenant_channel_idx ON orders (tenant_id, channel, id);
CREATE INDEX orders_tenant_country_idx ON orders (tenant_id, ship_country, id);
CREATE INDEX order_allocations_backorder_idx ON order_allocations (tenant_id, sku_id, order_id) WHERE warehouse_id IS NULL;
CREATE INDEX sessions_expires_idx ON sessions (expires_at);
CREATE INDEX login_attempts_at_idx ON login_attempts (at);
