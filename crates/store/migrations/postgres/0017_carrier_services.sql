-- Carrier services (SHP-1): the operator's catalogue. The definition (zones, rate card, limits,
-- transit, cut-off) is the checked `domain::shipping::ServiceInput` as JSON, read whole to quote.
CREATE TABLE carrier_services (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    code TEXT NOT NULL,
    kind TEXT NOT NULL,
    active BIGINT NOT NULL,
    definition TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT carrier_services_tenant_code_key UNIQUE (tenant_id, code)
);
