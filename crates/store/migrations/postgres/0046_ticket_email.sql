-- E-mail in and out of tickets (CS-1). The addresses buyers write to: each belongs to an operator
-- and, when a merchant has its own, to that merchant (its tickets are the merchant's from the
-- first message).
CREATE TABLE support_mailboxes (
    address TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    merchant_id TEXT REFERENCES tenants (id),
    created_at BIGINT NOT NULL
);
CREATE INDEX support_mailboxes_tenant_idx ON support_mailboxes (tenant_id, address);

-- The mailbox the buyer wrote to: answers are sent with it as Reply-To, so the buyer's answer
-- comes back to the same place.
ALTER TABLE tickets ADD COLUMN reply_address TEXT;

-- Files that came with a message, kept in the blob store under their SHA-256.
CREATE TABLE ticket_attachments (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    message_id TEXT NOT NULL REFERENCES ticket_messages (id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX ticket_attachments_message_idx ON ticket_attachments (message_id);

-- A buyer's message names a shop's order number: found without knowing the merchant.
CREATE INDEX orders_channel_order_idx ON orders (tenant_id, channel_order_id);
