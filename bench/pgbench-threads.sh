#!/usr/bin/env bash
# What PostgreSQL alone can do with the four thread statements api_crud exercises (create, get,
# patch, soft delete, as ThreadRepository sends them), run by pgbench against the node's own
# database. With an api_crud report, prints the ratio of the API's cycles to pgbench's.
#   bench/pgbench-threads.sh DATABASE_URL [api_crud-report.json]
# Options by environment: PGBENCH_CLIENTS (32), PGBENCH_SECONDS (10), PGBENCH (/usr/bin/pgbench).
set -euo pipefail
db="${1:?usage: bench/pgbench-threads.sh postgresql://user@host:port/db [api_crud-report.json]}"
report="${2:-}"
pgbench="${PGBENCH:-/usr/bin/pgbench}"
clients="${PGBENCH_CLIENTS:-32}"
seconds="${PGBENCH_SECONDS:-10}"

# any member of any account will do: api_crud registers one before it runs
read -r org user < <(psql "$db" -AtF ' ' -c "SELECT org_id, user_id FROM memberships LIMIT 1")
[ -n "${org:-}" ] || { echo "no account in $db: run api_crud (or register a user) first" >&2; exit 2; }

script="$(mktemp -t pgbench-threads-XXXXXX.sql)"
trap 'rm -f "$script"' EXIT
columns="t.id, t.org_id, t.created_by_user_id, t.title, t.project_id, t.created_at, t.updated_at, t.active_run_id, t.is_private"
visible="t.org_id = :org::uuid AND t.deleted_at IS NULL AND (t.created_by_user_id = :user::uuid OR NOT t.is_private)"
cat >"$script" <<SQL
INSERT INTO threads AS t (id, org_id, created_by_user_id, title, is_private, project_id) VALUES (gen_random_uuid(), :org::uuid, :user::uuid, 'bench thread', false, NULL) RETURNING t.id AS thread \gset
SELECT $columns FROM threads t WHERE $visible AND t.id = :thread::uuid;
UPDATE threads t SET title = CASE WHEN true THEN 'bench thread, renamed' ELSE t.title END, project_id = CASE WHEN false THEN NULL::uuid ELSE t.project_id END, updated_at = date_trunc('milliseconds', clock_timestamp()) WHERE $visible AND t.id = :thread::uuid RETURNING $columns;
UPDATE threads t SET deleted_at = now() WHERE $visible AND t.id = :thread::uuid;
SQL

out="$("$pgbench" -n -M prepared -c "$clients" -j 2 -T "$seconds" -D org="$org" -D user="$user" -f "$script" "$db" 2>&1)" || {
  echo "$out" >&2; exit 1; }
cycles="$(echo "$out" | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -1)"
echo "pgbench: $clients clients, ${seconds} s: $cycles cycles/s ($(awk -v c="$cycles" 'BEGIN{printf "%.0f", c*4}') statements/s), load average $(cut -d' ' -f1-3 /proc/loadavg)"
if [ -n "$report" ]; then
  rps="$(sed -n 's/.*"throughput_rps" *: *\([0-9.]*\).*/\1/p' "$report" | head -1)"
  awk -v r="$rps" -v c="$cycles" 'BEGIN{printf "api_crud: %.1f requests/s = %.1f cycles/s = %.1f %% of pgbench cycles/s\n", r, r/4, 100*r/4/c}'
fi
