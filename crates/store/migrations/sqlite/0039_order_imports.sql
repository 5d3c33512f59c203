-- Order files (ORD-1): an uploaded CSV or Excel file, the mapping of its columns, and how far its
-- import (or dry run) got; `errors_blob` is the file of refused rows with their reasons.
CREATE TABLE order_imports (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    merchant_id TEXT NOT NULL REFERENCES tenants (id),
    file_name TEXT NOT NULL,
    file_blob TEXT NOT NULL,
    headers TEXT NOT NULL,
    mapping TEXT NOT NULL,
    status TEXT NOT NULL,
    dry_run BIGINT NOT NULL,
    rows_total BIGINT NOT NULL,
    rows_done BIGINT NOT NULL,
    orders_created BIGINT NOT NULL,
    orders_existing BIGINT NOT NULL,
    rows_refused BIGINT NOT NULL,
    errors_blob TEXT NOT NULL,
    detail TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    -- When the run last reported progress: a run silent for two minutes stopped with its server.
    updated_at BIGINT NOT NULL,
    finished_at BIGINT
);
CREATE INDEX order_imports_merchant_idx ON order_imports (tenant_id, merchant_id, created_at);

-- The column mapping a merchant last imported with, suggested for its next file.
CREATE TABLE import_mappings (
    merchant_id TEXT NOT NULL REFERENCES tenants (id),
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    mapping TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT import_mappings_pkey PRIMARY KEY (merchant_id)
);
