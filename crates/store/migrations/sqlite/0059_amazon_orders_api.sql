-- Which of Amazon's Orders APIs a connection is polled with (ORD-1): `v0` (`getOrders`, items and
-- address asked for apart) or `2026-01-01` (`searchOrders`, items, buyer and recipient in one
-- answer). Empty for other channels.
ALTER TABLE channel_connections ADD COLUMN orders_api TEXT NOT NULL DEFAULT '';
