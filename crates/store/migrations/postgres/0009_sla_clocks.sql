-- The clock of each step of an order (docs/ARCHITECTURE.md, "Time limits"), moved by the events of
-- its log in the same transaction: started (due_at = start + limit), paused (paused_at; a resume
-- pushes due_at back by the pause), stopped (stopped_at). Late when stopped after due_at, or
-- still running past it.
CREATE TABLE sla_clocks (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    subject_type TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    step TEXT NOT NULL,
    limit_ms BIGINT NOT NULL,
    started_at BIGINT NOT NULL,
    due_at BIGINT NOT NULL,
    paused_at BIGINT,
    stopped_at BIGINT,
    CONSTRAINT sla_clocks_subject_step_key UNIQUE (subject_type, subject_id, step)
);
-- The follow-up queue reads running clocks by due time; an order's own clocks are found by the
-- unique (subject, step) index.
CREATE INDEX sla_clocks_running_idx ON sla_clocks (due_at) WHERE stopped_at IS NULL AND paused_at IS NULL;
