-- The supervision group's improvement actions on a month's exception report (EXC-7), per
-- operator and, when set, per merchant. Cases and requests are found by the time they opened.
CREATE TABLE improvement_actions (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    merchant_key TEXT NOT NULL,
    month TEXT NOT NULL,
    action TEXT NOT NULL,
    actor TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX improvement_actions_month_idx ON improvement_actions (tenant_id, month);
CREATE INDEX exception_cases_opened_idx ON exception_cases (tenant_id, opened_at);
CREATE INDEX aftersales_requests_created_idx ON aftersales_requests (tenant_id, created_at);
