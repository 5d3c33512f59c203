# Shared helpers of the benchmark scripts: a throwaway PostgreSQL, a Tradeport server, wrk runs.
# Source it; it needs wrk, and PostgreSQL's binaries for the PostgreSQL runs.

BIN=${TRADEPORT_BIN:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/target/release/tradeport}
WORK=$(mktemp -d /tmp/tradeport-bench.XXXXXX)
chmod 755 "$WORK"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  if [ -n "${PGDATA_DIR:-}" ]; then $AS_PG "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -m immediate stop >/dev/null 2>&1; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Starts PostgreSQL in $WORK/pg; sets PG_URL.
start_postgres() {
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  AS_PG=""; [ "$(id -u)" -eq 0 ] && AS_PG="runuser -u postgres --"
  mkdir -p "$WORK/pg"; [ -n "$AS_PG" ] && chown postgres "$WORK/pg"
  PGDATA_DIR="$WORK/pg/data"
  $AS_PG "$PGBIN/initdb" -D "$PGDATA_DIR" -A trust -U postgres --no-instructions >/dev/null
  local port; port=$(free_port)
  $AS_PG "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -l "$WORK/pg/log" -w \
    -o "-p $port -k $WORK/pg -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
  PG_URL="postgres://postgres@127.0.0.1:$port/postgres"
}

# start_server DATABASE_URL: serves the demo data; sets SERVER_PID, BASE and KEY.
start_server() {
  local port; port=$(free_port)
  ( cd "$WORK" && TRADEPORT_LOG=warn exec "$BIN" --database-url "$1" serve --demo --bind "127.0.0.1:$port" >"$WORK/serve.log" 2>&1 ) &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  BASE="http://127.0.0.1:$port"
  for _ in $(seq 100); do curl -fs "$BASE/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
  KEY=$(awk '$1=="pacific-bridge"{print $3}' "$WORK/tradeport-demo-keys.txt")
}

stop_server() { kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null; }

rss_mib() { awk '/VmRSS/{printf "%.1f\n", $2/1024}' "/proc/$1/status"; }

# wrk_run PATH [extra wrk args]: prints "rps p50_ms p99_ms".
wrk_run() {
  local path=$1; shift
  wrk -t2 -c32 -d"${DURATION:-20}"s --latency "$@" "$BASE$path" | awk '
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    /Requests\/sec/ { rps=$2 } / 50%/ { p50=ms($2) } / 99%/ { p99=ms($2) }
    END { printf "%.0f %.2f %.2f\n", rps, p50, p99 }'
}

median() { sort -n | awk '{a[NR]=$1} END { print a[int((NR+1)/2)] }'; }
