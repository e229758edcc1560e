#!/usr/bin/env bash
# Builds Arkloop, starts one node on embedded defaults (scratch data directory, port 19101), runs a
# benchmark scenario against it, prints the JSON report and stops the node.
#   bench/run.sh [scenario] [bench options...]     e.g. bench/run.sh api_crud --clients 200 --duration 25
# The node inherits ARKLOOP_* variables; ARKLOOP_BENCH_NODE_OPTS adds JVM options (e.g. -Xmx1g).
# ARKLOOP_BENCH_BUILD=0 uses the jars already built. After api_crud, bench/pgbench-threads.sh runs the
# same thread statements against the node's database (ARKLOOP_BENCH_PGBENCH=0 skips it).
set -euo pipefail
cd "$(dirname "$0")/.."
scenario="${1:-api_crud}"
[ $# -gt 0 ] && shift
port="${ARKLOOP_BENCH_PORT:-19101}"
metrics_port="${ARKLOOP_BENCH_METRICS_PORT:-19191}"
# the load generator is one client address: lift the per-address connection cap unless told otherwise
export ARKLOOP_MAX_CONNECTIONS_PER_IP="${ARKLOOP_MAX_CONNECTIONS_PER_IP:-0}"
export ARKLOOP_METRICS_ADDR="127.0.0.1:$metrics_port"
if [ "$scenario" = webhook_burst ]; then
  # the receiver is on loopback; the 1,000 runs of one account are all queued at once (64 worker slots)
  export ARKLOOP_WEBHOOKS_ALLOW_PRIVATE="${ARKLOOP_WEBHOOKS_ALLOW_PRIVATE:-1}"
  export ARKLOOP_MAX_CONCURRENT_RUNS_PER_ACCOUNT="${ARKLOOP_MAX_CONCURRENT_RUNS_PER_ACCOUNT:-2000}"
  export ARKLOOP_WORKER_CONCURRENCY="${ARKLOOP_WORKER_CONCURRENCY:-64}"
fi

if [ "${ARKLOOP_BENCH_BUILD:-1}" != 0 ]; then
  ./mvnw -q -B package -DskipTests
fi
data="$(mktemp -d -t arkloop-bench-XXXXXX)"
java ${ARKLOOP_BENCH_NODE_OPTS:-} -jar launcher/target/arkloop.jar --data-dir "$data" --api-addr "127.0.0.1:$port" >"$data/node.log" 2>&1 &
node=$!
stop_node() {
  kill "$node" 2>/dev/null || true
  wait "$node" 2>/dev/null || true
  rm -rf "$data"
}
trap stop_node EXIT

status=0
report="$data/report.json"
previous=""
for arg in "$@"; do [ "$previous" = --out ] && report="$arg"; previous="$arg"; done
java -jar bench/target/arkloop-bench.jar "$scenario" --url "http://127.0.0.1:$port" \
  --metrics-url "http://127.0.0.1:$metrics_port" --node-pid "$node" --out "$report" "$@" || status=$?
if [ "$scenario" = api_crud ] && [ "${ARKLOOP_BENCH_PGBENCH:-1}" != 0 ] && [ -s "$report" ]; then
  database="$(sed -n 's/.*database: \(postgresql:[^] ,]*\).*/\1/p' "$data/node.log" | head -1)"
  bench/pgbench-threads.sh "$database" "$report" >&2 || true
fi
# an event loop held too long is a bug whatever the figures say
blocked="$(grep -c 'has been blocked for' "$data/node.log" || true)"
echo "node: ${blocked} blocked-thread warnings" >&2
exit "$status"
