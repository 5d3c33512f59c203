-- When each buyer message reached its channel, against when its event happened (SLA-3): the
-- dashboard's notification lag. One row per message and channel; a repeat delivery adds none.
CREATE TABLE notification_lags (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    outbox_id TEXT NOT NULL,
    channel TEXT NOT NULL,
    event_at BIGINT NOT NULL,
    delivered_at BIGINT NOT NULL,
    CONSTRAINT notification_lags_pkey PRIMARY KEY (tenant_id, outbox_id, channel)
);
CREATE INDEX notification_lags_delivered_idx ON notification_lags (tenant_id, delivered_at);
