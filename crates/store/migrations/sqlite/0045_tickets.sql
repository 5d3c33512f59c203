-- Customer-service tickets (CS-1 … CS-4): one per buyer's issue, with its whole conversation,
-- linked to the order it is about once one is found (a message from an unknown sender has none,
-- and no merchant until an agent links it).
CREATE TABLE tickets (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    merchant_id TEXT REFERENCES tenants (id),
    order_id TEXT REFERENCES orders (id),
    channel TEXT NOT NULL,
    status TEXT NOT NULL,
    category TEXT NOT NULL,
    priority TEXT NOT NULL,
    -- JSON list: the words (or fact of the order) that suggested the category.
    category_because TEXT NOT NULL,
    subject TEXT NOT NULL,
    buyer_name TEXT NOT NULL,
    buyer_email TEXT NOT NULL,
    language TEXT NOT NULL,
    first_response_due BIGINT,
    first_responded_at BIGINT,
    resolution_due BIGINT,
    solved_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX tickets_queue_idx ON tickets (tenant_id, status, created_at);
CREATE INDEX tickets_merchant_idx ON tickets (tenant_id, merchant_id, created_at);
CREATE INDEX tickets_order_idx ON tickets (tenant_id, order_id);

-- The conversation: what the buyer wrote, what agents answered, and agents' internal notes.
-- `external_id` is the message's own id where its channel gives one (an e-mail's Message-ID, a
-- chat message id, a web form's submission key): the same message delivered twice is kept once.
CREATE TABLE ticket_messages (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    ticket_id TEXT NOT NULL REFERENCES tickets (id),
    direction TEXT NOT NULL,
    channel TEXT NOT NULL,
    external_id TEXT,
    author TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    CONSTRAINT ticket_messages_external_key UNIQUE (tenant_id, channel, external_id)
);
CREATE INDEX ticket_messages_ticket_idx ON ticket_messages (ticket_id, created_at);
