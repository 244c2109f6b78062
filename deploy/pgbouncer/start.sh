#!/bin/sh
# Renders pgbouncer.ini for one database host and writes the auth file from ITBOT_DB_PASSWORD,
# both into /tmp (a tmpfs: the container's root file system is read-only), then runs pgbouncer.
set -eu
: "${PGBOUNCER_DB_HOST:?set PGBOUNCER_DB_HOST}"
: "${ITBOT_DB_PASSWORD:?set ITBOT_DB_PASSWORD}"
here=$(dirname "$0")
run=${PGBOUNCER_RUN_DIR:-/tmp}
if [ "$(cd "$here" && pwd)" = "$(cd "$run" && pwd)" ]; then
  echo "start.sh: PGBOUNCER_RUN_DIR must not be the directory of pgbouncer.ini ($here)" >&2
  exit 2
fi
umask 077
printf '"itbot" "%s"\n' "$ITBOT_DB_PASSWORD" > "$run/userlist.txt"
sed -e "s|@DB_HOST@|$PGBOUNCER_DB_HOST|" -e "s|@DB_PORT@|${PGBOUNCER_DB_PORT:-5432}|" \
  -e "s|@LISTEN_ADDR@|${PGBOUNCER_LISTEN_ADDR:-0.0.0.0}|" -e "s|@LISTEN_PORT@|${PGBOUNCER_LISTEN_PORT:-6432}|" \
  -e "s|@AUTH_FILE@|$run/userlist.txt|" "$here/pgbouncer.ini" > "$run/pgbouncer.ini"
exec pgbouncer "$run/pgbouncer.ini"
