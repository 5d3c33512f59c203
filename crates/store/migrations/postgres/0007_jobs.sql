-- The durable job queue (docs/ARCHITECTURE.md, "Jobs"): work done after a request, retried with
-- backoff, dead-lettered with its last error. A claimed job carries a lease; a job whose process
-- died is claimed again when the lease ends. PostgreSQL processes share the queue with
-- FOR UPDATE SKIP LOCKED; SQLite's single writer makes each claim atomic.
CREATE TABLE jobs (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL,
    run_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    max_attempts BIGINT NOT NULL,
    lease_until BIGINT,
    claim_token TEXT,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    finished_at BIGINT
);
CREATE INDEX jobs_due_idx ON jobs (state, run_at);
CREATE INDEX jobs_lease_idx ON jobs (state, lease_until);
CREATE INDEX jobs_tenant_state_idx ON jobs (tenant_id, state, id);

