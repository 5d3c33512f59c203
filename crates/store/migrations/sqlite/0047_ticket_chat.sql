-- Chat tickets (CS-1): the buyer's WhatsApp id and the connection the chat came through, to answer
-- through the same business number; the buyer's next message joins the ticket still being worked.
ALTER TABLE tickets ADD COLUMN buyer_phone TEXT;
ALTER TABLE tickets ADD COLUMN connection_id TEXT;
CREATE INDEX tickets_buyer_phone_idx ON tickets (tenant_id, buyer_phone, created_at);
