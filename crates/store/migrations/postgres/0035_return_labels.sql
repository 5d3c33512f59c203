-- A carrier return label bought for an after-sales request (AFS-5): its tracking number (scanned
-- in like the RMA number) and the label the buyer prints.
ALTER TABLE aftersales_requests ADD COLUMN return_tracking_no TEXT;
ALTER TABLE aftersales_requests ADD COLUMN return_label_url TEXT;
