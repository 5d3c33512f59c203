-- The buyer's tracking page (SLA-4): an unguessable token per order, the only key to its page.
CREATE TABLE tracking_links (
    token TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    order_id TEXT NOT NULL REFERENCES orders (id),
    created_at BIGINT NOT NULL,
    CONSTRAINT tracking_links_order_key UNIQUE (order_id)
);
