-- Tracking (SHP-6): every event a carrier or aggregator reports, kept with its own words, once
-- (the same number, source, time and code is the same event); a shipment's status moves forward
-- only, and its delivery time is kept for after-sales windows.
CREATE TABLE tracking_events (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    tracking_no TEXT NOT NULL,
    shipment_id TEXT REFERENCES shipments (id),
    source TEXT NOT NULL,
    carrier_code TEXT NOT NULL,
    description TEXT NOT NULL,
    location TEXT NOT NULL,
    status TEXT NOT NULL,
    happened_at BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    CONSTRAINT tracking_events_once_key UNIQUE (tenant_id, tracking_no, source, happened_at, carrier_code)
);
CREATE INDEX tracking_events_number_idx ON tracking_events (tenant_id, tracking_no, happened_at);
ALTER TABLE shipments ADD COLUMN tracking_status TEXT NOT NULL DEFAULT 'pending';
ALTER TABLE shipments ADD COLUMN tracking_at BIGINT;
ALTER TABLE shipments ADD COLUMN delivered_at BIGINT;

-- The secrets with which carriers and aggregators sign the tracking webhooks they send.
CREATE TABLE tracking_sources (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    provider TEXT NOT NULL,
    secret TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT tracking_sources_pkey PRIMARY KEY (tenant_id, provider)
);
