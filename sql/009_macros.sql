-- Canned replies (macros): named templates with placeholders such as {requester.first_name},
-- checked when saved, filled in when a reply is sent with one.
CREATE TABLE IF NOT EXISTS macros (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name        text NOT NULL UNIQUE CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
  body        text NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
  created_by  text NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);
