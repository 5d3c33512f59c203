-- Working tickets (CS-4, CS-1): the after-sales request filed from a ticket (its decision moves
-- the ticket: above the agent's limit it goes up to a supervisor), when and why the ticket went
-- up, and the agent it is assigned to.
ALTER TABLE tickets ADD COLUMN request_id TEXT;
ALTER TABLE tickets ADD COLUMN escalated_at BIGINT;
ALTER TABLE tickets ADD COLUMN escalation_reason TEXT;
ALTER TABLE tickets ADD COLUMN assignee_id TEXT;
CREATE INDEX tickets_request_idx ON tickets (tenant_id, request_id);
CREATE INDEX tickets_assignee_idx ON tickets (tenant_id, assignee_id, status);
