-- Attachments: a log or a screenshot kept with its ticket, in the database so a backup, a replica
-- and every server replica see the same files. The size cap is the server's setting
-- (ITBOT_ATTACHMENT_MAX_BYTES); the CHECK only keeps the row honest about its bytes.
CREATE TABLE IF NOT EXISTS ticket_attachments (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ticket_id     bigint NOT NULL REFERENCES tickets (id),
  filename      text NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
  content_type  text NOT NULL CHECK (length(content_type) BETWEEN 3 AND 127),
  size          integer NOT NULL CHECK (size >= 0),
  content       bytea NOT NULL CHECK (octet_length(content) = size),
  sha256        text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  author        text NOT NULL,
  author_kind   text NOT NULL CHECK (author_kind IN ('agent', 'requester', 'system', 'ai')),
  -- A retried add with the same key returns the first attachment instead of storing it twice.
  idempotency_key         text UNIQUE,
  idempotency_fingerprint text,
  created_at    timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE INDEX IF NOT EXISTS ticket_attachments_ticket_idx ON ticket_attachments (ticket_id, id);

-- The timeline says a file was attached (the bytes stay in ticket_attachments).
ALTER TABLE ticket_events DROP CONSTRAINT IF EXISTS ticket_events_kind_check;
ALTER TABLE ticket_events ADD CONSTRAINT ticket_events_kind_check
  CHECK (kind IN ('created', 'reply', 'note', 'status', 'field', 'assignment', 'link', 'merge', 'attachment'));
