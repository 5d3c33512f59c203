-- What the buyer is offered when the operator cannot fulfil an order (EXC-2): JSON
-- {"reason", "alternatives": [...]}; the buyer's answer goes to buyer_feedback.
ALTER TABLE exception_cases ADD COLUMN offer TEXT;
