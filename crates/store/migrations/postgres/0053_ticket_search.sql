-- Ticket search that does not scan (CS-1's inbox; docs/ARCHITECTURE.md, "Search"): one lower-case
-- text per ticket (subject, buyer's name and address) and per message (its words), each indexed
-- by trigrams (pg_trgm, created with the order search), so a search of 3 or more characters reads
-- the indexes, not every message.
ALTER TABLE tickets ADD COLUMN search_text TEXT GENERATED ALWAYS AS (
    LOWER(subject || ' ' || buyer_name || ' ' || buyer_email)
) STORED;
ALTER TABLE ticket_messages ADD COLUMN search_text TEXT GENERATED ALWAYS AS (LOWER(body)) STORED;
CREATE INDEX tickets_search ON tickets USING gin (search_text gin_trgm_ops);
CREATE INDEX ticket_messages_search ON ticket_messages USING gin (search_text gin_trgm_ops);
