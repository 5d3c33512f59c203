-- Merchants' webhook endpoints and the log of every delivery attempt (docs/ARCHITECTURE.md,
-- "Notifications"). The secret signs; after a rotation the previous one signs too until
-- previous_secret_until, so a receiver can switch without missing a message.
CREATE TABLE webhook_endpoints (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    merchant_id TEXT NOT NULL REFERENCES tenants (id),
    url TEXT NOT NULL,
    topics TEXT NOT NULL,
    secret TEXT NOT NULL,
    previous_secret TEXT,
    previous_secret_until INTEGER,
    active INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX webhook_endpoints_merchant_idx ON webhook_endpoints (tenant_id, merchant_id);
CREATE TABLE webhook_deliveries (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints (id),
    outbox_id TEXT NOT NULL,
    topic TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    status_code INTEGER,
    error TEXT,
    duration_ms INTEGER NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, id);
