-- A merchant's account with a payment provider (ORD-5). The API key and the webhook secrets are
-- sealed with the key from configuration, never kept here in clear.
CREATE TABLE payment_accounts (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    merchant_id TEXT NOT NULL REFERENCES tenants (id),
    provider TEXT NOT NULL,
    name TEXT NOT NULL,
    api_key TEXT NOT NULL,
    webhook_secret TEXT NOT NULL,
    previous_webhook_secret TEXT NOT NULL,
    status TEXT NOT NULL,
    last_event_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX payment_accounts_merchant_idx ON payment_accounts (tenant_id, merchant_id);

-- One payment at a provider, once per its reference there. `facts` is JSON of everything its
-- events said (merged whatever their order); the amounts and the state follow from it and are
-- kept as columns for lists and reconciliation.
CREATE TABLE payments (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    merchant_id TEXT NOT NULL REFERENCES tenants (id),
    account_id TEXT NOT NULL REFERENCES payment_accounts (id),
    order_id TEXT REFERENCES orders (id),
    reference TEXT NOT NULL,
    currency TEXT NOT NULL,
    amount_minor BIGINT NOT NULL,
    captured_minor BIGINT NOT NULL,
    refunded_minor BIGINT NOT NULL,
    state TEXT NOT NULL,
    facts TEXT NOT NULL,
    attention TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT payments_reference_key UNIQUE (account_id, reference)
);
CREATE INDEX payments_order_idx ON payments (tenant_id, order_id);
CREATE INDEX payments_merchant_idx ON payments (tenant_id, merchant_id, created_at);

-- Each provider event, once per its event id, with its raw body: a retried event finds its row
-- and changes nothing.
CREATE TABLE payment_events (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    account_id TEXT NOT NULL REFERENCES payment_accounts (id),
    event_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    payment_id TEXT REFERENCES payments (id),
    order_id TEXT REFERENCES orders (id),
    occurred_at BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    body TEXT NOT NULL,
    outcome TEXT NOT NULL,
    detail TEXT NOT NULL,
    CONSTRAINT payment_events_key UNIQUE (account_id, event_id)
);
CREATE INDEX payment_events_payment_idx ON payment_events (payment_id, occurred_at);

-- A provider's event names the payment; the order that carries that payment reference is found
-- by it (only orders that have one are indexed).
CREATE INDEX orders_payment_reference_idx ON orders (tenant_id, payment_reference) WHERE payment_reference <> '';
