#!/usr/bin/env bash
# Authentication cost on this machine: builds the jar, starts one embedded node on a fresh data
# directory (so the bench user is its first, platform-admin user) with the request limits lifted,
# runs AuthBench against it, stops the node. Extra arguments go to AuthBench, e.g.
#   bench/auth-bench.sh --scenarios jwt,api_key --concurrency 32 --seconds 20
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B package -DskipTests -pl launcher,bench -am
source bench/lib.sh
PORT=${ARKLOOP_BENCH_PORT:-19091}
start_node "http://127.0.0.1:$PORT/readyz" ARKLOOP_API_ADDR="127.0.0.1:$PORT" \
  ARKLOOP_RATE_LIMIT_PER_MINUTE=1000000 ARKLOOP_AUTH_RATE_LIMIT_PER_MINUTE=1000000
java -cp bench/target/classes dev.arkloop.bench.AuthBench --base-url "http://127.0.0.1:$PORT" "$@"
