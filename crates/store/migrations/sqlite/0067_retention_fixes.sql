-- At most one deletion proposal open per operator, on every database (two proposers at once: one
-- wins, the other finds it open).
CREATE UNIQUE INDEX deletion_proposals_open_key ON deletion_proposals (tenant_id) WHERE status IN ('proposed', 'approved');
-- A message's text erased with the buyer's personal data leaves the search index too.
CREATE TRIGGER ticket_messages_search_update AFTER UPDATE OF body ON ticket_messages BEGIN
    INSERT INTO ticket_messages_search (ticket_messages_search, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
    INSERT INTO ticket_messages_search (rowid, search_text) VALUES (new.rowid, new.search_text);
END;
