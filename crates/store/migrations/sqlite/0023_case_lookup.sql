-- Exception cases by shipment: closing a parcel's cases and the carrier performance figures.
CREATE INDEX exception_cases_shipment_idx ON exception_cases (shipment_id, status);
