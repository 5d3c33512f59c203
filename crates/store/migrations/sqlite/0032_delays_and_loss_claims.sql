-- A delay case's new estimate, told to the buyer (EXC-5), and a lost parcel's claim: the amount
-- claimed from the carrier and its basis (insured_amount or order_value).
ALTER TABLE exception_cases ADD COLUMN new_estimate TEXT;
ALTER TABLE exception_cases ADD COLUMN claim_minor INTEGER;
ALTER TABLE exception_cases ADD COLUMN claim_basis TEXT;

-- What a parcel was insured for when its label was bought (in the order's currency).
ALTER TABLE shipments ADD COLUMN insured_minor INTEGER;
