-- Whether the newest change of a channel order taken in cancelled it (ORD-1): an order made while
-- a newer cancellation was claimed (it found no order yet) is cancelled as soon as it is made.
ALTER TABLE channel_order_versions ADD COLUMN cancelled INTEGER NOT NULL DEFAULT 0;
