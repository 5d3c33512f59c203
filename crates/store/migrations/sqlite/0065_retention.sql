-- Retention (DONE-3): orders on legal hold are never proposed for deletion; a deletion proposal
-- lists the orders whose retention has ended, and nothing is erased until an admin approves it.
-- The current hold of an order (its history is in the order's events).
CREATE TABLE legal_holds (
    order_id TEXT NOT NULL REFERENCES orders (id),
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    merchant_id TEXT NOT NULL REFERENCES tenants (id),
    reason TEXT NOT NULL,
    placed_by TEXT NOT NULL,
    placed_at BIGINT NOT NULL,
    CONSTRAINT legal_holds_pkey PRIMARY KEY (order_id)
);
CREATE INDEX legal_holds_tenant_idx ON legal_holds (tenant_id, placed_at);

CREATE TABLE deletion_proposals (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    status TEXT NOT NULL,
    retention_years BIGINT NOT NULL,
    -- Orders completed at or before this were due when the proposal was made.
    completed_by BIGINT NOT NULL,
    orders BIGINT NOT NULL,
    proposed_by TEXT NOT NULL,
    proposed_at BIGINT NOT NULL,
    decided_by TEXT,
    decided_at BIGINT,
    executed_at BIGINT,
    erased BIGINT NOT NULL DEFAULT 0,
    kept BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX deletion_proposals_tenant_idx ON deletion_proposals (tenant_id, proposed_at);

-- `outcome`: pending, erased, or kept (`kept_on_hold`: a legal hold placed after the proposal).
CREATE TABLE deletion_proposal_orders (
    proposal_id TEXT NOT NULL REFERENCES deletion_proposals (id),
    order_id TEXT NOT NULL REFERENCES orders (id),
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    merchant_id TEXT NOT NULL REFERENCES tenants (id),
    order_no TEXT NOT NULL,
    completed_at BIGINT NOT NULL,
    retention_ends_at BIGINT NOT NULL,
    outcome TEXT NOT NULL,
    CONSTRAINT deletion_proposal_orders_pkey PRIMARY KEY (proposal_id, order_id)
);
CREATE INDEX deletion_proposal_orders_order_idx ON deletion_proposal_orders (order_id);

-- When the buyer's personal data was erased from the order and everything about it.
ALTER TABLE orders ADD COLUMN personal_data_erased_at BIGINT;
CREATE INDEX orders_completed_idx ON orders (tenant_id, completed_at) WHERE completed_at IS NOT NULL AND personal_data_erased_at IS NULL;
-- The archived package (documents with the buyer's address) is deleted with the personal data;
-- its manifest stays as the record of what was filed.
ALTER TABLE order_archives ADD COLUMN package_erased_at BIGINT;
