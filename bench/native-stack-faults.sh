#!/usr/bin/env bash
# Load with faults through the native stack (docs/SCALING.md): `itbot bench load` through nginx
# while, one after another, an `itbot serve` is killed and restarted, the read replica stopped and
# started, pgbouncer restarted, and Redis killed and started. The bench's ticket count says
# whether anything was lost or made twice; its error column is the price of the faults.
#
#   bench/native-stack-faults.sh [seconds, default 90] [scenario, default mixed]
#
# Brings the stack up with scripts/native-stack.sh (its state dir: ITBOT_STACK_DIR) and down again.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SECONDS_TOTAL=${1:-90}
SCENARIO=${2:-mixed}
STACK="$REPO/scripts/native-stack.sh"
trap '"$STACK" down >/dev/null 2>&1 || true' EXIT

eval "$("$STACK" up)"
echo "# stack up: $ITBOT_SERVER_URL; load average $(cut -d' ' -f1-3 /proc/loadavg)"

# The faults, spread over the run (offsets in tenths of the duration).
faults() {
  local step=$((SECONDS_TOTAL / 10))
  local plan=(
    "1 kill-serve 1" "2 restart-serve 1" "3 stop-replica" "5 start-replica"
    "6 restart-pgbouncer primary" "7 kill-redis" "8 start-redis"
  )
  local elapsed=0
  for entry in "${plan[@]}"; do
    read -r at action <<<"$entry"
    sleep $((at * step - elapsed))
    elapsed=$((at * step))
    # shellcheck disable=SC2086
    if "$STACK" $action >/dev/null 2>&1; then echo "# fault at ${elapsed} s: $action"; else echo "# fault at ${elapsed} s: $action FAILED"; fi
  done
}
faults &
FAULTS=$!
set +e
node "$REPO/bin/itbot" bench load --target "$ITBOT_SERVER_URL" --token "$ITBOT_SERVER_TOKEN" \
  --scenario "$SCENARIO" --duration "${SECONDS_TOTAL}s" 2> >(grep -v '^  [0-9]*/[0-9]* s ' >&2)
CODE=$?
set -e
wait "$FAULTS"
echo "# bench exit $CODE; load average $(cut -d' ' -f1-3 /proc/loadavg)"
exit "$CODE"
