-- PayPal and Alipay accounts (ORD-5): what identifies the merchant at the provider and what
-- verifies the provider's events, none of it secret (the API secret and the merchant's private
-- key stay sealed in `api_key`).
-- client_id: PayPal's REST app client id; Alipay's (Antom's) client id.
-- webhook_id: PayPal's webhook id, part of every message PayPal signs.
-- provider_public_key: Alipay's public key (X.509 SubjectPublicKeyInfo, base64) its
-- notifications are verified with.
ALTER TABLE payment_accounts ADD COLUMN client_id TEXT NOT NULL DEFAULT '';
ALTER TABLE payment_accounts ADD COLUMN webhook_id TEXT NOT NULL DEFAULT '';
ALTER TABLE payment_accounts ADD COLUMN provider_public_key TEXT NOT NULL DEFAULT '';

-- Another id the provider knows a payment by: PayPal names a payment by its order until it is
-- captured and by the capture after (the capture id is then the reference, the order id here).
ALTER TABLE payments ADD COLUMN alias TEXT NOT NULL DEFAULT '';
CREATE INDEX payments_alias_idx ON payments (account_id, alias);
