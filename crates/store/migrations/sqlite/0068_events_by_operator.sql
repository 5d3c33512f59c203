-- The audit sealer reads an operator's unsealed events in id order from a point (SYS-1). Without
-- this index the planner took the operator's events from events_subject_idx and sorted them all:
-- every round of sealing scanned the operator's whole history (20 s per thousand links at 6.8
-- million events, found with `tradeport generate`).
CREATE INDEX events_tenant_id_idx ON events (tenant_id, id);
