-- eBay member messages (CS-1) are read through the seller's eBay connection from where the last
-- read ended; kept apart from the order poll's watermark.
ALTER TABLE channel_connections ADD COLUMN messages_watermark TEXT NOT NULL DEFAULT '';
