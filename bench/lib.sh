# Sourced by the bench scripts (run from the project root): one embedded node on a scratch data
# directory, stopped and removed when the script exits.
#   start_node READY_URL [VAR=value ...]   starts launcher/target/arkloop.jar with those variables
#                                          (and ARKLOOP_BENCH_NODE_OPTS), waits until READY_URL
#                                          answers; sets NODE (its pid) and DATA (its directory).
#                                          /metrics goes to a free port unless a variable says
#                                          otherwise: its default, 19091, is the benches' API port
start_node() {
  local ready="$1"
  shift
  DATA=$(mktemp -d)
  env ARKLOOP_DATA_DIR="$DATA" ARKLOOP_METRICS_ADDR=127.0.0.1:0 "$@" java ${ARKLOOP_BENCH_NODE_OPTS:-} -jar launcher/target/arkloop.jar \
    > "$DATA/node.log" 2>&1 &
  NODE=$!
  trap 'kill "$NODE" 2>/dev/null; wait "$NODE" 2>/dev/null; rm -rf "$DATA"' EXIT
  for _ in $(seq 1 240); do
    kill -0 "$NODE" 2>/dev/null || { cat "$DATA/node.log"; exit 1; }
    curl -sf "$ready" > /dev/null && return 0
    sleep 0.5
  done
  tail -50 "$DATA/node.log"
  exit 1
}
