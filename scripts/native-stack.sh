#!/usr/bin/env bash
# The production topology from Debian's packages, as plain processes on loopback: a PostgreSQL 15
# primary and a streaming replica (pg_basebackup -R), pgbouncer in transaction mode in front of
# each, Redis, N `itbot serve` replicas behind nginx (round robin), and Prometheus scraping them
# with the alert rules loaded. No Docker engine needed. Debian has no pgvector for PostgreSQL 15,
# so knowledge search runs on full text here.
#
#   scripts/native-stack.sh up          start everything; prints ITBOT_SERVER_URL=, ITBOT_SERVER_TOKEN=, PROMETHEUS_URL=
#   scripts/native-stack.sh down        stop everything it started (idempotent; logs stay in the state dir)
#   scripts/native-stack.sh status      each service, its pid and whether it runs
#   faults, for load tests:  kill-serve N | restart-serve N | stop-replica | start-replica |
#                            restart-pgbouncer [primary|replica] | kill-redis | start-redis
#
# Settings: ITBOT_STACK_DIR (state, default /tmp/itbot-native-stack), ITBOT_STACK_SERVES (2–3,
# default 3), ITBOT_STACK_ALERTS (a rule file; default deploy/prometheus/alerts.yml if present,
# else deploy/native/alerts-placeholder.yml), ITBOT_STACK_NGINX_CONF (default
# deploy/nginx/nginx.conf if present, else deploy/native/nginx.conf.template),
# ITBOT_STACK_RATE (requests/minute per token).
# Under root the databases, poolers, Redis, nginx and Prometheus run as the postgres user
# (PostgreSQL and pgbouncer refuse root); the itbot processes run as the caller.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE=${ITBOT_STACK_DIR:-/tmp/itbot-native-stack}
SERVES=${ITBOT_STACK_SERVES:-3}
RATE=${ITBOT_STACK_RATE:-100000}
PG_BIN=${ITBOT_STACK_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
PGBOUNCER=$(command -v pgbouncer || echo /usr/sbin/pgbouncer)
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
PROMETHEUS=$(command -v prometheus || echo /usr/bin/prometheus)
REDIS=$(command -v redis-server || echo /usr/bin/redis-server)
NODE=${ITBOT_STACK_NODE:-$(command -v node)}
# Every path below is absolute; a neutral working directory keeps the service user's tools quiet.
cd /

if [ "$(id -u)" = 0 ]; then
  RUN_USER=${ITBOT_STACK_USER:-postgres}
  as_service() { runuser -u "$RUN_USER" -- "$@"; }
else
  RUN_USER=$(id -un)
  as_service() { "$@"; }
fi

say() { printf 'native-stack: %s\n' "$*" >&2; }
die() {
  say "$*"
  exit 1
}

# --- state -----------------------------------------------------------------------------------------
pidfile() { echo "$STATE/run/$1.pid"; }
pid_of() { [ -f "$(pidfile "$1")" ] && head -1 "$(pidfile "$1")" 2>/dev/null || true; }
alive() {
  local pid
  pid=$(pid_of "$1")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}
load_env() {
  [ -f "$STATE/ports.env" ] || die "no stack in $STATE (run: $0 up)"
  # shellcheck disable=SC1091
  . "$STATE/ports.env"
}

log_tail() {
  local file=$STATE/logs/$1.log
  if [ -f "$file" ]; then
    say "last lines of $file:"
    tail -n 30 "$file" >&2 || true
  fi
}

# Polls `check` (a shell function) until it succeeds or `seconds` pass; on timeout shows the
# service's log, stops the whole stack and fails.
wait_for() {
  local name=$1 seconds=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then
      say "$name did not become healthy within ${seconds}s"
      log_tail "$name"
      # `up` leaves nothing half-started behind; a fault command leaves the rest of the stack be.
      [ "${STARTING:-}" = 1 ] && down_all >/dev/null 2>&1
      exit 1
    fi
    sleep 0.5
  done
}

free_ports() {
  "$NODE" -e '
    const net = require("net");
    const n = Number(process.argv[1]);
    const servers = Array.from({ length: n }, () => net.createServer());
    Promise.all(servers.map((s) => new Promise((ok) => s.listen(0, "127.0.0.1", () => ok(s.address().port)))))
      .then((ports) => { console.log(ports.join(" ")); servers.forEach((s) => s.close()); });
  ' "$1"
}

# GET a URL (optionally with a bearer token); prints the body, fails on a non-2xx status.
http_get() {
  "$NODE" -e '
    const [url, token] = process.argv.slice(1);
    fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(5000) })
      .then(async (r) => { const body = await r.text(); process.stdout.write(body); process.exit(r.ok ? 0 : 1); })
      .catch(() => process.exit(1));
  ' "$1" "${2:-}"
}

random_hex() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }

itbot() { "$NODE" "$REPO/bin/itbot" "$@"; }

# --- services --------------------------------------------------------------------------------------
pg_ready() { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$1"; }
psql_at() {
  local port=$1
  shift
  PGPASSWORD=$PG_PASSWORD "$PG_BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U itbot "$@"
}

start_pg() { # name port
  as_service "$PG_BIN/pg_ctl" -D "$STATE/$1" -l "$STATE/logs/$1.log" -o "-p $2" -w -t 60 start >/dev/null
}
stop_pg() { # name
  [ -f "$STATE/$1/postmaster.pid" ] || return 0
  as_service "$PG_BIN/pg_ctl" -D "$STATE/$1" -m fast -w -t 30 stop >/dev/null 2>&1 ||
    as_service "$PG_BIN/pg_ctl" -D "$STATE/$1" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
}

init_primary() {
  printf '%s\n' "$PG_PASSWORD" >"$STATE/secrets/pg-password"
  chmod 600 "$STATE/secrets/pg-password"
  chown "$RUN_USER" "$STATE/secrets/pg-password"
  as_service "$PG_BIN/initdb" -D "$STATE/pg-primary" -U itbot --pwfile="$STATE/secrets/pg-password" \
    --auth-local=scram-sha-256 --auth-host=scram-sha-256 -E UTF8 --no-instructions >"$STATE/logs/pg-primary.log" 2>&1
  cat >>"$STATE/pg-primary/postgresql.conf" <<CONF
# native-stack
listen_addresses = '127.0.0.1'
unix_socket_directories = '$STATE/run'
shared_buffers = 64MB
max_connections = 100
wal_level = replica
max_wal_senders = 5
wal_keep_size = 256MB
hot_standby = on
# A search the replica cannot finish before replaying WAL is cancelled quickly and retried on
# the primary (itbot_store_read_fallbacks_total{reason="recovery_conflict"}).
max_standby_streaming_delay = 1s
CONF
  printf 'host replication itbot 127.0.0.1/32 scram-sha-256\n' >>"$STATE/pg-primary/pg_hba.conf"
}

init_replica() {
  as_service env PGPASSWORD="$PG_PASSWORD" "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$PG_PRIMARY_PORT" -U itbot \
    -D "$STATE/pg-replica" -R -X stream -c fast >>"$STATE/logs/pg-replica.log" 2>&1
  # -R wrote standby.signal and a primary_conninfo; the password goes in explicitly (the file is 0600).
  cat >>"$STATE/pg-replica/postgresql.auto.conf" <<CONF
primary_conninfo = 'host=127.0.0.1 port=$PG_PRIMARY_PORT user=itbot password=$PG_PASSWORD application_name=itbot_replica'
CONF
}

write_pgbouncer() { # name backend-port listen-port
  cat >"$STATE/$1.ini" <<CONF
[databases]
itbot = host=127.0.0.1 port=$2 dbname=itbot
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $3
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $STATE/secrets/userlist.txt
admin_users = itbot
pool_mode = transaction
default_pool_size = 20
max_client_conn = 1000
server_login_retry = 1
server_connect_timeout = 3
query_wait_timeout = 30
logfile = $STATE/logs/$1.log
pidfile = $STATE/run/$1.pid
CONF
  chown "$RUN_USER" "$STATE/$1.ini"
}
start_pgbouncer() { as_service "$PGBOUNCER" -d -q "$STATE/$1.ini"; }
pgbouncer_ready() { PGPASSWORD=$PG_PASSWORD "$PG_BIN/psql" -X -q -At -h 127.0.0.1 -p "$1" -U itbot -d itbot -c 'SELECT 1'; }

start_redis() {
  as_service "$REDIS" --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --dir "$STATE/redis" \
    --pidfile "$(pidfile redis)" --logfile "$STATE/logs/redis.log" --save '' --appendonly no \
    --maxmemory 64mb --maxmemory-policy allkeys-lru >/dev/null
}
redis_ready() { "$NODE" -e '
  const s = require("net").connect(Number(process.argv[1]), "127.0.0.1", () => s.write("PING\r\n"));
  s.on("data", (d) => process.exit(String(d).startsWith("+PONG") ? 0 : 1)); s.on("error", () => process.exit(1));
  setTimeout(() => process.exit(1), 2000);' "$REDIS_PORT"; }

serve_port() { local ports=($SERVE_PORTS) && echo "${ports[$(($1 - 1))]}"; }
start_serve() { # N
  local port
  port=$(serve_port "$1")
  (
    cd "$STATE"
    DATABASE_URL="postgres://itbot:$PG_PASSWORD@127.0.0.1:$PGBOUNCER_PRIMARY_PORT/itbot" \
      DATABASE_READ_URL="postgres://itbot:$PG_PASSWORD@127.0.0.1:$PGBOUNCER_REPLICA_PORT/itbot" \
      REDIS_URL="redis://127.0.0.1:$REDIS_PORT" \
      ITBOT_SERVER_TOKENS="$TOKEN" ITBOT_DATA_DIR="$STATE/itbot-data" ITBOT_BACKGROUND_SERVER=off \
      ITBOT_USER=itbot-stack ITBOT_DB_POOL_MAX=10 \
      nohup "$NODE" "$REPO/bin/itbot" serve --listen "127.0.0.1:$port" --rate "$RATE" \
      >>"$STATE/logs/serve-$1.log" 2>&1 </dev/null &
    echo $! >"$(pidfile "serve-$1")"
  )
}
serve_ready() { http_get "http://127.0.0.1:$(serve_port "$1")/readyz"; }

# The deployment's own nginx.conf (deploy/nginx/, shared with compose) when the checkout has it,
# with its container paths moved into the state dir and the upstream list generated beside it;
# otherwise deploy/native/nginx.conf.template.
nginx_conf_source() { echo "${ITBOT_STACK_NGINX_CONF:-$REPO/deploy/nginx/nginx.conf}"; }
write_nginx() {
  local upstreams='' n
  for n in $(seq 1 "$SERVES"); do
    upstreams+="        server 127.0.0.1:$(serve_port "$n") max_fails=3 fail_timeout=10s;"$'\n'
  done
  mkdir -p "$STATE/nginx"/{client_body,proxy,fastcgi,uwsgi,scgi}
  local source template=$REPO/deploy/native/nginx.conf.template
  source=$(nginx_conf_source)
  if [ -f "$source" ]; then
    printf 'upstream itbot {\n%s        keepalive 32;\n}\n' "$upstreams" >"$STATE/nginx/itbot-upstream.conf"
    STATE_DIR=$STATE NGINX_PORT=$NGINX_PORT "$NODE" -e '
      const fs = require("fs");
      const { STATE_DIR: state, NGINX_PORT: port } = process.env;
      const text = fs.readFileSync(process.argv[1], "utf8")
        .replaceAll("/tmp/", `${state}/nginx/`)
        .replace(/^(\s*)pid \S+;/m, `$1pid ${state}/run/nginx.pid;`)
        .replace(/^(\s*)error_log stderr/m, `$1error_log ${state}/logs/nginx-error.log`)
        .replace(/access_log \/dev\/stdout/g, `access_log ${state}/logs/nginx-access.log`)
        .replace(/^(\s*)listen \d+;/m, `$1listen 127.0.0.1:${port};`);
      fs.writeFileSync(process.argv[2], text);' "$source" "$STATE/nginx/nginx.conf"
  else
    STATE_DIR=$STATE NGINX_PORT=$NGINX_PORT UPSTREAMS=${upstreams%$'\n'} "$NODE" -e '
      const fs = require("fs");
      const text = fs.readFileSync(process.argv[1], "utf8")
        .replaceAll("@STATE@", process.env.STATE_DIR).replaceAll("@PORT@", process.env.NGINX_PORT)
        .replace("@UPSTREAMS@", process.env.UPSTREAMS);
      fs.writeFileSync(process.argv[2], text);' "$template" "$STATE/nginx/nginx.conf"
  fi
  chown -R "$RUN_USER" "$STATE/nginx"
}
start_nginx() { as_service "$NGINX" -p "$STATE/nginx" -c "$STATE/nginx/nginx.conf" -e "$STATE/logs/nginx-error.log"; }

alerts_file() {
  if [ -n "${ITBOT_STACK_ALERTS:-}" ]; then
    echo "$ITBOT_STACK_ALERTS"
  elif [ -f "$REPO/deploy/prometheus/alerts.yml" ]; then
    echo "$REPO/deploy/prometheus/alerts.yml"
  else
    echo "$REPO/deploy/native/alerts-placeholder.yml"
  fi
}
write_prometheus() {
  local targets='' n
  for n in $(seq 1 "$SERVES"); do targets+="'127.0.0.1:$(serve_port "$n")', "; done
  mkdir -p "$STATE/prometheus/data"
  cp "$(alerts_file)" "$STATE/prometheus/alerts.yml"
  cat >"$STATE/prometheus/prometheus.yml" <<CONF
global:
  scrape_interval: 5s
  evaluation_interval: 5s
rule_files:
  - $STATE/prometheus/alerts.yml
scrape_configs:
  - job_name: itbot
    authorization:
      credentials_file: $STATE/secrets/token
    static_configs:
      - targets: [${targets%, }]
CONF
  chown -R "$RUN_USER" "$STATE/prometheus"
}
start_prometheus() {
  # The shell records its own pid and becomes Prometheus, so the pid file names Prometheus itself
  # (not runuser's).
  as_service sh -c 'echo $$ >"$1"; shift; exec "$@"' sh "$(pidfile prometheus)" \
    "$PROMETHEUS" --config.file="$STATE/prometheus/prometheus.yml" \
    --storage.tsdb.path="$STATE/prometheus/data" --web.listen-address="127.0.0.1:$PROMETHEUS_PORT" \
    >>"$STATE/logs/prometheus.log" 2>&1 </dev/null &
  disown
}
# Every itbot target up, and at least one rule group loaded, by Prometheus' own API.
prometheus_targets_up() {
  http_get "http://127.0.0.1:$PROMETHEUS_PORT/api/v1/targets?state=active" | "$NODE" -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
      const t = JSON.parse(s).data.activeTargets.filter((x) => x.labels.job === "itbot");
      process.exit(t.length === Number(process.argv[1]) && t.every((x) => x.health === "up") ? 0 : 1);
    });' "$SERVES"
}
prometheus_rules_loaded() {
  http_get "http://127.0.0.1:$PROMETHEUS_PORT/api/v1/rules" | "$NODE" -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
      const groups = JSON.parse(s).data.groups;
      process.exit(groups.length > 0 && groups.every((g) => g.rules.length > 0) ? 0 : 1);
    });'
}

# --- stopping --------------------------------------------------------------------------------------
stop_pid() { # name [signal]
  local pid
  pid=$(pid_of "$1")
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -"${2:-TERM}" "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.25
    done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$(pidfile "$1")"
}

down_all() {
  [ -d "$STATE/run" ] || return 0
  # Front to back: the balancer and the servers first (signalled together, then waited for), the
  # databases last, so nothing in flight meets a missing database.
  local f names=(prometheus nginx)
  for f in "$STATE"/run/serve-*.pid; do
    [ -e "$f" ] && names+=("$(basename "$f" .pid)")
  done
  local name pid
  for name in "${names[@]}"; do
    pid=$(pid_of "$name")
    [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null || true
  done
  for name in "${names[@]}"; do stop_pid "$name"; done
  stop_pid pgbouncer-primary
  stop_pid pgbouncer-replica
  stop_pid redis
  stop_pg pg-replica
  stop_pg pg-primary
}

# --- commands --------------------------------------------------------------------------------------
cmd_up() {
  for tool in "$PG_BIN/initdb" "$PG_BIN/pg_basebackup" "$PGBOUNCER" "$NGINX" "$PROMETHEUS" "$REDIS" "$NODE"; do
    [ -x "$tool" ] || die "missing $tool (apt-get install postgresql pgbouncer nginx prometheus redis-server)"
  done
  [ -f "$REPO/dist/src/cli/main.js" ] || die "itbot is not built: run npm run build in $REPO"
  if [ -f "$STATE/ports.env" ]; then
    load_env
    for service in pgbouncer-primary pgbouncer-replica redis prometheus nginx $(cd "$STATE/run" 2>/dev/null && ls serve-*.pid 2>/dev/null | sed 's/\.pid$//'); do
      alive "$service" && die "a stack is already running in $STATE (run: $0 down)"
    done
    local postmaster
    postmaster=$(head -1 "$STATE/pg-primary/postmaster.pid" 2>/dev/null || true)
    [ -n "$postmaster" ] && kill -0 "$postmaster" 2>/dev/null && die "a stack is already running in $STATE (run: $0 down)"
  fi
  rm -rf "$STATE"
  STARTING=1
  mkdir -p "$STATE"/{run,logs,secrets,redis,itbot-data}
  chmod 700 "$STATE/secrets"
  # Written first by this shell, then appended to by pg_ctl as the service user.
  touch "$STATE/logs/pg-primary.log" "$STATE/logs/pg-replica.log"
  chown -R "$RUN_USER" "$STATE"
  chmod 755 "$STATE"
  as_service test -w "$STATE" || die "$RUN_USER cannot reach $STATE: choose an ITBOT_STACK_DIR it can (e.g. under /tmp)"
  cd "$STATE"

  local ports
  read -r -a ports <<<"$(free_ports $((7 + SERVES)))"
  PG_PASSWORD=$(random_hex 16)
  TOKEN=$(random_hex 24)
  cat >"$STATE/ports.env" <<ENV
PG_PRIMARY_PORT=${ports[0]}
PG_REPLICA_PORT=${ports[1]}
PGBOUNCER_PRIMARY_PORT=${ports[2]}
PGBOUNCER_REPLICA_PORT=${ports[3]}
REDIS_PORT=${ports[4]}
NGINX_PORT=${ports[5]}
PROMETHEUS_PORT=${ports[6]}
SERVE_PORTS="${ports[*]:7}"
SERVES=$SERVES
PG_PASSWORD=$PG_PASSWORD
TOKEN=$TOKEN
ENV
  chmod 600 "$STATE/ports.env"
  load_env
  printf '%s\n' "$TOKEN" >"$STATE/secrets/token"
  printf '"itbot" "%s"\n' "$PG_PASSWORD" >"$STATE/secrets/userlist.txt"
  chmod 600 "$STATE/secrets/token" "$STATE/secrets/userlist.txt"
  chown "$RUN_USER" "$STATE/secrets/token" "$STATE/secrets/userlist.txt"

  say "PostgreSQL primary on $PG_PRIMARY_PORT"
  init_primary
  start_pg pg-primary "$PG_PRIMARY_PORT" || {
    log_tail pg-primary
    down_all
    exit 1
  }
  wait_for pg-primary 60 pg_ready "$PG_PRIMARY_PORT"
  psql_at "$PG_PRIMARY_PORT" -d postgres -c 'CREATE DATABASE itbot'

  say "streaming replica on $PG_REPLICA_PORT (pg_basebackup -R)"
  init_replica || {
    log_tail pg-replica
    down_all
    exit 1
  }
  start_pg pg-replica "$PG_REPLICA_PORT" || {
    log_tail pg-replica
    down_all
    exit 1
  }
  wait_for pg-replica 60 pg_ready "$PG_REPLICA_PORT"
  replica_streams() { [ "$(psql_at "$PG_PRIMARY_PORT" -d postgres -c "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")" -ge 1 ]; }
  wait_for pg-replica 60 replica_streams

  say "pgbouncer (transaction mode) on $PGBOUNCER_PRIMARY_PORT (primary) and $PGBOUNCER_REPLICA_PORT (replica)"
  write_pgbouncer pgbouncer-primary "$PG_PRIMARY_PORT" "$PGBOUNCER_PRIMARY_PORT"
  write_pgbouncer pgbouncer-replica "$PG_REPLICA_PORT" "$PGBOUNCER_REPLICA_PORT"
  start_pgbouncer pgbouncer-primary
  start_pgbouncer pgbouncer-replica
  wait_for pgbouncer-primary 30 pgbouncer_ready "$PGBOUNCER_PRIMARY_PORT"
  wait_for pgbouncer-replica 30 pgbouncer_ready "$PGBOUNCER_REPLICA_PORT"

  say "Redis on $REDIS_PORT"
  start_redis
  wait_for redis 20 redis_ready

  say "itbot migrate (directly on the primary), reindex and seed (through pgbouncer)"
  local direct="postgres://itbot:$PG_PASSWORD@127.0.0.1:$PG_PRIMARY_PORT/itbot"
  local bounced="postgres://itbot:$PG_PASSWORD@127.0.0.1:$PGBOUNCER_PRIMARY_PORT/itbot"
  local itbot_env=(ITBOT_DATA_DIR="$STATE/itbot-data" ITBOT_BACKGROUND_SERVER=off ITBOT_USER=itbot-stack)
  if ! env "${itbot_env[@]}" DATABASE_URL="$direct" "$NODE" "$REPO/bin/itbot" migrate >>"$STATE/logs/itbot-setup.log" 2>&1 ||
    ! env "${itbot_env[@]}" DATABASE_URL="$bounced" "$NODE" "$REPO/bin/itbot" reindex >>"$STATE/logs/itbot-setup.log" 2>&1 ||
    ! env "${itbot_env[@]}" DATABASE_URL="$bounced" "$NODE" "$REPO/bin/itbot" seed --tickets >>"$STATE/logs/itbot-setup.log" 2>&1; then
    say "itbot set-up failed"
    log_tail itbot-setup
    down_all
    exit 1
  fi

  say "$SERVES itbot serve replicas on ${SERVE_PORTS// /, }"
  local n
  for n in $(seq 1 "$SERVES"); do start_serve "$n"; done
  for n in $(seq 1 "$SERVES"); do wait_for "serve-$n" 60 serve_ready "$n"; done

  say "nginx on $NGINX_PORT (from $([ -f "$(nginx_conf_source)" ] && nginx_conf_source || echo "$REPO/deploy/native/nginx.conf.template"))"
  write_nginx
  start_nginx || {
    log_tail nginx-error
    down_all
    exit 1
  }
  wait_for nginx-error 20 http_get "http://127.0.0.1:$NGINX_PORT/readyz"

  say "Prometheus on $PROMETHEUS_PORT (rules: $(alerts_file))"
  write_prometheus
  start_prometheus
  wait_for prometheus 60 http_get "http://127.0.0.1:$PROMETHEUS_PORT/-/ready"
  wait_for prometheus 60 prometheus_targets_up
  wait_for prometheus 30 prometheus_rules_loaded

  {
    echo "ITBOT_SERVER_URL=http://127.0.0.1:$NGINX_PORT"
    echo "ITBOT_SERVER_TOKEN=$TOKEN"
    echo "PROMETHEUS_URL=http://127.0.0.1:$PROMETHEUS_PORT"
  } >"$STATE/stack.env"
  chmod 600 "$STATE/stack.env"
  cat "$STATE/stack.env"
}

cmd_status() {
  load_env
  local service state
  for service in pg-primary pg-replica pgbouncer-primary pgbouncer-replica redis $(for n in $(seq 1 "$SERVES"); do echo "serve-$n"; done) nginx prometheus; do
    case $service in
      pg-*) pid=$(head -1 "$STATE/$service/postmaster.pid" 2>/dev/null || true) ;;
      *) pid=$(pid_of "$service") ;;
    esac
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then state=running; else state=stopped; fi
    printf '%-18s %-8s %s\n' "$service" "$state" "${pid:--}"
  done
}

main() {
  local command=${1:-}
  shift || true
  case $command in
    up) cmd_up ;;
    down)
      [ -f "$STATE/ports.env" ] && load_env
      down_all
      say "stopped (state and logs kept in $STATE)"
      ;;
    status) cmd_status ;;
    kill-serve)
      load_env
      stop_pid "serve-${1:?which serve (1..$SERVES)}" KILL
      ;;
    restart-serve)
      load_env
      stop_pid "serve-${1:?which serve (1..$SERVES)}"
      start_serve "$1"
      wait_for "serve-$1" 60 serve_ready "$1"
      ;;
    stop-replica)
      load_env
      stop_pg pg-replica
      ;;
    start-replica)
      load_env
      cd "$STATE"
      start_pg pg-replica "$PG_REPLICA_PORT"
      wait_for pg-replica 60 pg_ready "$PG_REPLICA_PORT"
      ;;
    restart-pgbouncer)
      load_env
      cd "$STATE"
      local which=${1:-primary} port
      port=$([ "$which" = replica ] && echo "$PGBOUNCER_REPLICA_PORT" || echo "$PGBOUNCER_PRIMARY_PORT")
      stop_pid "pgbouncer-$which"
      start_pgbouncer "pgbouncer-$which"
      wait_for "pgbouncer-$which" 30 pgbouncer_ready "$port"
      ;;
    kill-redis)
      load_env
      stop_pid redis KILL
      ;;
    start-redis)
      load_env
      cd "$STATE"
      start_redis
      wait_for redis 20 redis_ready
      ;;
    *)
      sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//' >&2
      exit 2
      ;;
  esac
}

main "$@"
