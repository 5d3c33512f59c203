-- Buyer and order search that does not scan (docs/ARCHITECTURE.md, "Search"): one lower-case
-- text per order (order number, channel id, buyer name and e-mail), indexed by trigrams, so a
-- substring search of 3 or more characters reads the index, not every order. pg_trgm ships with
-- PostgreSQL and is a trusted extension: the database's owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
ALTER TABLE orders ADD COLUMN search_text TEXT GENERATED ALWAYS AS (
    LOWER(COALESCE(order_no, '') || ' ' || channel_order_id || ' ' || buyer_name || ' ' || buyer_email)
) STORED;
CREATE INDEX orders_search ON orders USING gin (search_text gin_trgm_ops);
