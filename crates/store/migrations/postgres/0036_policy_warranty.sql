-- A policy's warranty (AFS-1): days after delivery in which a faulty item is repaired even past
-- the return window; and its force majeure terms, published to buyers.
ALTER TABLE aftersales_policies ADD COLUMN warranty_days BIGINT NOT NULL DEFAULT 0;
ALTER TABLE aftersales_policies ADD COLUMN force_majeure TEXT NOT NULL DEFAULT '';
