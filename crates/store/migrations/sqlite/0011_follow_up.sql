-- Recurring jobs (docs/ARCHITECTURE.md, "Jobs"): a cron expression read in a time zone. When
-- next_run_at comes, one process (FOR UPDATE SKIP LOCKED on PostgreSQL) queues a job of the
-- kind with the payload and moves next_run_at to the following occurrence. One per
-- (tenant, kind, scope): the follow-up sweep of each warehouse and of the operator.
CREATE TABLE recurring_jobs (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    kind TEXT NOT NULL,
    scope TEXT NOT NULL,
    payload TEXT NOT NULL,
    cron TEXT NOT NULL,
    timezone TEXT NOT NULL,
    next_run_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CONSTRAINT recurring_jobs_scope_key UNIQUE (tenant_id, kind, scope)
);
CREATE INDEX recurring_jobs_due_idx ON recurring_jobs (next_run_at);

-- The follow-up sweeps (SLA-2): what was overdue at each scheduled check, kept as a report.
-- scope is a warehouse id or 'operator'; one report per scheduled time, so a job run twice
-- writes it once.
CREATE TABLE sla_sweeps (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    scope TEXT NOT NULL,
    timezone TEXT NOT NULL,
    scheduled_for INTEGER NOT NULL,
    ran_at INTEGER NOT NULL,
    overdue INTEGER NOT NULL,
    items TEXT NOT NULL,
    CONSTRAINT sla_sweeps_run_key UNIQUE (tenant_id, scope, scheduled_for)
);
CREATE INDEX sla_sweeps_recent_idx ON sla_sweeps (tenant_id, ran_at);

-- What staff did about an overdue step: who, what, and the new promise.
CREATE TABLE sla_follow_ups (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    sweep_id TEXT,
    subject_type TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    step TEXT NOT NULL,
    actor_kind TEXT NOT NULL,
    actor_id TEXT,
    action TEXT NOT NULL,
    promised_at INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX sla_follow_ups_subject_idx ON sla_follow_ups (tenant_id, subject_type, subject_id);
