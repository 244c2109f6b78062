#!/usr/bin/env bash
# A rehearsal of docs/OPERATIONS.md's disaster-recovery plan on scratch PostgreSQL 15 clusters
# (initdb in a temporary directory, 127.0.0.1 only), measuring what it loses and how long it takes:
#   1. a primary with WAL archiving (archive_command cp), itbot's schema and seed tickets;
#   2. a base backup (pg_basebackup) and a streaming replica (pg_basebackup -R);
#   3. writes: batch A (committed before a recorded target time), batch B after it, then an
#      accident (DROP TABLE), and the WAL switched so the archive holds it;
#   4. a writer committing one row per transaction while the primary is killed (SIGKILL):
#      the replica is promoted; rows acknowledged to the writer but missing there are the RPO of
#      losing the primary, the promotion's wall time its RTO (failure detection not included);
#   5. point-in-time recovery of the base backup from the archive to the target time: batch A must
#      be there whole, batch B and the accident not; the wall time from copying the backup to a
#      server accepting writes is the RTO of a restore.
# Prints each check as `verified:` or `FAILED:` and exits 1 if any failed. A trap stops every
# server it started and removes the directory.
#
#   bench/dr-rehearsal.sh
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PG_BIN=$(ls -d /usr/lib/postgresql/15/bin 2>/dev/null || ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
NODE=$(command -v node)
WORK=$(mktemp -d /tmp/itbot-dr.XXXXXX)
chmod 755 "$WORK"
if [ "$(id -u)" = 0 ]; then
  chown postgres "$WORK"
  as_service() { runuser -u postgres -- "$@"; }
else
  as_service() { "$@"; }
fi
FAILED=0
say() { printf '%s\n' "$*"; }
check() { # description, then a command that must succeed
  local what=$1
  shift
  if "$@"; then say "verified: $what"; else
    say "FAILED: $what"
    FAILED=1
  fi
}
now_ms() { date +%s%3N; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

WRITER_PID=
cleanup() {
  # Every step runs whatever the one before did (the killed primary leaves a stale postmaster.pid).
  set +e
  [ -n "$WRITER_PID" ] && kill "$WRITER_PID" 2>/dev/null
  for dir in primary replica recovered; do
    [ -f "$WORK/$dir/postmaster.pid" ] && as_service "$PG_BIN/pg_ctl" -D "$WORK/$dir" -m immediate -w stop >/dev/null 2>&1
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

read -r P_PORT S_PORT R_PORT <<<"$("$NODE" -e '
  const net = require("net");
  const servers = Array.from({ length: 3 }, () => net.createServer());
  Promise.all(servers.map((s) => new Promise((ok) => s.listen(0, "127.0.0.1", () => ok(s.address().port)))))
    .then((ports) => { console.log(ports.join(" ")); servers.forEach((s) => s.close()); });')"
sql() { # port, SQL; prints rows unaligned
  PGPASSWORD=itbot "$PG_BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$1" -U itbot -d itbot -c "$2"
}
start() { as_service "$PG_BIN/pg_ctl" -D "$WORK/$1" -l "$WORK/$1.log" -o "-p $2" -w -t 120 start >/dev/null; }

say "load before: $(load)"
say "primary on $P_PORT, streaming replica on $S_PORT, point-in-time recovery on $R_PORT; archive $WORK/archive"
as_service mkdir "$WORK/archive"
printf 'itbot\n' >"$WORK/pw"
chmod 644 "$WORK/pw"
as_service "$PG_BIN/initdb" -D "$WORK/primary" -U itbot --pwfile="$WORK/pw" --auth-host=scram-sha-256 \
  --auth-local=scram-sha-256 -E UTF8 --no-instructions >"$WORK/initdb.log"
cat >>"$WORK/primary/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$WORK'
shared_buffers = 64MB
wal_level = replica
max_wal_senders = 5
archive_mode = on
archive_command = 'test ! -f $WORK/archive/%f && cp %p $WORK/archive/%f'
archive_timeout = 60
CONF
printf 'host replication itbot 127.0.0.1/32 scram-sha-256\n' >>"$WORK/primary/pg_hba.conf"
start primary "$P_PORT"
PGPASSWORD=itbot "$PG_BIN/psql" -X -q -h 127.0.0.1 -p "$P_PORT" -U itbot -d postgres -c 'CREATE DATABASE itbot'

mkdir -p "$WORK/itbot-data"
itbot() {
  env ITBOT_DATA_DIR="$WORK/itbot-data" ITBOT_BACKGROUND_SERVER=off ITBOT_USER=itbot-dr \
    DATABASE_URL="postgres://itbot:itbot@127.0.0.1:$P_PORT/itbot" "$NODE" "$REPO/bin/itbot" "$@" >>"$WORK/itbot.log" 2>&1
}
itbot migrate
itbot seed --tickets
TICKETS=$(sql "$P_PORT" 'SELECT count(*) FROM tickets')
sql "$P_PORT" 'CREATE TABLE dr_probe (id int PRIMARY KEY, batch text NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())'
sql "$P_PORT" 'CREATE TABLE dr_stream (id int PRIMARY KEY)'
say "itbot migrate + seed: $TICKETS tickets"

t0=$(now_ms)
as_service env PGPASSWORD=itbot "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$P_PORT" -U itbot \
  -D "$WORK/base" -Fp -X stream -c fast
say "base backup: $(du -sh "$WORK/base" | cut -f1) in $(($(now_ms) - t0)) ms"
as_service env PGPASSWORD=itbot "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$P_PORT" -U itbot \
  -D "$WORK/replica" -R -X stream -c fast
printf "primary_conninfo = 'host=127.0.0.1 port=%s user=itbot password=itbot application_name=dr_replica'\n" \
  "$P_PORT" >>"$WORK/replica/postgresql.auto.conf"
start replica "$S_PORT"
for _ in $(seq 1 60); do
  [ "$(sql "$P_PORT" "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")" = 1 ] && break
  sleep 0.5
done
check "the replica streams from the primary" test "$(sql "$P_PORT" "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")" = 1

# Batch A: 200 transactions; the target time is taken after the last commit, batch B starts later.
sql "$P_PORT" "DO \$\$ BEGIN FOR i IN 1..200 LOOP INSERT INTO dr_probe (id, batch) VALUES (i, 'A'); COMMIT; END LOOP; END \$\$"
TARGET=$(sql "$P_PORT" "SELECT to_char(clock_timestamp(), 'YYYY-MM-DD HH24:MI:SS.USOF')")
sleep 1.2
sql "$P_PORT" "DO \$\$ BEGIN FOR i IN 201..400 LOOP INSERT INTO dr_probe (id, batch) VALUES (i, 'B'); COMMIT; END LOOP; END \$\$"
sql "$P_PORT" 'DROP TABLE dr_probe'
SWITCHED=$(sql "$P_PORT" 'SELECT pg_walfile_name(pg_switch_wal())')
for _ in $(seq 1 60); do
  [ -f "$WORK/archive/$SWITCHED" ] && break
  sleep 0.5
done
check "the WAL segment holding batch B and the accident ($SWITCHED) is archived" test -f "$WORK/archive/$SWITCHED"
say "target time $TARGET: batch A (200 rows) before it, batch B (200 rows) and DROP TABLE dr_probe after it"

# Losing the primary: a writer commits one row per transaction (psql in autocommit acknowledges
# each with "INSERT 0 1"); the primary is killed while it writes.
(for i in $(seq 1 100000); do echo "INSERT INTO dr_stream VALUES ($i);"; done |
  PGPASSWORD=itbot "$PG_BIN/psql" -X -h 127.0.0.1 -p "$P_PORT" -U itbot -d itbot >"$WORK/acked.txt" 2>/dev/null) &
WRITER_PID=$!
sleep 3
REPLAY_GAP=$(sql "$P_PORT" "SELECT coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn), 0) FROM pg_stat_replication" || echo '?')
kill -KILL "$(head -1 "$WORK/primary/postmaster.pid")"
wait "$WRITER_PID" 2>/dev/null || true
WRITER_PID=
ACKED=$(grep -c '^INSERT 0 1' "$WORK/acked.txt" || true)
t0=$(now_ms)
as_service "$PG_BIN/pg_ctl" -D "$WORK/replica" -w -t 60 promote >/dev/null
sql "$S_PORT" 'INSERT INTO dr_stream VALUES (-1)'
PROMOTE_MS=$(($(now_ms) - t0))
PRESENT=$(sql "$S_PORT" "SELECT count(*) FROM dr_stream WHERE id BETWEEN 1 AND $ACKED")
say "primary killed after $ACKED acknowledged single-row commits (the replica was $REPLAY_GAP bytes of WAL behind in replay when sampled just before the kill)"
say "promotion: pg_ctl promote -w and a first write on the replica in $PROMOTE_MS ms; $((ACKED - PRESENT)) acknowledged rows missing"
check "the promoted replica accepts writes" test "$(sql "$S_PORT" 'SELECT pg_is_in_recovery()')" = f
check "the promoted replica holds all $TICKETS tickets" test "$(sql "$S_PORT" 'SELECT count(*) FROM tickets')" = "$TICKETS"
say "rows acknowledged but lost on promotion: $((ACKED - PRESENT)) of $ACKED (asynchronous streaming; 0 needs synchronous_commit with a synchronous standby)"

# Point-in-time recovery of the base backup, replaying the archive up to the target time.
t0=$(now_ms)
as_service cp -a "$WORK/base" "$WORK/recovered"
cat >>"$WORK/recovered/postgresql.conf" <<CONF
restore_command = 'cp $WORK/archive/%f %p'
recovery_target_time = '$TARGET'
recovery_target_action = 'promote'
archive_mode = off
CONF
as_service touch "$WORK/recovered/recovery.signal"
start recovered "$R_PORT"
for _ in $(seq 1 240); do
  [ "$(sql "$R_PORT" 'SELECT pg_is_in_recovery()' 2>/dev/null)" = f ] && break
  sleep 0.25
done
PITR_MS=$(($(now_ms) - t0))
say "point-in-time recovery: copy, replay and promotion in $PITR_MS ms ($(ls "$WORK/archive" | wc -l) archived WAL files)"
check "the recovered server is out of recovery" test "$(sql "$R_PORT" 'SELECT pg_is_in_recovery()')" = f
check "batch A is whole (200 rows committed before the target)" test "$(sql "$R_PORT" "SELECT count(*) FROM dr_probe WHERE batch = 'A'")" = 200
check "batch B (after the target) is absent" test "$(sql "$R_PORT" "SELECT count(*) FROM dr_probe WHERE batch = 'B'")" = 0
check "the accident (DROP TABLE dr_probe after the target) did not happen" test "$(sql "$R_PORT" "SELECT to_regclass('dr_probe') IS NOT NULL")" = t
check "all $TICKETS tickets are there" test "$(sql "$R_PORT" 'SELECT count(*) FROM tickets')" = "$TICKETS"
LAST_A=$(sql "$R_PORT" "SELECT to_char(max(at), 'HH24:MI:SS.MS') FROM dr_probe")
say "last recovered commit at $LAST_A, target $TARGET: nothing committed before the target is lost"
say "load after: $(load)"
exit "$FAILED"
