package dev.arkloop.api.billing;

import dev.arkloop.api.http.Fields;
import dev.arkloop.api.http.Params;
import dev.arkloop.api.http.Permissions;
import dev.arkloop.api.http.Principal;
import dev.arkloop.api.http.RequestBody;
import dev.arkloop.api.http.Routes;
import dev.arkloop.common.error.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/** Per-account entitlement overrides: they beat the plan's value until they expire. */
final class EntitlementOverrideRoutes {
  private final EntitlementOverrideRepository overrides;
  private final Entitlements entitlements;

  EntitlementOverrideRoutes(EntitlementOverrideRepository overrides, Entitlements entitlements) {
    this.overrides = overrides;
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
    return overrides.list(orgId);
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
    return overrides.create(new EntitlementOverrideRepository.Override(orgId, key, value, valueType,
            reason == null ? null : Fields.length("reason", reason, 0, 1000), expiresAt, Principal.of(ctx).userId()))
        .onSuccess(v -> entitlements.announceChange(orgId));
  }

  private Future<JsonObject> delete(RoutingContext ctx) {
    UUID orgId = Params.optionalUuid(ctx, "org_id");
    return overrides.delete(Params.pathId(ctx, "override_id"), orgId).map(ofAccount -> {
      entitlements.announceChange(ofAccount);
      return new JsonObject().put("ok", true);
    });
  }
}
