#!/usr/bin/env bash
# What pgbouncer and the cache change for one `itbot serve` on PostgreSQL 15 (docs/SCALING.md):
#   pool:  `itbot bench load --scenario mixed`, the server's DATABASE_URL straight at PostgreSQL
#          vs through pgbouncer (transaction mode, default_pool_size 20);
#   cache: `itbot bench load --scenario search` through pgbouncer with REDIS_URL at a live Redis
#          (shared cache and request limits), without REDIS_URL (the server's in-memory cache), and
#          with REDIS_URL at a closed port (every cache get misses at once: search runs every call).
# The variants alternate within each round, and each round starts a fresh `itbot serve` per
# variant, so the shared machine's load falls on all of them alike. Prints `uptime`'s load before
# and after every measurement.
#
#   bench/pool-and-cache.sh [rounds, default 3] [seconds, default 30] [concurrency, default 16]
#
# Everything runs on 127.0.0.1 in a temporary directory: a scratch PostgreSQL 15 cluster (initdb),
# pgbouncer and Redis (as the postgres user under root), and the `itbot serve` under test; the
# trap stops all of them and removes the directory.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROUNDS=${1:-3}
SECONDS_EACH=${2:-30}
CONCURRENCY=${3:-16}
PG_BIN=$(ls -d /usr/lib/postgresql/15/bin 2>/dev/null || ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
NODE=$(command -v node)
WORK=$(mktemp -d /tmp/itbot-pool-cache.XXXXXX)
chmod 755 "$WORK"
[ "$(id -u)" = 0 ] && chown postgres "$WORK"
if [ "$(id -u)" = 0 ]; then as_service() { runuser -u postgres -- "$@"; }; else as_service() { "$@"; }; fi
say() { printf '%s\n' "$*" >&2; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

SERVE_PID=
cleanup() {
  set +e
  [ -n "$SERVE_PID" ] && kill "$SERVE_PID" 2>/dev/null && wait "$SERVE_PID" 2>/dev/null
  [ -f "$WORK/pgbouncer.pid" ] && kill "$(cat "$WORK/pgbouncer.pid")" 2>/dev/null
  [ -f "$WORK/redis.pid" ] && kill "$(cat "$WORK/redis.pid")" 2>/dev/null
  [ -f "$WORK/pg/postmaster.pid" ] && as_service "$PG_BIN/pg_ctl" -D "$WORK/pg" -m fast -w stop >/dev/null 2>&1
  sleep 0.5
  rm -rf "$WORK"
}
trap cleanup EXIT

read -r PG_PORT BOUNCER_PORT REDIS_PORT SERVE_PORT CLOSED_PORT <<<"$("$NODE" -e '
  const net = require("net");
  const servers = Array.from({ length: 5 }, () => net.createServer());
  Promise.all(servers.map((s) => new Promise((ok) => s.listen(0, "127.0.0.1", () => ok(s.address().port)))))
    .then((ports) => { console.log(ports.join(" ")); servers.forEach((s) => s.close()); });')"

say "PostgreSQL 15 on $PG_PORT, pgbouncer on $BOUNCER_PORT, Redis on $REDIS_PORT, nothing on $CLOSED_PORT"
printf 'itbot\n' >"$WORK/pw" && chown postgres "$WORK/pw" 2>/dev/null || true
as_service "$PG_BIN/initdb" -D "$WORK/pg" -U itbot --pwfile="$WORK/pw" --auth-host=scram-sha-256 \
  --auth-local=scram-sha-256 -E UTF8 --no-instructions >"$WORK/initdb.log"
cat >>"$WORK/pg/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$WORK'
max_connections = 100
shared_buffers = 64MB
CONF
as_service "$PG_BIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pg.log" -o "-p $PG_PORT" -w start >/dev/null
PGPASSWORD=itbot "$PG_BIN/psql" -X -q -h 127.0.0.1 -p "$PG_PORT" -U itbot -d postgres -c 'CREATE DATABASE itbot'

printf '"itbot" "itbot"\n' >"$WORK/userlist.txt"
cat >"$WORK/pgbouncer.ini" <<CONF
[databases]
itbot = host=127.0.0.1 port=$PG_PORT dbname=itbot
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $BOUNCER_PORT
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $WORK/userlist.txt
pool_mode = transaction
default_pool_size = 20
max_client_conn = 1000
logfile = $WORK/pgbouncer.log
pidfile = $WORK/pgbouncer.pid
CONF
chown postgres "$WORK/userlist.txt" "$WORK/pgbouncer.ini" 2>/dev/null || true
as_service /usr/sbin/pgbouncer -d -q "$WORK/pgbouncer.ini"
as_service /usr/bin/redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --dir "$WORK" \
  --pidfile "$WORK/redis.pid" --logfile "$WORK/redis.log" --save '' --appendonly no \
  --maxmemory 64mb --maxmemory-policy allkeys-lru >/dev/null

DIRECT="postgres://itbot:itbot@127.0.0.1:$PG_PORT/itbot"
BOUNCED="postgres://itbot:itbot@127.0.0.1:$BOUNCER_PORT/itbot"
TOKEN=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
mkdir -p "$WORK/data"
itbot_env=(ITBOT_DATA_DIR="$WORK/data" ITBOT_BACKGROUND_SERVER=off ITBOT_USER=itbot-bench)
say "itbot migrate, reindex, seed --tickets"
for step in migrate reindex "seed --tickets"; do
  # shellcheck disable=SC2086
  env "${itbot_env[@]}" DATABASE_URL="$DIRECT" "$NODE" "$REPO/bin/itbot" $step >>"$WORK/setup.log" 2>&1
done

# measure LABEL SCENARIO DATABASE_URL [REDIS_URL]
measure() {
  local label=$1 scenario=$2 url=$3 redis=${4:-}
  env "${itbot_env[@]}" DATABASE_URL="$url" ${redis:+REDIS_URL="$redis"} ITBOT_SERVER_TOKENS="$TOKEN" \
    ITBOT_DB_POOL_MAX=10 "$NODE" "$REPO/bin/itbot" serve --listen "127.0.0.1:$SERVE_PORT" --rate 1000000 \
    >>"$WORK/serve.log" 2>&1 &
  SERVE_PID=$!
  for _ in $(seq 1 120); do
    curl -fs "http://127.0.0.1:$SERVE_PORT/readyz" >/dev/null 2>&1 && break
    sleep 0.5
  done
  local before json
  before=$(load)
  json=$("$NODE" "$REPO/bin/itbot" bench load --target "http://127.0.0.1:$SERVE_PORT" --token "$TOKEN" \
    --scenario "$scenario" --duration "${SECONDS_EACH}s" --concurrency "$CONCURRENCY" --json 2>/dev/null || true)
  printf '%s' "$json" | "$NODE" -e '
      let text = ""; process.stdin.on("data", (c) => (text += c)).on("end", () => {
        const [label, before, after] = process.argv.slice(1);
        const r = JSON.parse(text), t = r.total, lost = r.tickets ? ` tickets lost ${r.tickets.lost} dup ${r.tickets.duplicated}` : "";
        const ops = Object.entries(r.operations).map(([n, o]) => `${n} ${o.calls}/${o.p50}/${o.p95}`).join(" ");
        console.log(`${label.padEnd(20)} ${t.calls} calls ${t.rps}/s p50 ${t.p50} p95 ${t.p95} p99 ${t.p99} ms errors ${(t.errors * 100).toFixed(1)}%${lost} | ${ops} | load ${before} -> ${after}`);
      });' "$label" "$before" "$(load)"
  # What the cache did: hits and misses of the search cache, from the server's own counter.
  curl -fs -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$SERVE_PORT/metrics" |
    awk '/^itbot_cache_requests_total/ { sub(/.*result="/, ""); sub(/"}/, ""); printf "  cache %s %s", $1, $2 } END { print "" }'
  kill "$SERVE_PID" 2>/dev/null
  wait "$SERVE_PID" 2>/dev/null || true
  SERVE_PID=
}

say "format: calls, per second, p50/p95/p99 over all calls; per operation calls/p50/p95; 1/5/15-min load"
for round in $(seq 1 "$ROUNDS"); do
  say "round $round"
  measure "mixed direct" mixed "$DIRECT"
  measure "mixed pgbouncer" mixed "$BOUNCED"
  measure "search redis" search "$BOUNCED" "redis://127.0.0.1:$REDIS_PORT"
  measure "search memory-cache" search "$BOUNCED"
  measure "search no-cache" search "$BOUNCED" "redis://127.0.0.1:$CLOSED_PORT"
done
