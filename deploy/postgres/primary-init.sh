#!/usr/bin/env bash
# Runs once, when the primary's data directory is created (/docker-entrypoint-initdb.d): a role and
# a physical slot for the streaming replica, and the pg_hba line that lets it connect.
set -euo pipefail
: "${ITBOT_REPLICATION_PASSWORD:?set ITBOT_REPLICATION_PASSWORD}"

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v password="$ITBOT_REPLICATION_PASSWORD" <<'SQL'
CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD :'password';
SELECT pg_create_physical_replication_slot('itbot_replica');
SQL

# "all" in pg_hba's database column does not cover replication connections.
echo "host replication replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
