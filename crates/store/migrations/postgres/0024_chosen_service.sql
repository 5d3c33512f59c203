-- The carrier service the buyer or merchant chose for an order (SHP-1, ORD-4): honoured at
-- labelling when it can carry the parcel; otherwise the parcel waits for a person.
ALTER TABLE orders ADD COLUMN carrier_service TEXT NOT NULL DEFAULT '';
