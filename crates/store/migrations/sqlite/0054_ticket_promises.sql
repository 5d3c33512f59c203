-- A question that cannot be answered at once (CS-3): the time promised to the buyer, and what the
-- agent has to find out. Past it, with no answer since, the ticket is overdue: a follow-up task in
-- the overdue view and the sweep.
ALTER TABLE tickets ADD COLUMN promised_at BIGINT;
ALTER TABLE tickets ADD COLUMN promise_note TEXT;
