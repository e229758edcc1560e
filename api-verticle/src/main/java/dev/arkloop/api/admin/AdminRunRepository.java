package dev.arkloop.api.admin;

import dev.arkloop.common.db.RowJson;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/** Any account's run as a platform admin inspects it, with the route it took. */
final class AdminRunRepository {
  /**
   * The route comes from the run's first {@code run.route.selected} event (read through the
   * (run_id, seq) key, not a scan); the event count is the last seq, since seqs are gapless.
   */
  private static final String GET = """
      WITH route AS (
        SELECT data FROM run_events WHERE run_id = $1 AND type = 'run.route.selected' ORDER BY seq LIMIT 1)
      SELECT r.id AS run_id, r.org_id, r.thread_id, r.status, r.model, r.persona_id, r.route_id,
             r.total_input_tokens, r.total_output_tokens, r.total_cost_usd, r.duration_ms, r.cache_hit_rate,
             r.credits_used, r.created_at, r.completed_at, r.failed_at, r.cancelled_at, r.trace_id,
             r.error_class, r.error_message, r.created_by_user_id, u.username AS created_by_user_name,
             u.email AS created_by_email,
             COALESCE(p.provider, CASE WHEN (SELECT data->>'provider' FROM route) = 'stub' THEN 'stub' END)
               AS provider_kind,
             COALESCE(p.name, (SELECT data->>'provider' FROM route)) AS credential_name,
             (SELECT data->>'model' FROM route) AS route_model,
             (SELECT pe.spec->>'model' FROM personas pe
               WHERE pe.persona_key = r.persona_id AND (pe.scope = 'platform' OR pe.org_id = r.org_id)
               ORDER BY (pe.scope = 'org') DESC, pe.is_active DESC, pe.updated_at DESC LIMIT 1) AS persona_model,
             (SELECT COALESCE(max(seq), 0) FROM run_events WHERE run_id = $1) AS event_count
      FROM runs r
      LEFT JOIN users u ON u.id = r.created_by_user_id
      LEFT JOIN llm_models m ON m.id::text = COALESCE((SELECT data->>'route_id' FROM route), r.route_id)
      LEFT JOIN llm_providers p ON p.id = m.provider_id
      WHERE r.id = $1""";

  private final Pool pool;

  AdminRunRepository(Pool pool) {
    this.pool = pool;
  }

  Future<JsonObject> get(UUID runId) {
    return pool.preparedQuery(GET).execute(Tuple.of(runId)).map(RowJson::first);
  }
}
