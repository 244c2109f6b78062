-- Tickets and their append-only timeline. Deliberately free of the vector extension, so tickets
-- work on any PostgreSQL (only the knowledge tables need pgvector).

CREATE SEQUENCE ticket_number_seq;

CREATE TABLE tickets (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- The number people quote; separate from the internal id so it can be formatted and never reused.
  number           text NOT NULL UNIQUE
                   DEFAULT ('IT-' || lpad(nextval('ticket_number_seq')::text, 6, '0')),
  title            text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  description      text NOT NULL DEFAULT '' CHECK (length(description) <= 20000),
  status           text NOT NULL DEFAULT 'new'
                   CHECK (status IN ('new', 'open', 'pending', 'resolved', 'closed', 'canceled', 'merged')),
  priority         text NOT NULL DEFAULT 'P3' CHECK (priority IN ('P1', 'P2', 'P3', 'P4')),
  requester        text NOT NULL CHECK (length(requester) BETWEEN 1 AND 200),
  source           text NOT NULL DEFAULT 'itbot',
  -- A retried create with the same key returns the first ticket instead of making a second one.
  idempotency_key  text UNIQUE,
  version          integer NOT NULL DEFAULT 1,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  search           tsvector GENERATED ALWAYS AS (to_tsvector('english', title || ' ' || description)) STORED
);

CREATE INDEX tickets_requester_status_idx ON tickets (requester, status, created_at DESC);
CREATE INDEX tickets_status_idx ON tickets (status, created_at DESC);
CREATE INDEX tickets_search_idx ON tickets USING gin (search);

CREATE TABLE ticket_events (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ticket_id    bigint NOT NULL REFERENCES tickets (id),
  kind         text NOT NULL,
  author       text NOT NULL,
  author_kind  text NOT NULL CHECK (author_kind IN ('agent', 'requester', 'system', 'ai')),
  visibility   text NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'internal')),
  body         text,
  changes      jsonb,
  created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX ticket_events_ticket_idx ON ticket_events (ticket_id, id);
