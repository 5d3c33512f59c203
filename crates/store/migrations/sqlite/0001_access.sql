-- Access: tenants, users, API keys, web sessions, sign-in attempts, idempotency keys, events.
-- Portable rules: integers are INTEGER here and BIGINT on PostgreSQL (read as i64 on both);
-- booleans are 0/1 integers; instants are UTC milliseconds; ids are UUIDv7 text.

-- An operator has tenant_id = its own id; a merchant has tenant_id = its operator's id.
CREATE TABLE tenants (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    kind TEXT NOT NULL CHECK (kind IN ('operator', 'merchant')),
    name TEXT NOT NULL,
    code TEXT NOT NULL,
    timezone TEXT NOT NULL,
    settings TEXT NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL,
    CONSTRAINT tenants_code_key UNIQUE (code)
);
CREATE INDEX tenants_tenant_id_idx ON tenants (tenant_id);

-- merchant_id is NULL for operator staff, the merchant's tenant id for merchant users.
CREATE TABLE users (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    merchant_id TEXT REFERENCES tenants (id),
    email TEXT NOT NULL,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    last_login_at INTEGER,
    CONSTRAINT users_email_key UNIQUE (email)
);
CREATE INDEX users_tenant_id_idx ON users (tenant_id, merchant_id);

-- Only the SHA-256 of a key is kept; prefix is its first characters, shown to tell keys apart.
CREATE TABLE api_keys (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    merchant_id TEXT REFERENCES tenants (id),
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    prefix TEXT NOT NULL,
    key_hash TEXT NOT NULL,
    created_by TEXT,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at INTEGER,
    CONSTRAINT api_keys_key_hash_key UNIQUE (key_hash)
);
CREATE INDEX api_keys_tenant_id_idx ON api_keys (tenant_id, merchant_id);

-- id is the SHA-256 of the cookie's token, so a leaked table opens no session.
CREATE TABLE sessions (
    id TEXT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);

CREATE TABLE login_attempts (
    id TEXT NOT NULL PRIMARY KEY,
    email TEXT NOT NULL,
    ip TEXT NOT NULL,
    succeeded INTEGER NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX login_attempts_email_at_idx ON login_attempts (email, at);

-- A retried API write with the same key returns the first response (see docs/API.md).
CREATE TABLE idempotency_keys (
    principal TEXT NOT NULL,
    idem_key TEXT NOT NULL,
    tenant_id TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status_code INTEGER,
    response_body TEXT,
    created_at INTEGER NOT NULL,
    CONSTRAINT idempotency_keys_pkey PRIMARY KEY (principal, idem_key)
);

-- Who did what, when and why, to which object: the timeline, audit trail and KPI source.
CREATE TABLE events (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    merchant_id TEXT,
    subject_type TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    actor_kind TEXT NOT NULL,
    actor_id TEXT,
    reason TEXT,
    data TEXT NOT NULL DEFAULT '{}',
    at INTEGER NOT NULL
);
CREATE INDEX events_subject_idx ON events (tenant_id, subject_type, subject_id, at);
