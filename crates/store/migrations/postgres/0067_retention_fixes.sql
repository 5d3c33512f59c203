-- At most one deletion proposal open per operator, on every database (two proposers at once: one
-- wins, the other finds it open).
CREATE UNIQUE INDEX deletion_proposals_open_key ON deletion_proposals (tenant_id) WHERE status IN ('proposed', 'approved');
