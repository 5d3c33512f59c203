-- Buyer and order search that does not scan (docs/ARCHITECTURE.md, "Search"): one lower-case
-- text per order (order number, channel id, buyer name and e-mail), indexed by trigrams, so a
-- substring search of 3 or more characters reads the index, not every order.
ALTER TABLE orders ADD COLUMN search_text TEXT GENERATED ALWAYS AS (
    LOWER(COALESCE(order_no, '') || ' ' || channel_order_id || ' ' || buyer_name || ' ' || buyer_email)
) VIRTUAL;

-- An FTS5 trigram index over that text, kept in step by triggers. It maps orders by rowid:
-- after a VACUUM (which may renumber rowids) run INSERT INTO orders_search(orders_search) VALUES ('rebuild').
CREATE VIRTUAL TABLE orders_search USING fts5 (search_text, content = 'orders', content_rowid = 'rowid', tokenize = 'trigram');
INSERT INTO orders_search (orders_search) VALUES ('rebuild');
CREATE TRIGGER orders_search_insert AFTER INSERT ON orders BEGIN
    INSERT INTO orders_search (rowid, search_text) VALUES (new.rowid, new.search_text);
END;
CREATE TRIGGER orders_search_delete AFTER DELETE ON orders BEGIN
    INSERT INTO orders_search (orders_search, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
END;
CREATE TRIGGER orders_search_update AFTER UPDATE OF order_no, channel_order_id, buyer_name, buyer_email ON orders BEGIN
    INSERT INTO orders_search (orders_search, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
    INSERT INTO orders_search (rowid, search_text) VALUES (new.rowid, new.search_text);
END;
