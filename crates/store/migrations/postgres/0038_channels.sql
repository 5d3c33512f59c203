-- Tax a channel charged on top of the prices (sales tax, VAT collected at checkout): the total
-- is lines − discounts + shipping + tax.
ALTER TABLE orders ADD COLUMN tax_minor BIGINT NOT NULL DEFAULT 0;

-- A merchant's shop or marketplace account (ORD-1, SYS-3). Secrets and tokens are sealed with
-- the key from configuration (never kept here in clear); `mapping` is JSON: shipping methods to
-- service levels, channel SKUs to the merchant's SKUs.
CREATE TABLE channel_connections (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    merchant_id TEXT NOT NULL REFERENCES tenants (id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    shop_domain TEXT NOT NULL,
    site_url TEXT NOT NULL,
    seller_id TEXT NOT NULL,
    marketplace_ids TEXT NOT NULL,
    webhook_secret TEXT NOT NULL,
    previous_webhook_secret TEXT NOT NULL,
    credentials TEXT NOT NULL,
    mapping TEXT NOT NULL,
    status TEXT NOT NULL,
    watermark TEXT NOT NULL,
    last_delivery_at BIGINT,
    last_success_at BIGINT,
    last_error TEXT NOT NULL,
    failures BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX channel_connections_merchant_idx ON channel_connections (tenant_id, merchant_id);

-- Each delivery a channel made (a webhook, a polled order), once per its delivery id: a retried
-- delivery finds its row and is not processed twice once it has an outcome.
CREATE TABLE channel_deliveries (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    connection_id TEXT NOT NULL REFERENCES channel_connections (id),
    delivery_key TEXT NOT NULL,
    topic TEXT NOT NULL,
    external_id TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    outcome TEXT NOT NULL,
    order_id TEXT REFERENCES orders (id),
    detail TEXT NOT NULL,
    finished_at BIGINT,
    CONSTRAINT channel_deliveries_key UNIQUE (connection_id, delivery_key)
);
CREATE INDEX channel_deliveries_recent_idx ON channel_deliveries (connection_id, received_at);

-- Which connection an order came through and its reference there, for the link back to the
-- channel and for tracking sent back to it.
CREATE TABLE channel_order_links (
    order_id TEXT NOT NULL REFERENCES orders (id),
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    connection_id TEXT NOT NULL REFERENCES channel_connections (id),
    external_id TEXT NOT NULL,
    display_ref TEXT NOT NULL,
    CONSTRAINT channel_order_links_pkey PRIMARY KEY (order_id)
);
CREATE INDEX channel_order_links_connection_idx ON channel_order_links (connection_id, external_id);
