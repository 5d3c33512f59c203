-- The audit trail's chain (SYS-1): each committed event of an operator is sealed, in the order the
-- sealer finds it, as link `seq` of the operator's chain with the hash of the link before and its
-- own (over the event's fields). Written only by the sealer; two sealers at once collide on the
-- primary key, so the chain never forks.
CREATE TABLE audit_chain (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    seq BIGINT NOT NULL,
    event_id TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    sealed_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, seq),
    CONSTRAINT audit_chain_event_key UNIQUE (event_id)
);
