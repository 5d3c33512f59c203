-- One unit of work per request (docs/ARCHITECTURE.md, "Unit of work").
-- Idempotency keys are claimed with a lease: a request that dies (crash, time limit) leaves its
-- key claimed only until lease_until; committed_at is written in the use case's own transaction,
-- so a key whose write committed is never released and a retry never writes twice.
ALTER TABLE idempotency_keys ADD COLUMN claim_token TEXT NOT NULL DEFAULT '';
ALTER TABLE idempotency_keys ADD COLUMN lease_until INTEGER NOT NULL DEFAULT 0;
ALTER TABLE idempotency_keys ADD COLUMN committed_at INTEGER;
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);

-- Messages to the outside world (e-mail, webhooks, SMS), written in the same transaction as the
-- change they announce; the relay that delivers them comes with the notifications context.
CREATE TABLE outbox (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    merchant_id TEXT,
    topic TEXT NOT NULL,
    subject_type TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    available_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    delivered_at INTEGER
);
CREATE INDEX outbox_pending_idx ON outbox (delivered_at, available_at);

-- Sign-in throttling counts failures per client address too.
CREATE INDEX login_attempts_ip_at_idx ON login_attempts (ip, at);
