-- Disputes (CS-5): a claim the buyer contests, a marketplace claim or a chargeback, with evidence
-- from both sides until a deadline, the arbitration group's decision and the rule it applied,
-- optional mediation, the money that went back, and the review afterwards.
CREATE TABLE disputes (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    merchant_id TEXT NOT NULL REFERENCES tenants (id),
    order_id TEXT NOT NULL REFERENCES orders (id),
    ticket_id TEXT REFERENCES tickets (id),
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    claim TEXT NOT NULL,
    claim_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    evidence_due BIGINT NOT NULL,
    decision_due BIGINT NOT NULL,
    mediator TEXT,
    ruling TEXT,
    rule_applied TEXT,
    refund_minor BIGINT,
    refund_id TEXT,
    decided_by TEXT,
    decided_at BIGINT,
    review TEXT,
    reviewed_at BIGINT,
    opened_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX disputes_queue_idx ON disputes (tenant_id, status, created_at);
CREATE INDEX disputes_order_idx ON disputes (tenant_id, order_id);

CREATE TABLE dispute_evidence (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    dispute_id TEXT NOT NULL REFERENCES disputes (id),
    party TEXT NOT NULL,
    description TEXT NOT NULL,
    added_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX dispute_evidence_dispute_idx ON dispute_evidence (dispute_id, created_at);
