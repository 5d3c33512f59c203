-- The coupons an order used, freed when it is cancelled or rejected.
CREATE INDEX coupons_redeemed_idx ON coupons (redeemed_order_id);
