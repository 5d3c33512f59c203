-- The newest change of each channel order taken in (ORD-1): a webhook or poll that brings an older
-- change than one already taken (a late `orders/updated`, a `create` that arrives after the
-- `cancelled`) is not applied. Claimed before the change is applied, by a conditional upsert.
CREATE TABLE channel_order_versions (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    connection_id TEXT NOT NULL REFERENCES channel_connections (id),
    external_id TEXT NOT NULL,
    -- ISO 8601 in UTC with milliseconds (`2026-11-27T10:00:00.000Z`): compares as text.
    changed_at TEXT NOT NULL,
    CONSTRAINT channel_order_versions_pkey PRIMARY KEY (connection_id, external_id)
);
