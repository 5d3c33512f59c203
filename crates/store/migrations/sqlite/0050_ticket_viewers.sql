-- Who has a ticket open (CS-1's agent screen): each agent's page says so every few seconds, so a
-- second agent opening the ticket is warned that someone is on it.
CREATE TABLE ticket_viewers (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    ticket_id TEXT NOT NULL REFERENCES tickets (id),
    user_key TEXT NOT NULL,
    user_name TEXT NOT NULL,
    seen_at BIGINT NOT NULL,
    CONSTRAINT ticket_viewers_pkey PRIMARY KEY (ticket_id, user_key)
);
