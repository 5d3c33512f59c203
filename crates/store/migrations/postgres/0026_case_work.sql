-- Exception cases worked by people (EXC-1, EXC-7): a cause from the operator's list, an owner,
-- the actions taken, evidence in the blob store, the buyer's feedback.
ALTER TABLE exception_cases ADD COLUMN cause_code TEXT;
ALTER TABLE exception_cases ADD COLUMN owner_user_id TEXT;
ALTER TABLE exception_cases ADD COLUMN buyer_feedback TEXT;
CREATE TABLE case_causes (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    code TEXT NOT NULL,
    label TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    CONSTRAINT case_causes_pkey PRIMARY KEY (tenant_id, code)
);
CREATE TABLE case_actions (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    case_id TEXT NOT NULL REFERENCES exception_cases (id),
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX case_actions_case_idx ON case_actions (case_id, at);
CREATE TABLE case_evidence (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    case_id TEXT NOT NULL REFERENCES exception_cases (id),
    sha256 TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX case_evidence_case_idx ON case_evidence (case_id);
