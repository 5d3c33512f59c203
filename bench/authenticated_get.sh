#!/usr/bin/env bash
# Authenticated GET (/api/v1/me with a bearer key: key lookup + principal) at 32 connections for
# 20 s, on SQLite and on PostgreSQL, three runs each, medians reported. In the same runs, the
# reference is /healthz (same server, same middleware, no authentication and no database), so the
# ratio says what authentication and the database cost. Also the server's resident memory idle
# and under load. Build first: cargo build --release -p tradeport
set -euo pipefail
source "$(dirname "$0")/lib.sh"
RUNS=${RUNS:-3}

measure() {
  local label=$1 url=$2
  start_server "$url"
  local idle; idle=$(rss_mib "$SERVER_PID")
  wrk_run /api/v1/me -H "Authorization: Bearer $KEY" -d3s >/dev/null   # warm-up
  : >"$WORK/me" ; : >"$WORK/ref"; : >"$WORK/rss"
  for _ in $(seq "$RUNS"); do
    ( sleep 10; rss_mib "$SERVER_PID" >>"$WORK/rss" ) &
    wrk_run /api/v1/me -H "Authorization: Bearer $KEY" >>"$WORK/me"
    wrk_run /healthz >>"$WORK/ref"
  done
  local rps p50 p99 ref
  rps=$(cut -d' ' -f1 "$WORK/me" | median); p50=$(cut -d' ' -f2 "$WORK/me" | median); p99=$(cut -d' ' -f3 "$WORK/me" | median)
  ref=$(cut -d' ' -f1 "$WORK/ref" | median)
  printf "%-10s %10s %9s %9s %12s %9s %9s %9s\n" "$label" "$rps" "$p50" "$p99" "$ref" \
    "$(awk -v a="$rps" -v b="$ref" 'BEGIN{printf "%.2f", a/b}')" "$idle" "$(median <"$WORK/rss")"
  stop_server
}

echo "load: wrk -t2 -c32 -d${DURATION:-20}s, median of $RUNS runs; machine: $(nproc) cores; $(uptime | sed 's/.*load/load/')"
printf "%-10s %10s %9s %9s %12s %9s %9s %9s\n" database "me_rps" "p50_ms" "p99_ms" "healthz_rps" "ratio" "rss_idle" "rss_load"
measure sqlite "sqlite://$WORK/bench.db?mode=rwc"
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  start_postgres
  measure postgres "$PG_URL"
fi
