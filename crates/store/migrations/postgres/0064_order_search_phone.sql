-- Order search also finds the buyer's phone, as written and in E.164 (#7): the search text is
-- made again with it, and its trigram index rebuilt.
DROP INDEX orders_search;
ALTER TABLE orders DROP COLUMN search_text;
ALTER TABLE orders ADD COLUMN search_text TEXT GENERATED ALWAYS AS (
    LOWER(COALESCE(order_no, '') || ' ' || channel_order_id || ' ' || buyer_name || ' ' || buyer_email
          || ' ' || buyer_phone || ' ' || COALESCE(buyer_phone_e164, ''))
) STORED;
CREATE INDEX orders_search ON orders USING gin (search_text gin_trgm_ops);
