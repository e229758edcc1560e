package dev.arkloop.api.billing;

import dev.arkloop.common.db.PgErrors;
import dev.arkloop.common.db.RowJson;
import dev.arkloop.common.error.DomainException;
import dev.arkloop.common.ids.Ids;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Plans with their entitlement values, each plan as {@code {id, name, display_name, created_at, entitlements}}. */
final class PlanRepository {
  private static final String SELECT = """
      SELECT p.id, p.name, p.display_name, p.created_at, e.id AS entitlement_id, e.key, e.value, e.value_type
      FROM plans p LEFT JOIN plan_entitlements e ON e.plan_id = p.id""";

  /** One entitlement value of a new plan, already checked. */
  record Value(String key, String value, String valueType) {}

  private final Pool pool;

  PlanRepository(Pool pool) {
    this.pool = pool;
  }

  Future<JsonArray> list() {
    return pool.query(SELECT + " ORDER BY p.created_at, p.id, e.key").execute().map(rows -> new JsonArray(plans(rows)));
  }

  Future<JsonObject> get(UUID id) {
    return pool.preparedQuery(SELECT + " WHERE p.id = $1 ORDER BY e.key").execute(Tuple.of(id)).compose(rows -> {
      List<JsonObject> plans = plans(rows);
      return plans.isEmpty() ? Future.failedFuture(DomainException.notFound("plans"))
          : Future.succeededFuture(plans.get(0));
    });
  }

  /** Creates the plan with its values in one transaction; a taken name is a conflict. */
  Future<JsonObject> create(String name, String displayName, List<Value> values) {
    UUID planId = Ids.newId();
    List<Tuple> rows = values.stream()
        .map(v -> Tuple.of(Ids.newId(), planId, v.key(), v.value(), v.valueType())).toList();
    return pool.withTransaction(tx -> tx.preparedQuery("INSERT INTO plans (id, name, display_name) VALUES ($1, $2, $3)")
            .execute(Tuple.of(planId, name, displayName))
            .compose(v -> rows.isEmpty() ? Future.succeededFuture()
                : tx.preparedQuery("INSERT INTO plan_entitlements (id, plan_id, key, value, value_type) "
                    + "VALUES ($1, $2, $3, $4, $5)").executeBatch(rows).mapEmpty()))
        .recover(PgErrors.onUnique(() -> DomainException.conflict("conflict", "a plan with this name exists"),
            "plans_name_key"))
        .compose(v -> get(planId));
  }

  private static List<JsonObject> plans(RowSet<Row> rows) {
    Map<UUID, JsonObject> plans = new LinkedHashMap<>();
    for (Row row : rows) {
      JsonObject plan = plans.computeIfAbsent(row.getUUID("id"), id -> new JsonObject().put("id", id.toString())
          .put("name", row.getString("name")).put("display_name", row.getString("display_name"))
          .put("created_at", RowJson.timestamp(row.getOffsetDateTime("created_at")))
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
