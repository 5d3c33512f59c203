-- Canned replies (SLA-4): an answer written once per language, with placeholders filled from the
-- ticket's order when an agent uses it.
CREATE TABLE canned_replies (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    name TEXT NOT NULL,
    language TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT canned_replies_name_key UNIQUE (tenant_id, name, language)
);
