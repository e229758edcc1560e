package dev.arkloop.api.billing;

import dev.arkloop.api.http.Fields;
import dev.arkloop.api.http.Params;
import dev.arkloop.api.http.Permissions;
import dev.arkloop.api.http.Principal;
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

/** Per-account entitlement overrides: they beat the plan's value until they expire. */
final class EntitlementOverrideRoutes {
  private static final String COLUMNS = "id, org_id, key, value, value_type, reason, expires_at, created_by_user_id, "
      + "created_at";

  private final Pool pool;
  private final Entitlements entitlements;

  EntitlementOverrideRoutes(Pool pool, Entitlements entitlements) {
    this.pool = pool;
    this.entitlements = entitlements;
  }

  void mount(Routes routes) {
    routes.get("/v1/entitlement-overrides").requires(Permissions.ENTITLEMENTS_MANAGE).respond(this::list);
    routes.post("/v1/entitlement-overrides").requires(Permissions.ENTITLEMENTS_MANAGE).status(201)
        .audit("entitlement_override.create").respond(this::create);
    routes.delete("/v1/entitlement-overrides/:override_id").requires(Permissions.ENTITLEMENTS_MANAGE)
        .audit("entitlement_override.delete").respond(this::delete);
  }

  private Future<JsonArray> list(RoutingContext ctx) {
    UUID orgId = Params.optionalUuid(ctx, "org_id");
    if (orgId == null) {
      throw ApiException.invalid("org_id", "org_id is required");
    }
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM entitlement_overrides WHERE org_id = $1 "
            + "ORDER BY created_at DESC, id DESC").execute(Tuple.of(orgId)).map(RowJson::toArray);
  }

  private Future<JsonObject> create(RoutingContext ctx) {
    RequestBody body = RequestBody.of(ctx);
    UUID orgId = SubscriptionRoutes.required(body, "org_id");
    String key = EntitlementValues.key(body.string("key"));
    String valueType = body.string("value_type");
    String rawValue = body.optionalString("value");
    if (rawValue == null) {
      throw ApiException.invalid("value", "value is required");
    }
    String value = EntitlementValues.value(key, rawValue, valueType);
    String reason = body.optionalString("reason");
    var expiresAt = RedemptionRoutes.timestamp("expires_at", body.optionalString("expires_at"));
    return pool.preparedQuery("INSERT INTO entitlement_overrides (id, org_id, key, value, value_type, reason, expires_at, "
            + "created_by_user_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING " + COLUMNS)
        .execute(Tuple.of(Ids.newId(), orgId, key, value, valueType,
            reason == null ? null : Fields.length("reason", reason, 0, 1000), expiresAt,
            Principal.of(ctx).userId()))
        .map(RowJson::first)
        .onSuccess(v -> entitlements.announceChange(orgId))
        .recover(e -> Future.failedFuture(PgErrors.foreignKeyViolation(e) ? ApiException.notFound("accounts") : e));
  }

  private Future<JsonObject> delete(RoutingContext ctx) {
    UUID orgId = Params.optionalUuid(ctx, "org_id");
    return pool.preparedQuery("DELETE FROM entitlement_overrides WHERE id = $1 AND ($2::uuid IS NULL OR org_id = $2) "
            + "RETURNING org_id")
        .execute(Tuple.of(Params.pathId(ctx, "override_id"), orgId))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(ApiException.notFound("entitlement_overrides"));
          }
          entitlements.announceChange(rows.iterator().next().getUUID("org_id"));
          return Future.succeededFuture(new JsonObject().put("ok", true));
        });
  }
}
