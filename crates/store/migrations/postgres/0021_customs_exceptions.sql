-- Customs (SHP-3, SHP-4): a shipment's declaration, line by line from its SKUs, with the form it
-- needs (CN22 or CN23) and the invoice number; clearance as its own steps.
CREATE TABLE customs_declarations (
    shipment_id TEXT NOT NULL PRIMARY KEY REFERENCES shipments (id),
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    merchant_id TEXT NOT NULL REFERENCES tenants (id),
    incoterm TEXT NOT NULL,
    reason TEXT NOT NULL,
    currency TEXT NOT NULL,
    lines TEXT NOT NULL,
    total_value_minor BIGINT NOT NULL,
    total_weight_g BIGINT NOT NULL,
    form TEXT NOT NULL,
    ioss_number TEXT,
    vat_number TEXT,
    invoice_no TEXT NOT NULL,
    declared_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE TABLE clearance_steps (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    shipment_id TEXT NOT NULL REFERENCES shipments (id),
    step TEXT NOT NULL,
    happened_at BIGINT NOT NULL,
    waybill_no TEXT,
    note TEXT NOT NULL,
    source TEXT NOT NULL,
    actor TEXT NOT NULL,
    recorded_at BIGINT NOT NULL
);
CREATE INDEX clearance_steps_shipment_idx ON clearance_steps (shipment_id, happened_at);

-- What the exception rules read of a shipment: when it was handed over and promised, its last
-- event, its failed deliveries, where clearance is.
ALTER TABLE shipments ADD COLUMN shipped_at BIGINT;
ALTER TABLE shipments ADD COLUMN promised_at BIGINT;
ALTER TABLE shipments ADD COLUMN last_event_at BIGINT;
ALTER TABLE shipments ADD COLUMN failed_attempts BIGINT NOT NULL DEFAULT 0;
ALTER TABLE shipments ADD COLUMN clearance_step TEXT;
CREATE INDEX shipments_on_the_way_idx ON shipments (tenant_id, status, tracking_status);

-- Exception rules per lane (SHP-6): empty origin, destination or service means any.
CREATE TABLE lane_rules (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    origin TEXT NOT NULL,
    destination TEXT NOT NULL,
    service TEXT NOT NULL,
    kind TEXT NOT NULL,
    threshold BIGINT NOT NULL,
    department TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    CONSTRAINT lane_rules_lane_key UNIQUE (tenant_id, origin, destination, service, kind)
);

-- Exception cases (EXC-1, SHP-7): one open case per shipment and rule kind (open_key is null once
-- it is closed).
CREATE TABLE exception_cases (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    merchant_id TEXT NOT NULL REFERENCES tenants (id),
    order_id TEXT NOT NULL REFERENCES orders (id),
    shipment_id TEXT REFERENCES shipments (id),
    case_type TEXT NOT NULL,
    cause TEXT NOT NULL,
    department TEXT NOT NULL,
    status TEXT NOT NULL,
    rule_kind TEXT,
    open_key TEXT,
    result TEXT,
    opened_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    closed_at BIGINT,
    CONSTRAINT exception_cases_open_key UNIQUE (tenant_id, open_key)
);
CREATE INDEX exception_cases_order_idx ON exception_cases (order_id);
CREATE INDEX exception_cases_queue_idx ON exception_cases (tenant_id, status, department);
