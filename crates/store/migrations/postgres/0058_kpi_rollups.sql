-- KPIs from events (KPI-2 … KPI-4): the facts of every sealed event summed per operator, day (in
-- the operator's time zone), merchant, department, person and measure, kept current by the
-- workers from the audit chain's order (`kpi_cursors.last_seq`, the last link rolled up), so a
-- dashboard never reads the event log. Rebuilt from the events on demand, and checked against it.
CREATE TABLE kpi_daily (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    day TEXT NOT NULL,
    merchant_id TEXT NOT NULL,
    department TEXT NOT NULL,
    person TEXT NOT NULL,
    measure TEXT NOT NULL,
    amount BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, day, merchant_id, department, person, measure)
);
CREATE TABLE kpi_cursors (
    tenant_id TEXT NOT NULL PRIMARY KEY REFERENCES tenants (id),
    last_seq BIGINT NOT NULL
);
