-- Working calendars (docs/ARCHITECTURE.md, "Time limits"): one per warehouse and one default per
-- operator (warehouse_id ''), stored in the form staff write them (domain::sla::CalendarInput):
-- the time zone, the week's intervals as JSON, the closed days as JSON.
CREATE TABLE calendars (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    warehouse_id TEXT NOT NULL DEFAULT '',
    timezone TEXT NOT NULL,
    week TEXT NOT NULL,
    closed_days TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT calendars_owner_key UNIQUE (tenant_id, warehouse_id)
);

-- A clock counted in working time names its calendar (NULL: wall-clock time), so a resume after
-- a pause counts the time left in the same calendar.
ALTER TABLE sla_clocks ADD COLUMN calendar_id TEXT;
