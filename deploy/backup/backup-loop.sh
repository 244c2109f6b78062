#!/usr/bin/env bash
# Scheduled backups for the compose stack: pg_dump in custom format (pg_restore-able, compressed)
# every BACKUP_INTERVAL_SECONDS, straight from the primary (not through pgbouncer), keeping
# BACKUP_RETENTION_DAYS days. `--check` is the health check: the newest dump is recent enough.
# `--once` takes one backup, prunes, and exits with pg_dump's status (for cron, and the tests).
set -euo pipefail
dir=${BACKUP_DIR:?set BACKUP_DIR}
interval=${BACKUP_INTERVAL_SECONDS:-86400}
retention_days=${BACKUP_RETENTION_DAYS:-14}

if [ "${1:-}" = --check ]; then
  # Healthy while the newest dump is younger than one interval plus an hour of slack.
  max_age_minutes=$(( interval / 60 + 60 ))
  find "$dir" -maxdepth 1 -name 'itbot-*.dump' -mmin "-$max_age_minutes" | grep -q .
  exit
fi

mkdir -p "$dir"
backup_once() {
  local stamp target
  stamp=$(date -u +%Y%m%dT%H%M%SZ)
  target="$dir/itbot-$stamp.dump"
  # Written under a temporary name and renamed: a dump cut short never looks like a backup.
  if pg_dump --format=custom --compress=6 --file="$target.partial"; then
    mv "$target.partial" "$target"
    echo "backup: wrote $target ($(du -h "$target" | cut -f1))"
    # Old dumps go only after a new one is safely written.
    find "$dir" -maxdepth 1 -name 'itbot-*.dump' -mtime "+$retention_days" -print -delete
  else
    rm -f "$target.partial"
    echo "backup: pg_dump failed" >&2
    return 1
  fi
}

if [ "${1:-}" = --once ]; then
  backup_once
  exit
fi

while true; do
  backup_once || echo "backup: the next try is in ${interval}s" >&2
  sleep "$interval"
done
