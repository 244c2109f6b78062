-- The ticket system: people, teams, categories, tickets, their append-only timeline and links.
-- Deliberately free of the vector extension, so tickets work on any PostgreSQL (only the
-- knowledge tables use pgvector, and only when it is there).

CREATE TABLE groups (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name         text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
  description  text NOT NULL DEFAULT ''
);

CREATE TABLE users (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  username      text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9._-]{0,99}$'),
  display_name  text NOT NULL,
  email         text,
  role          text NOT NULL CHECK (role IN ('agent', 'requester')),
  department    text,
  location      text,
  active        boolean NOT NULL DEFAULT true
);

CREATE TABLE group_members (
  group_id  bigint NOT NULL REFERENCES groups (id),
  user_id   bigint NOT NULL REFERENCES users (id),
  PRIMARY KEY (group_id, user_id)
);

-- A tree: "Network/VPN" is a child of "Network". Filters on a category include its children.
CREATE TABLE categories (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  path              text NOT NULL UNIQUE CHECK (path ~ '^[^/]+(/[^/]+)*$'),
  parent_id         bigint REFERENCES categories (id),
  default_group_id  bigint REFERENCES groups (id)
);

CREATE SEQUENCE ticket_number_seq;

-- array_to_string is only STABLE, and generated columns need IMMUTABLE; for text[] it is safe.
CREATE FUNCTION tags_as_text(tags text[]) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT array_to_string(tags, ' ') $$;

CREATE TABLE tickets (
  id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- The number people quote; separate from the internal id so it can be formatted and never reused.
  number               text NOT NULL UNIQUE
                       DEFAULT ('IT-' || lpad(nextval('ticket_number_seq')::text, 6, '0')),
  title                text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  description          text NOT NULL DEFAULT '' CHECK (length(description) <= 20000),
  type                 text NOT NULL DEFAULT 'incident'
                       CHECK (type IN ('incident', 'service_request', 'question', 'problem')),
  status               text NOT NULL DEFAULT 'new'
                       CHECK (status IN ('new', 'open', 'pending', 'resolved', 'closed', 'canceled', 'merged')),
  impact               smallint NOT NULL DEFAULT 3 CHECK (impact BETWEEN 1 AND 3),
  urgency              smallint NOT NULL DEFAULT 3 CHECK (urgency BETWEEN 1 AND 3),
  -- Derived from impact × urgency unless an agent overrode it (then priority_overridden is set).
  priority             text NOT NULL CHECK (priority IN ('P1', 'P2', 'P3', 'P4')),
  priority_overridden  boolean NOT NULL DEFAULT false,
  category_id          bigint REFERENCES categories (id),
  -- A username when the requester is known to itbot, otherwise as given (name or email).
  requester            text NOT NULL CHECK (length(requester) BETWEEN 1 AND 200),
  assignee_id          bigint REFERENCES users (id),
  group_id             bigint REFERENCES groups (id),
  source               text NOT NULL DEFAULT 'itbot'
                       CHECK (source IN ('itbot', 'email', 'phone', 'portal', 'chat', 'monitoring', 'walk_in')),
  tags                 text[] NOT NULL DEFAULT '{}',
  custom_fields        jsonb NOT NULL DEFAULT '{}',
  -- SLA: due times move forward by the time a ticket spends pending.
  first_response_due   timestamptz,
  resolution_due       timestamptz,
  first_responded_at   timestamptz,
  pending_since        timestamptz,
  pending_reason       text,
  pending_seconds      integer NOT NULL DEFAULT 0,
  resolved_at          timestamptz,
  closed_at            timestamptz,
  resolution_code      text CHECK (resolution_code IN
                         ('fixed', 'workaround', 'user_error', 'duplicate', 'no_fault_found', 'wont_fix', 'known_error')),
  resolution_notes     text,
  merged_into_id       bigint REFERENCES tickets (id),
  -- A retried create with the same key returns the first ticket instead of making a second one.
  idempotency_key      text UNIQUE,
  -- Optimistic concurrency: every change bumps it; a write naming an older version is refused.
  version              integer NOT NULL DEFAULT 1,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  search               tsvector GENERATED ALWAYS AS (
                         setweight(to_tsvector('english', title), 'A') ||
                         setweight(to_tsvector('english', tags_as_text(tags)), 'B') ||
                         setweight(to_tsvector('english', description), 'C')
                       ) STORED
);

CREATE INDEX tickets_created_idx ON tickets (created_at DESC, id DESC);
CREATE INDEX tickets_status_idx ON tickets (status, created_at DESC, id DESC);
CREATE INDEX tickets_requester_idx ON tickets (requester, created_at DESC, id DESC);
CREATE INDEX tickets_assignee_idx ON tickets (assignee_id, status);
CREATE INDEX tickets_group_idx ON tickets (group_id, status);
CREATE INDEX tickets_category_idx ON tickets (category_id);
CREATE INDEX tickets_tags_idx ON tickets USING gin (tags);
CREATE INDEX tickets_search_idx ON tickets USING gin (search);

-- The timeline: replies, notes, status and field changes, assignments, links, merges.
CREATE TABLE ticket_events (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ticket_id    bigint NOT NULL REFERENCES tickets (id),
  kind         text NOT NULL
               CHECK (kind IN ('created', 'reply', 'note', 'status', 'field', 'assignment', 'link', 'merge')),
  author       text NOT NULL,
  author_kind  text NOT NULL CHECK (author_kind IN ('agent', 'requester', 'system', 'ai')),
  visibility   text NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'internal')),
  body         text,
  -- For changes: {"field": {"from": …, "to": …}, …}
  changes      jsonb,
  created_at   timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE INDEX ticket_events_ticket_idx ON ticket_events (ticket_id, id);

-- Append-only, enforced by the database and not just by the app.
CREATE FUNCTION ticket_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ticket_events is append-only: % is not allowed', TG_OP;
END;
$$;

CREATE TRIGGER ticket_events_append_only
  BEFORE UPDATE OR DELETE ON ticket_events
  FOR EACH ROW EXECUTE FUNCTION ticket_events_append_only();

CREATE TABLE ticket_links (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  from_ticket_id  bigint NOT NULL REFERENCES tickets (id),
  to_ticket_id    bigint NOT NULL REFERENCES tickets (id),
  kind            text NOT NULL
                  CHECK (kind IN ('relates_to', 'duplicate_of', 'parent_of', 'caused_by', 'follow_up_of')),
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (from_ticket_id, to_ticket_id, kind),
  CHECK (from_ticket_id <> to_ticket_id)
);

CREATE INDEX ticket_links_to_idx ON ticket_links (to_ticket_id);
