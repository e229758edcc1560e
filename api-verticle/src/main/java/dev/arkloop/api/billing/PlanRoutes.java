package dev.arkloop.api.billing;

import dev.arkloop.api.http.Fields;
import dev.arkloop.api.http.Params;
import dev.arkloop.api.http.Permissions;
import dev.arkloop.api.http.RequestBody;
import dev.arkloop.api.http.Routes;
import dev.arkloop.common.error.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Plans and their entitlement values ({@code /v1/plans}). */
final class PlanRoutes {
  private final PlanRepository plans;

  PlanRoutes(PlanRepository plans) {
    this.plans = plans;
  }

  void mount(Routes routes) {
    routes.get("/v1/plans").requires(Permissions.PLANS_MANAGE).respond(ctx -> plans.list());
    routes.get("/v1/plans/:plan_id").requires(Permissions.PLANS_MANAGE)
        .respond(ctx -> plans.get(Params.pathId(ctx, "plan_id")));
    routes.post("/v1/plans").requires(Permissions.PLANS_MANAGE).status(201).audit("plan.create").respond(this::create);
  }

  private Future<JsonObject> create(RoutingContext ctx) {
    RequestBody body = RequestBody.of(ctx);
    String name = Fields.length("name", body.string("name").trim(), 1, 100);
    String displayName = Fields.length("display_name", body.string("display_name").trim(), 1, 200);
    List<PlanRepository.Value> values = new ArrayList<>();
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
      values.add(new PlanRepository.Value(key, value, valueType));
    }
    return plans.create(name, displayName, values);
  }
}
