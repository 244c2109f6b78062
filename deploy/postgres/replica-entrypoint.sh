#!/usr/bin/env bash
# The read replica: on an empty data directory, copy the primary with pg_basebackup (streaming the
# WAL it needs, writing standby.signal and primary_conninfo with -R), then run as a hot standby.
set -euo pipefail
: "${ITBOT_PRIMARY_HOST:?set ITBOT_PRIMARY_HOST}"
: "${ITBOT_REPLICATION_PASSWORD:?set ITBOT_REPLICATION_PASSWORD}"
PGDATA=${PGDATA:-/var/lib/postgresql/data}

if [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA"
  chown postgres:postgres "$PGDATA"
  chmod 700 "$PGDATA"
  exec gosu postgres bash "$0" "$@"
fi

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  until pg_isready -q -h "$ITBOT_PRIMARY_HOST" -p 5432; do
    echo "replica: waiting for the primary at $ITBOT_PRIMARY_HOST"
    sleep 2
  done
  echo "replica: pg_basebackup from $ITBOT_PRIMARY_HOST"
  PGPASSWORD="$ITBOT_REPLICATION_PASSWORD" pg_basebackup \
    --host="$ITBOT_PRIMARY_HOST" --port=5432 --username=replicator \
    --pgdata="$PGDATA" --wal-method=stream --write-recovery-conf \
    --slot=itbot_replica --checkpoint=fast --progress
  chmod 700 "$PGDATA"
fi

# hot_standby_feedback: fewer queries cancelled by recovery conflicts (itbot retries those on the
# primary); the primary keeps rows the replica still reads a little longer.
exec postgres -D "$PGDATA" -c hot_standby=on -c hot_standby_feedback=on -c max_connections=200
