package dev.arkloop.api.admin;

import dev.arkloop.common.db.RowJson;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

/**
 * The platform figures of {@code GET /v1/admin/dashboard}. An active user signed in or signed up in
 * the last 30 days; an active account started a run in them. Each is one aggregate over users or runs
 * (indexes on created_at and last_login_at for the windowed ones); run_events is never read. The
 * answer is kept 10 s per API instance, so a dashboard left open costs one query set per 10 s.
 */
final class DashboardRepository {
  static final long CACHE_MILLIS = 10_000;
  private static final String FIGURES = """
      SELECT
        (SELECT count(*) FROM users WHERE deleted_at IS NULL) AS total_users,
        (SELECT count(*) FROM users WHERE deleted_at IS NULL
           AND (last_login_at > now() - interval '30 days' OR created_at > now() - interval '30 days'))
          AS active_users_30d,
        runs.total_runs, runs.total_input_tokens, runs.total_output_tokens, runs.total_cost_usd,
        (SELECT count(*) FROM runs WHERE created_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')
          AS runs_today,
        (SELECT count(DISTINCT org_id) FROM runs WHERE created_at > now() - interval '30 days') AS active_orgs
      FROM (SELECT count(*) AS total_runs, COALESCE(sum(total_input_tokens), 0)::bigint AS total_input_tokens,
              COALESCE(sum(total_output_tokens), 0)::bigint AS total_output_tokens,
              COALESCE(sum(total_cost_usd), 0)::double precision AS total_cost_usd FROM runs) runs""";

  private final Pool pool;
  private Future<JsonObject> cached;
  private long cachedAt;

  DashboardRepository(Pool pool) {
    this.pool = pool;
  }

  /** Called on one event loop only (the verticle's), so the cache needs no locking. */
  Future<JsonObject> figures() {
    long now = System.currentTimeMillis();
    if (cached == null || now - cachedAt >= CACHE_MILLIS || cached.failed()) {
      cachedAt = now;
      cached = pool.query(FIGURES).execute().map(rows -> RowJson.first(rows).put("cached_at",
          RowJson.timestamp(java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC))));
    }
    return cached.map(JsonObject::copy);
  }
}
