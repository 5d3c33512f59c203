-- A provider's settlement report as imported (ORD-5, AFS-4), reconciled against the account's
-- payments of its period; `summary` is JSON of its totals.
CREATE TABLE settlement_reports (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    merchant_id TEXT NOT NULL REFERENCES tenants (id),
    account_id TEXT NOT NULL REFERENCES payment_accounts (id),
    provider TEXT NOT NULL,
    file_name TEXT NOT NULL,
    period_from BIGINT NOT NULL,
    period_to BIGINT NOT NULL,
    line_count BIGINT NOT NULL,
    summary TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX settlement_reports_merchant_idx ON settlement_reports (tenant_id, merchant_id, created_at);

-- What reconciling found: one row per payment reference (its lines added up), per fee or other
-- line, and per payment of the period the report did not settle.
CREATE TABLE settlement_items (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    report_id TEXT NOT NULL REFERENCES settlement_reports (id),
    position BIGINT NOT NULL,
    finding TEXT NOT NULL,
    reference TEXT NOT NULL,
    currency TEXT NOT NULL,
    line_nos TEXT NOT NULL,
    payment_id TEXT REFERENCES payments (id),
    order_id TEXT REFERENCES orders (id),
    report_charged_minor BIGINT NOT NULL,
    ours_charged_minor BIGINT NOT NULL,
    report_refunded_minor BIGINT NOT NULL,
    ours_refunded_minor BIGINT NOT NULL,
    fee_minor BIGINT NOT NULL,
    difference_minor BIGINT NOT NULL
);
CREATE INDEX settlement_items_report_idx ON settlement_items (report_id, position);
