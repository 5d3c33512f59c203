-- Orders' archived files (DONE-2): within a week of completion each order's documents and
-- records are filed as one package in the blob store (by its SHA-256) with a manifest naming each
-- file's checksum; from then on the order is read-only.
CREATE TABLE order_archives (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    order_id TEXT NOT NULL PRIMARY KEY REFERENCES orders (id),
    merchant_id TEXT NOT NULL REFERENCES tenants (id),
    order_no TEXT NOT NULL,
    package_sha256 TEXT NOT NULL,
    package_bytes BIGINT NOT NULL,
    -- JSON of `domain::archive::Manifest`.
    manifest TEXT NOT NULL,
    archived_at BIGINT NOT NULL
);
CREATE INDEX order_archives_tenant_idx ON order_archives (tenant_id, archived_at);
