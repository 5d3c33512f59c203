-- An operator's own wording of a buyer message in one language (SLA-3): subject, e-mail body and
-- text message in Fluent syntax, checked before it is kept. No row: the catalogue's wording.
CREATE TABLE message_templates (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    message TEXT NOT NULL,
    language TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    sms TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    CONSTRAINT message_templates_pkey PRIMARY KEY (tenant_id, message, language)
);
