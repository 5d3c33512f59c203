-- Ticket search that does not scan (CS-1's inbox; docs/ARCHITECTURE.md, "Search"): one lower-case
-- text per ticket (subject, buyer's name and address) and per message (its words), each indexed
-- by trigrams, so a search of 3 or more characters reads the indexes, not every message. Messages
-- are never changed, only added. After a VACUUM (which may renumber rowids) rebuild both:
-- INSERT INTO tickets_search(tickets_search) VALUES ('rebuild'), and the same for messages.
ALTER TABLE tickets ADD COLUMN search_text TEXT GENERATED ALWAYS AS (
    LOWER(subject || ' ' || buyer_name || ' ' || buyer_email)
) VIRTUAL;
ALTER TABLE ticket_messages ADD COLUMN search_text TEXT GENERATED ALWAYS AS (LOWER(body)) VIRTUAL;

CREATE VIRTUAL TABLE tickets_search USING fts5 (search_text, content = 'tickets', content_rowid = 'rowid', tokenize = 'trigram');
INSERT INTO tickets_search (tickets_search) VALUES ('rebuild');
CREATE TRIGGER tickets_search_insert AFTER INSERT ON tickets BEGIN
    INSERT INTO tickets_search (rowid, search_text) VALUES (new.rowid, new.search_text);
END;
CREATE TRIGGER tickets_search_delete AFTER DELETE ON tickets BEGIN
    INSERT INTO tickets_search (tickets_search, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
END;
CREATE TRIGGER tickets_search_update AFTER UPDATE OF subject, buyer_name, buyer_email ON tickets BEGIN
    INSERT INTO tickets_search (tickets_search, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
    INSERT INTO tickets_search (rowid, search_text) VALUES (new.rowid, new.search_text);
END;

CREATE VIRTUAL TABLE ticket_messages_search USING fts5 (search_text, content = 'ticket_messages', content_rowid = 'rowid', tokenize = 'trigram');
INSERT INTO ticket_messages_search (ticket_messages_search) VALUES ('rebuild');
CREATE TRIGGER ticket_messages_search_insert AFTER INSERT ON ticket_messages BEGIN
    INSERT INTO ticket_messages_search (rowid, search_text) VALUES (new.rowid, new.search_text);
END;
CREATE TRIGGER ticket_messages_search_delete AFTER DELETE ON ticket_messages BEGIN
    INSERT INTO ticket_messages_search (ticket_messages_search, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
END;
