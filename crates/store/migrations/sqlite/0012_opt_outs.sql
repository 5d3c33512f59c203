-- Buyers who asked to hear nothing more (SLA-3): an e-mail address (lower case) or a phone number
-- in E.164, per operator. The relay makes no e-mail or text message to an address listed here.
CREATE TABLE notification_opt_outs (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    address TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    CONSTRAINT notification_opt_outs_pkey PRIMARY KEY (tenant_id, address)
);
