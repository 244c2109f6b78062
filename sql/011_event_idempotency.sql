-- Replies and notes carry an idempotency key too, with a hash of what they asked for: a retried
-- reply is added once, and a key reused for a different reply or note is refused.
ALTER TABLE ticket_events ADD COLUMN IF NOT EXISTS idempotency_key text;
ALTER TABLE ticket_events ADD COLUMN IF NOT EXISTS idempotency_fingerprint text;
CREATE UNIQUE INDEX IF NOT EXISTS ticket_events_idempotency_key_idx
  ON ticket_events (idempotency_key) WHERE idempotency_key IS NOT NULL;
