package dev.arkloop.api.mcp;

import dev.arkloop.common.db.PgErrors;
import dev.arkloop.common.db.RowJson;
import dev.arkloop.common.error.DomainException;
import dev.arkloop.common.ids.Ids;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;
import java.util.function.Function;

/** MCP server configs of an account. The sealed token and env are written here and never read back. */
final class McpConfigRepository {
  private static final String COLUMNS = "id, org_id, name, transport, url, command, args, cwd, inherit_parent_env, "
      + "call_timeout_ms, bearer_token_sealed IS NOT NULL AS has_auth, is_active, created_at, updated_at";
  private final Pool pool;

  McpConfigRepository(Pool pool) {
    this.pool = pool;
  }

  Future<JsonArray> list(UUID orgId) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM mcp_configs WHERE org_id = $1 ORDER BY name")
        .execute(Tuple.of(orgId)).map(RowJson::toArray);
  }

  Future<JsonObject> get(UUID orgId, UUID id) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM mcp_configs WHERE org_id = $1 AND id = $2")
        .execute(Tuple.of(orgId, id)).map(RowJson::first);
  }

  /** {@code config} holds the checked create fields with the secrets already sealed. */
  Future<JsonObject> create(UUID orgId, JsonObject config) {
    return pool.preparedQuery("INSERT INTO mcp_configs (id, org_id, name, transport, url, command, args, cwd, "
            + "env_sealed, bearer_token_sealed, inherit_parent_env, call_timeout_ms, stdio_approved_by) "
            + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING " + COLUMNS)
        .execute(Tuple.of(Ids.newId(), orgId, config.getString("name"), config.getString("transport"),
                config.getString("url"), config.getString("command"))
            .addValue(config.getJsonArray("args", new JsonArray())).addValue(config.getString("cwd"))
            .addValue(config.getString("env_sealed")).addValue(config.getString("bearer_token_sealed"))
            .addValue(config.getBoolean("inherit_parent_env", false))
            .addValue(config.getInteger("call_timeout_ms", 10_000))
            .addValue(uuid(config.getString("stdio_approved_by"))))
        .map(RowJson::first)
        .recover(nameTaken());
  }

  /**
   * Applies a PATCH: each present field of {@code changes} is set (a null {@code url} or {@code
   * bearer_token_sealed} clears it). Null when there is no such config.
   */
  Future<JsonObject> update(UUID orgId, UUID id, JsonObject changes) {
    return pool.preparedQuery("UPDATE mcp_configs SET "
            + "name = CASE WHEN $3 THEN $4 ELSE name END, "
            + "url = CASE WHEN $5 THEN $6 ELSE url END, "
            + "bearer_token_sealed = CASE WHEN $7 THEN $8 ELSE bearer_token_sealed END, "
            + "call_timeout_ms = coalesce($9, call_timeout_ms), is_active = coalesce($10, is_active), "
            + "stdio_approved_by = coalesce($11, stdio_approved_by), "
            + "updated_at = date_trunc('milliseconds', now()) WHERE org_id = $1 AND id = $2 RETURNING " + COLUMNS)
        .execute(Tuple.of(orgId, id, changes.containsKey("name"), changes.getString("name"),
                changes.containsKey("url"), changes.getString("url"))
            .addValue(changes.containsKey("bearer_token_sealed")).addValue(changes.getString("bearer_token_sealed"))
            .addValue(changes.getInteger("call_timeout_ms")).addValue(changes.getBoolean("is_active"))
            .addValue(uuid(changes.getString("stdio_approved_by"))))
        .map(RowJson::first)
        .recover(nameTaken());
  }

  private static <T> Function<Throwable, Future<T>> nameTaken() {
    return PgErrors.onUnique(() -> DomainException.fieldConflict("mcp_configs", "name",
        "an MCP config with this name exists"));
  }

  private static UUID uuid(String id) {
    return id == null ? null : UUID.fromString(id);
  }

  Future<Boolean> delete(UUID orgId, UUID id) {
    return pool.preparedQuery("DELETE FROM mcp_configs WHERE org_id = $1 AND id = $2")
        .execute(Tuple.of(orgId, id)).map(rows -> rows.rowCount() > 0);
  }
}
