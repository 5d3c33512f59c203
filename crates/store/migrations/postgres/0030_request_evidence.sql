-- Photos and documents with an after-sales request (AFS-6): the buyer's, staff's and the
-- inspection's; the bytes in the blob store, as for cases and receiving.
CREATE TABLE request_evidence (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    request_id TEXT NOT NULL REFERENCES aftersales_requests (id),
    sha256 TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX request_evidence_request_idx ON request_evidence (request_id);
