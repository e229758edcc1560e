package dev.arkloop.api.usage;

import dev.arkloop.common.db.RowJson;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Token and cost totals of an account's finished runs (a run is a usage record once it has token
 * counts), optionally only those one user created. Periods are UTC.
 */
final class UsageRepository {
  private static final String SCOPE = "FROM runs WHERE ($1::uuid IS NULL OR org_id = $1) AND ($2::uuid IS NULL OR created_by_user_id = $2) "
      + "AND total_input_tokens IS NOT NULL AND created_at >= $3 AND created_at < $4";
  private final Pool pool;

  UsageRepository(Pool pool) {
    this.pool = pool;
  }

  Future<JsonObject> month(UUID orgId, UUID userId, int year, int month) {
    OffsetDateTime from = OffsetDateTime.of(year, month, 1, 0, 0, 0, 0, ZoneOffset.UTC);
    return pool.preparedQuery("SELECT coalesce(sum(total_input_tokens), 0)::bigint AS total_input_tokens, "
            + "coalesce(sum(total_output_tokens), 0)::bigint AS total_output_tokens, "
            + "coalesce(sum(total_cost_usd), 0)::float8 AS total_cost_usd, count(*)::bigint AS record_count, "
            + "coalesce(sum(credits_used), 0)::bigint AS total_credits_used, "
            + "coalesce(sum(cache_read_tokens), 0)::bigint AS total_cache_read_tokens, "
            + "coalesce(sum(cache_write_tokens), 0)::bigint AS total_cache_write_tokens " + SCOPE)
        .execute(Tuple.of(orgId, userId, from, from.plusMonths(1)))
        .map(rows -> RowJson.first(rows).put("org_id", orgId == null ? null : orgId.toString()).put("year", year)
            .put("month", month));
  }

  Future<JsonArray> daily(UUID orgId, UUID userId, LocalDate start, LocalDate end) {
    return pool.preparedQuery("SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS date, "
            + "sum(total_input_tokens)::bigint AS input_tokens, sum(total_output_tokens)::bigint AS output_tokens, "
            + "coalesce(sum(total_cost_usd), 0)::float8 AS cost_usd, count(*)::bigint AS record_count, "
            + "coalesce(sum(credits_used), 0)::bigint AS credits_used, "
            + "coalesce(sum(cache_read_tokens), 0)::bigint AS cache_read_tokens, "
            + "coalesce(sum(cache_write_tokens), 0)::bigint AS cache_write_tokens " + SCOPE
            + " GROUP BY 1 ORDER BY 1")
        .execute(Tuple.of(orgId, userId, start.atStartOfDay().atOffset(ZoneOffset.UTC),
            end.plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC)))
        .map(RowJson::toArray);
  }

  Future<JsonArray> byModel(UUID orgId, UUID userId, int year, int month) {
    OffsetDateTime from = OffsetDateTime.of(year, month, 1, 0, 0, 0, 0, ZoneOffset.UTC);
    return pool.preparedQuery("SELECT coalesce(model, 'unknown') AS model, "
            + "sum(total_input_tokens)::bigint AS input_tokens, sum(total_output_tokens)::bigint AS output_tokens, "
            + "coalesce(sum(total_cost_usd), 0)::float8 AS cost_usd, count(*)::bigint AS record_count, "
            + "coalesce(sum(credits_used), 0)::bigint AS credits_used, "
            + "coalesce(sum(cache_read_tokens), 0)::bigint AS cache_read_tokens, "
            + "coalesce(sum(cache_write_tokens), 0)::bigint AS cache_write_tokens " + SCOPE
            + " GROUP BY 1 ORDER BY 1")
        .execute(Tuple.of(orgId, userId, from, from.plusMonths(1)))
        .map(RowJson::toArray);
  }
}
