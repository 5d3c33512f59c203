-- Labels bought from a carrier through EasyPost (SHP-2): the carrier's shipment id and its label.
ALTER TABLE shipments ADD COLUMN carrier_ref TEXT;
ALTER TABLE shipments ADD COLUMN carrier_label_url TEXT;
