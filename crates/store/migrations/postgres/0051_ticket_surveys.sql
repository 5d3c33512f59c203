-- Satisfaction (CS-6, SYS-5): one survey per solved ticket, reached by an unguessable link (kept
-- only as its SHA-256) that takes one answer: a score of 1 to 5 and a comment, linked to the agent
-- who answered and the ticket's category.
CREATE TABLE ticket_surveys (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    ticket_id TEXT NOT NULL REFERENCES tickets (id),
    token_sha256 TEXT NOT NULL,
    agent TEXT NOT NULL,
    category TEXT NOT NULL,
    sent_at BIGINT NOT NULL,
    score BIGINT,
    comment TEXT,
    answered_at BIGINT,
    CONSTRAINT ticket_surveys_token_key UNIQUE (token_sha256)
);
CREATE INDEX ticket_surveys_answered_idx ON ticket_surveys (tenant_id, answered_at);
CREATE INDEX ticket_surveys_ticket_idx ON ticket_surveys (ticket_id);
