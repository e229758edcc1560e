package dev.arkloop.api.billing;

import dev.arkloop.api.http.Fields;
import dev.arkloop.api.http.Params;
import dev.arkloop.api.http.Permissions;
import dev.arkloop.api.http.RequestBody;
import dev.arkloop.api.http.Routes;
import dev.arkloop.common.db.PgErrors;
import dev.arkloop.common.db.RowJson;
import dev.arkloop.common.error.ApiException;
import dev.arkloop.common.ids.Ids;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/** Feature flags and their per-account overrides ({@code /org-overrides}, alias {@code /account-overrides}). */
final class FeatureFlagRoutes {
  private static final String COLUMNS = "id, key, description, default_value, supports_org_overrides, created_at";
  private static final String OVERRIDE = "SELECT o.org_id, f.key AS flag_key, o.enabled, o.created_at "
      + "FROM feature_flag_overrides o JOIN feature_flags f ON f.id = o.flag_id";

  private final Pool pool;
  private final FeatureFlags flags;

  FeatureFlagRoutes(Pool pool, FeatureFlags flags) {
    this.pool = pool;
    this.flags = flags;
  }

  void mount(Routes routes) {
    String manage = Permissions.FEATURE_FLAGS_MANAGE;
    routes.post("/v1/feature-flags").requires(manage).status(201).audit("feature_flag.create").respond(this::create);
    routes.get("/v1/feature-flags").requires(manage).respond(ctx -> pool.query("SELECT " + COLUMNS
        + " FROM feature_flags ORDER BY key").execute().map(RowJson::toArray));
    routes.get("/v1/feature-flags/:key").requires(manage).respond(ctx -> flag(ctx.pathParam("key")));
    routes.patch("/v1/feature-flags/:key").requires(manage).audit("feature_flag.update").respond(this::update);
    routes.delete("/v1/feature-flags/:key").requires(manage).audit("feature_flag.delete").respond(this::delete);
    for (String overrides : new String[] {"org-overrides", "account-overrides"}) {
      String base = "/v1/feature-flags/:key/" + overrides;
      routes.post(base).requires(manage).audit("feature_flag.override_set").respond(this::setOverride);
      routes.get(base).requires(manage).respond(this::overrides);
      routes.delete(base + "/:org_id").requires(manage).audit("feature_flag.override_delete")
          .respond(this::deleteOverride);
    }
  }

  private Future<JsonObject> flag(String key) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM feature_flags WHERE key = $1").execute(Tuple.of(key))
        .compose(rows -> rows.size() == 0 ? Future.failedFuture(ApiException.notFound("feature_flags"))
            : Future.succeededFuture(RowJson.first(rows)));
  }

  private Future<JsonObject> create(RoutingContext ctx) {
    RequestBody body = RequestBody.of(ctx);
    String key = EntitlementValues.key(body.string("key"));
    Boolean defaultValue = body.optionalBoolean("default_value");
    if (defaultValue == null) {
      throw ApiException.invalid("default_value", "default_value is required");
    }
    String description = body.optionalString("description");
    Boolean overridable = body.optionalBoolean("supports_org_overrides");
    return pool.preparedQuery("INSERT INTO feature_flags (id, key, description, default_value, supports_org_overrides) "
            + "VALUES ($1, $2, $3, $4, $5) RETURNING " + COLUMNS)
        .execute(Tuple.of(Ids.newId(), key, description == null ? null : Fields.length("description", description, 0, 1000),
            defaultValue, overridable == null || overridable))
        .map(RowJson::first)
        .onSuccess(v -> flags.announceChange())
        .recover(e -> Future.failedFuture(PgErrors.uniqueViolation(e, null)
            ? ApiException.conflict("conflict", "a flag with this key exists") : e));
  }

  private Future<JsonObject> update(RoutingContext ctx) {
    RequestBody body = RequestBody.of(ctx);
    Boolean defaultValue = body.optionalBoolean("default_value");
    if (defaultValue == null) {
      throw ApiException.invalid("default_value", "default_value is required");
    }
    String description = body.optionalString("description");
    return pool.preparedQuery("UPDATE feature_flags SET default_value = $2, description = coalesce($3, description) "
            + "WHERE key = $1 RETURNING " + COLUMNS)
        .execute(Tuple.of(ctx.pathParam("key"), defaultValue, description))
        .compose(rows -> rows.size() == 0 ? Future.failedFuture(ApiException.notFound("feature_flags"))
            : Future.succeededFuture(RowJson.first(rows)))
        .onSuccess(v -> flags.announceChange());
  }

  private Future<JsonObject> delete(RoutingContext ctx) {
    return pool.preparedQuery("DELETE FROM feature_flags WHERE key = $1").execute(Tuple.of(ctx.pathParam("key")))
        .compose(rows -> rows.rowCount() == 0 ? Future.failedFuture(ApiException.notFound("feature_flags"))
            : Future.succeededFuture(new JsonObject().put("ok", true)))
        .onSuccess(v -> flags.announceChange());
  }

  private Future<JsonObject> setOverride(RoutingContext ctx) {
    RequestBody body = RequestBody.of(ctx);
    UUID orgId = SubscriptionRoutes.required(body, "org_id");
    Boolean enabled = body.optionalBoolean("enabled");
    if (enabled == null) {
      throw ApiException.invalid("enabled", "enabled is required");
    }
    return flag(ctx.pathParam("key")).compose(flag -> {
      if (!flag.getBoolean("supports_org_overrides")) {
        return Future.failedFuture(new ApiException(422, "validation.error", "this flag takes no account overrides",
            new JsonObject().put("field", "org_id")));
      }
      return pool.preparedQuery("INSERT INTO feature_flag_overrides (flag_id, org_id, enabled) VALUES ($1, $2, $3) "
              + "ON CONFLICT (flag_id, org_id) DO UPDATE SET enabled = EXCLUDED.enabled "
              + "RETURNING org_id, $4::text AS flag_key, enabled, created_at")
          .execute(Tuple.of(UUID.fromString(flag.getString("id")), orgId, enabled, flag.getString("key")))
          .map(RowJson::first);
    }).onSuccess(v -> flags.announceChange())
        .recover(e -> Future.failedFuture(PgErrors.foreignKeyViolation(e) ? ApiException.notFound("accounts") : e));
  }

  private Future<JsonArray> overrides(RoutingContext ctx) {
    String key = ctx.pathParam("key");
    return flag(key).compose(flag -> pool.preparedQuery(OVERRIDE + " WHERE f.key = $1 ORDER BY o.created_at")
        .execute(Tuple.of(key)).map(RowJson::toArray));
  }

  private Future<JsonObject> deleteOverride(RoutingContext ctx) {
    UUID orgId = Params.pathId(ctx, "org_id");
    return pool.preparedQuery("DELETE FROM feature_flag_overrides o USING feature_flags f "
            + "WHERE o.flag_id = f.id AND f.key = $1 AND o.org_id = $2")
        .execute(Tuple.of(ctx.pathParam("key"), orgId))
        .compose(rows -> rows.rowCount() == 0 ? Future.failedFuture(ApiException.notFound("feature_flags"))
            : Future.succeededFuture(new JsonObject().put("ok", true)))
        .onSuccess(v -> flags.announceChange());
  }
}
