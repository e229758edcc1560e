package dev.arkloop.api.billing;

import dev.arkloop.api.http.Fields;
import dev.arkloop.api.http.Params;
import dev.arkloop.api.http.Permissions;
import dev.arkloop.api.http.RequestBody;
import dev.arkloop.api.http.Routes;
import dev.arkloop.common.db.PgErrors;
import dev.arkloop.common.error.ApiException;
import dev.arkloop.common.ids.Ids;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Plans and their entitlement values ({@code /v1/plans}). */
final class PlanRoutes {
  private static final String SELECT = """
      SELECT p.id, p.name, p.display_name, p.created_at, e.id AS entitlement_id, e.key, e.value, e.value_type
      FROM plans p LEFT JOIN plan_entitlements e ON e.plan_id = p.id""";

  private final Pool pool;
  private final Entitlements entitlements;

  PlanRoutes(Pool pool, Entitlements entitlements) {
    this.pool = pool;
    this.entitlements = entitlements;
  }

  void mount(Routes routes) {
    routes.get("/v1/plans").requires(Permissions.PLANS_MANAGE).respond(ctx -> pool.query(SELECT
        + " ORDER BY p.created_at, p.id, e.key").execute().map(rows -> new JsonArray(plans(rows))));
    routes.get("/v1/plans/:plan_id").requires(Permissions.PLANS_MANAGE)
        .respond(ctx -> plan(Params.pathId(ctx, "plan_id")));
    routes.post("/v1/plans").requires(Permissions.PLANS_MANAGE).status(201).audit("plan.create").respond(this::create);
  }

  Future<JsonObject> plan(UUID id) {
    return pool.preparedQuery(SELECT + " WHERE p.id = $1 ORDER BY e.key").execute(Tuple.of(id)).compose(rows -> {
      List<JsonObject> plans = plans(rows);
      return plans.isEmpty() ? Future.failedFuture(ApiException.notFound("plans"))
          : Future.succeededFuture(plans.get(0));
    });
  }

  private Future<JsonObject> create(RoutingContext ctx) {
    RequestBody body = RequestBody.of(ctx);
    String name = Fields.length("name", body.string("name").trim(), 1, 100);
    String displayName = Fields.length("display_name", body.string("display_name").trim(), 1, 200);
    List<Tuple> values = new ArrayList<>();
    UUID planId = Ids.newId();
    Object raw = body.json().getValue("entitlements");
    if (raw != null && !(raw instanceof JsonArray)) {
      throw ApiException.unparseable("entitlements", "entitlements must be an array");
    }
    Set<String> keys = new HashSet<>();
    for (Object item : raw == null ? new JsonArray() : (JsonArray) raw) {
      if (!(item instanceof JsonObject)) {
        throw ApiException.unparseable("entitlements", "entitlements must be objects");
      }
      RequestBody entry = RequestBody.wrap((JsonObject) item);
      String key = EntitlementValues.key(entry.string("key"));
      String valueType = entry.string("value_type");
      String value = EntitlementValues.value(key, entry.optionalString("value") == null ? "" : entry.optionalString("value"),
          valueType);
      if (!keys.add(key)) {
        throw ApiException.invalid("entitlements", "key " + key + " appears twice");
      }
      values.add(Tuple.of(Ids.newId(), planId, key, value, valueType));
    }
    return pool.withTransaction(tx -> tx.preparedQuery("INSERT INTO plans (id, name, display_name) VALUES ($1, $2, $3)")
            .execute(Tuple.of(planId, name, displayName))
            .compose(v -> values.isEmpty() ? Future.succeededFuture()
                : tx.preparedQuery("INSERT INTO plan_entitlements (id, plan_id, key, value, value_type) "
                    + "VALUES ($1, $2, $3, $4, $5)").executeBatch(values).mapEmpty()))
        .recover(e -> Future.failedFuture(PgErrors.uniqueViolation(e, "plans_name_key")
            ? ApiException.conflict("conflict", "a plan with this name exists") : e))
        .compose(v -> plan(planId));
  }

  private static List<JsonObject> plans(RowSet<Row> rows) {
    Map<UUID, JsonObject> plans = new LinkedHashMap<>();
    for (Row row : rows) {
      JsonObject plan = plans.computeIfAbsent(row.getUUID("id"), id -> new JsonObject().put("id", id.toString())
          .put("name", row.getString("name")).put("display_name", row.getString("display_name"))
          .put("created_at", dev.arkloop.common.db.RowJson.timestamp(row.getOffsetDateTime("created_at")))
          .put("entitlements", new JsonArray()));
      if (row.getUUID("entitlement_id") != null) {
        plan.getJsonArray("entitlements").add(new JsonObject().put("id", row.getUUID("entitlement_id").toString())
            .put("key", row.getString("key")).put("value", row.getString("value"))
            .put("value_type", row.getString("value_type")));
      }
    }
    return new ArrayList<>(plans.values());
  }
}
