-- Satisfaction after an order's completion as well as a ticket's (CS-6, SYS-5): ticket_surveys
-- becomes surveys, each about one ticket or one order (one survey per order), with the merchant
-- kept so a merchant's figures need no join.
CREATE TABLE surveys (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    merchant_id TEXT,
    ticket_id TEXT REFERENCES tickets (id),
    order_id TEXT REFERENCES orders (id),
    token_sha256 TEXT NOT NULL,
    agent TEXT NOT NULL,
    category TEXT NOT NULL,
    sent_at BIGINT NOT NULL,
    score BIGINT,
    comment TEXT,
    answered_at BIGINT,
    CONSTRAINT surveys_token_key UNIQUE (token_sha256),
    CONSTRAINT surveys_order_key UNIQUE (order_id),
    CONSTRAINT surveys_one_subject CHECK ((ticket_id IS NULL) <> (order_id IS NULL))
);
INSERT INTO surveys (id, tenant_id, merchant_id, ticket_id, order_id, token_sha256, agent, category,
                     sent_at, score, comment, answered_at)
SELECT s.id, s.tenant_id, t.merchant_id, s.ticket_id, NULL, s.token_sha256, s.agent, s.category,
       s.sent_at, s.score, s.comment, s.answered_at
FROM ticket_surveys s JOIN tickets t ON t.id = s.ticket_id;
DROP TABLE ticket_surveys;
CREATE INDEX surveys_answered_idx ON surveys (tenant_id, answered_at);
CREATE INDEX surveys_ticket_idx ON surveys (ticket_id);
