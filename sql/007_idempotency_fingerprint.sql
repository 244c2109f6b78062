-- What a create with an idempotency key asked for (a hash of its arguments), so the same key
-- reused with different arguments is refused instead of silently returning the first ticket.
ALTER TABLE tickets ADD COLUMN IF NOT EXISTS idempotency_fingerprint text;
