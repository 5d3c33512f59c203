-- The monthly supervision reports (KPI-1, EXC-7): filed once per operator and month by the
-- nightly job after the month ends, kept as a PDF and an XLSX in the blob store (by SHA-256),
-- with the figures as JSON for the API.
CREATE TABLE supervision_reports (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    month TEXT NOT NULL,
    -- JSON of `app::reporting::SupervisionReport`.
    report TEXT NOT NULL,
    pdf_sha256 TEXT NOT NULL,
    xlsx_sha256 TEXT NOT NULL,
    -- The supervision group it was e-mailed to (JSON list of addresses).
    sent_to TEXT NOT NULL,
    filed_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, month)
);
-- The report reads the clocks stopped within its month.
CREATE INDEX sla_clocks_stopped_idx ON sla_clocks (tenant_id, stopped_at) WHERE stopped_at IS NOT NULL;
