#!/usr/bin/env bash
# Throughput through nginx with 1, 2 and 3 `itbot serve` replicas on the native stack (PostgreSQL 15
# via pgbouncer, Redis), one `itbot bench load` per size (docs/SCALING.md).
#
#   bench/native-stack-replicas.sh [seconds, default 30] [scenario, default mixed] [concurrency, default 16]
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SECONDS_EACH=${1:-30}
SCENARIO=${2:-mixed}
CONCURRENCY=${3:-16}
STACK="$REPO/scripts/native-stack.sh"
trap '"$STACK" down >/dev/null 2>&1 || true' EXIT

for replicas in 1 2 3; do
  eval "$(ITBOT_STACK_SERVES=$replicas "$STACK" up 2>/dev/null)"
  before=$(cut -d' ' -f1 /proc/loadavg)
  node "$REPO/bin/itbot" bench load --target "$ITBOT_SERVER_URL" --token "$ITBOT_SERVER_TOKEN" \
    --scenario "$SCENARIO" --duration "${SECONDS_EACH}s" --concurrency "$CONCURRENCY" --json 2>/dev/null |
    node -e '
      let text = ""; process.stdin.on("data", (c) => (text += c)).on("end", () => {
        const r = JSON.parse(text), t = r.total;
        console.log(`replicas ${process.argv[1]}: ${t.calls} calls, ${t.rps}/s, p50 ${t.p50} ms, p95 ${t.p95} ms, p99 ${t.p99} ms, errors ${(t.errors * 100).toFixed(1)} %, tickets lost ${r.tickets?.lost ?? "-"} duplicated ${r.tickets?.duplicated ?? "-"}, load ${process.argv[2]}→${require("fs").readFileSync("/proc/loadavg", "utf8").split(" ")[0]}`);
      });' "$replicas" "$before"
  "$STACK" down >/dev/null 2>&1
done
