#!/usr/bin/env bash
# What the gateway costs: builds the jars, starts one embedded node with its gateway (request limits
# lifted), and runs GatewayBench: AuthBench's jwt request direct and through the gateway in alternating
# rounds, at saturation and at a fixed offered load, then SSE runs followed both ways at once. Prints one
# JSON object per part and a summary. Extra arguments go to GatewayBench, e.g.
#   bench/gateway-bench.sh --concurrency 16 --seconds 10 --rounds 3 --rate 2000 --sse-clients 4 --parts saturation
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${ARKLOOP_BENCH_BUILD:-1}" != 0 ]; then
  ./mvnw -q -B package -DskipTests -pl launcher,bench -am
fi
source bench/lib.sh
PORT=${ARKLOOP_BENCH_PORT:-19091}
GATEWAY_PORT=${ARKLOOP_BENCH_GATEWAY_PORT:-19092}
start_node "http://127.0.0.1:$GATEWAY_PORT/readyz" ARKLOOP_API_ADDR="127.0.0.1:$PORT" \
  ARKLOOP_GATEWAY_ADDR="127.0.0.1:$GATEWAY_PORT" \
  ARKLOOP_RATE_LIMIT_PER_MINUTE=1000000 ARKLOOP_AUTH_RATE_LIMIT_PER_MINUTE=1000000 \
  ARKLOOP_GATEWAY_RATE_PER_SECOND=1000000 ARKLOOP_GATEWAY_BURST=1000000 ARKLOOP_MAX_CONNECTIONS_PER_IP=0
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
java -cp bench/target/arkloop-bench.jar dev.arkloop.bench.GatewayBench --base-url "http://127.0.0.1:$PORT" \
  --gateway-url "http://127.0.0.1:$GATEWAY_PORT" --node-pid "$NODE" "$@"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo "node: $(grep -c 'has been blocked for' "$DATA/node.log" || true) blocked-thread warnings" >&2
