package dev.arkloop.api.billing;

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

/** Feature flags and their per-account overrides. */
final class FeatureFlagRepository {
  private static final String COLUMNS = "id, key, description, default_value, supports_org_overrides, created_at";
  private static final String OVERRIDE = "SELECT o.org_id, f.key AS flag_key, o.enabled, o.created_at "
      + "FROM feature_flag_overrides o JOIN feature_flags f ON f.id = o.flag_id";

  private final Pool pool;

  FeatureFlagRepository(Pool pool) {
    this.pool = pool;
  }

  Future<JsonArray> list() {
    return pool.query("SELECT " + COLUMNS + " FROM feature_flags ORDER BY key").execute().map(RowJson::toArray);
  }

  Future<JsonObject> get(String key) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM feature_flags WHERE key = $1").execute(Tuple.of(key))
        .compose(rows -> rows.size() == 0 ? Future.failedFuture(DomainException.notFound("feature_flags"))
            : Future.succeededFuture(RowJson.first(rows)));
  }

  /** A taken key is a conflict. */
  Future<JsonObject> create(String key, String description, boolean defaultValue, boolean overridable) {
    return pool.preparedQuery("INSERT INTO feature_flags (id, key, description, default_value, supports_org_overrides) "
            + "VALUES ($1, $2, $3, $4, $5) RETURNING " + COLUMNS)
        .execute(Tuple.of(Ids.newId(), key, description, defaultValue, overridable))
        .map(RowJson::first)
        .recover(PgErrors.onUnique(() -> DomainException.conflict("conflict", "a flag with this key exists")));
  }

  Future<JsonObject> update(String key, boolean defaultValue, String description) {
    return pool.preparedQuery("UPDATE feature_flags SET default_value = $2, description = coalesce($3, description) "
            + "WHERE key = $1 RETURNING " + COLUMNS)
        .execute(Tuple.of(key, defaultValue, description))
        .compose(rows -> rows.size() == 0 ? Future.failedFuture(DomainException.notFound("feature_flags"))
            : Future.succeededFuture(RowJson.first(rows)));
  }

  Future<Void> delete(String key) {
    return pool.preparedQuery("DELETE FROM feature_flags WHERE key = $1").execute(Tuple.of(key))
        .compose(rows -> rows.rowCount() == 0 ? Future.failedFuture(DomainException.notFound("feature_flags"))
            : Future.succeededFuture());
  }

  /** Sets an account's override of a flag that takes them; an unknown account is not found. */
  Future<JsonObject> setOverride(String key, UUID orgId, boolean enabled) {
    return get(key).compose(flag -> {
      if (!flag.getBoolean("supports_org_overrides")) {
        return Future.failedFuture(new DomainException(DomainException.Kind.UNPROCESSABLE, "validation.error",
            "this flag takes no account overrides", new JsonObject().put("field", "org_id")));
      }
      return pool.preparedQuery("INSERT INTO feature_flag_overrides (flag_id, org_id, enabled) VALUES ($1, $2, $3) "
              + "ON CONFLICT (flag_id, org_id) DO UPDATE SET enabled = EXCLUDED.enabled "
              + "RETURNING org_id, $4::text AS flag_key, enabled, created_at")
          .execute(Tuple.of(UUID.fromString(flag.getString("id")), orgId, enabled, flag.getString("key")))
          .map(RowJson::first)
          .recover(PgErrors.onForeignKey(() -> DomainException.notFound("accounts")));
    });
  }

  Future<JsonArray> overrides(String key) {
    return get(key).compose(flag -> pool.preparedQuery(OVERRIDE + " WHERE f.key = $1 ORDER BY o.created_at")
        .execute(Tuple.of(key)).map(RowJson::toArray));
  }

  Future<Void> deleteOverride(String key, UUID orgId) {
    return pool.preparedQuery("DELETE FROM feature_flag_overrides o USING feature_flags f "
            + "WHERE o.flag_id = f.id AND f.key = $1 AND o.org_id = $2")
        .execute(Tuple.of(key, orgId))
        .compose(rows -> rows.rowCount() == 0 ? Future.failedFuture(DomainException.notFound("feature_flags"))
            : Future.succeededFuture());
  }
}
