-- Order search also finds the buyer's phone, as written and in E.164 (#7): the search text is
-- made again with it, and its trigram index rebuilt (see 0005 for how it is kept in step).
DROP TRIGGER orders_search_insert;
DROP TRIGGER orders_search_delete;
DROP TRIGGER orders_search_update;
DROP TABLE orders_search;
ALTER TABLE orders DROP COLUMN search_text;
ALTER TABLE orders ADD COLUMN search_text TEXT GENERATED ALWAYS AS (
    LOWER(COALESCE(order_no, '') || ' ' || channel_order_id || ' ' || buyer_name || ' ' || buyer_email
          || ' ' || buyer_phone || ' ' || COALESCE(buyer_phone_e164, ''))
) VIRTUAL;
CREATE VIRTUAL TABLE orders_search USING fts5 (search_text, content = 'orders', content_rowid = 'rowid', tokenize = 'trigram');
INSERT INTO orders_search (orders_search) VALUES ('rebuild');
CREATE TRIGGER orders_search_insert AFTER INSERT ON orders BEGIN
    INSERT INTO orders_search (rowid, search_text) VALUES (new.rowid, new.search_text);
END;
CREATE TRIGGER orders_search_delete AFTER DELETE ON orders BEGIN
    INSERT INTO orders_search (orders_search, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
END;
CREATE TRIGGER orders_search_update AFTER UPDATE OF order_no, channel_order_id, buyer_name, buyer_email, buyer_phone, buyer_phone_e164 ON orders BEGIN
    INSERT INTO orders_search (orders_search, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
    INSERT INTO orders_search (rowid, search_text) VALUES (new.rowid, new.search_text);
END;
