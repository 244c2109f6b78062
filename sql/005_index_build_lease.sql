-- One rebuild of the knowledge index at a time on a shared database. A rebuild works in side
-- tables over several transactions and starts by dropping whatever side tables a crashed build
-- left; without this lease a second rebuild would drop the first one's tables mid-build. The
-- builder renews the lease as it goes; one not renewed for two minutes belongs to a dead build.
CREATE TABLE kb_index_build (
  singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  owner       text NOT NULL,
  started_at  timestamptz NOT NULL DEFAULT now(),
  renewed_at  timestamptz NOT NULL DEFAULT now()
);
