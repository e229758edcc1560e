package dev.arkloop.api.billing;

import dev.arkloop.api.http.Fields;
import dev.arkloop.api.http.Params;
import dev.arkloop.api.http.Permissions;
import dev.arkloop.api.http.RequestBody;
import dev.arkloop.api.http.Routes;
import dev.arkloop.common.error.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/** Feature flags and their per-account overrides ({@code /org-overrides}, alias {@code /account-overrides}). */
final class FeatureFlagRoutes {
  private final FeatureFlagRepository repository;
  private final FeatureFlags flags;

  FeatureFlagRoutes(FeatureFlagRepository repository, FeatureFlags flags) {
    this.repository = repository;
    this.flags = flags;
  }

  void mount(Routes routes) {
    String manage = Permissions.FEATURE_FLAGS_MANAGE;
    routes.post("/v1/feature-flags").requires(manage).status(201).audit("feature_flag.create").respond(this::create);
    routes.get("/v1/feature-flags").requires(manage).respond(ctx -> repository.list());
    routes.get("/v1/feature-flags/:key").requires(manage).respond(ctx -> repository.get(ctx.pathParam("key")));
    routes.patch("/v1/feature-flags/:key").requires(manage).audit("feature_flag.update").respond(this::update);
    routes.delete("/v1/feature-flags/:key").requires(manage).audit("feature_flag.delete").respond(this::delete);
    for (String overrides : new String[] {"org-overrides", "account-overrides"}) {
      String base = "/v1/feature-flags/:key/" + overrides;
      routes.post(base).requires(manage).audit("feature_flag.override_set").respond(this::setOverride);
      routes.get(base).requires(manage).respond(ctx -> repository.overrides(ctx.pathParam("key")));
      routes.delete(base + "/:org_id").requires(manage).audit("feature_flag.override_delete")
          .respond(this::deleteOverride);
    }
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
    return repository.create(key, description == null ? null : Fields.length("description", description, 0, 1000),
            defaultValue, overridable == null || overridable)
        .onSuccess(v -> flags.announceChange());
  }

  private Future<JsonObject> update(RoutingContext ctx) {
    RequestBody body = RequestBody.of(ctx);
    Boolean defaultValue = body.optionalBoolean("default_value");
    if (defaultValue == null) {
      throw ApiException.invalid("default_value", "default_value is required");
    }
    return repository.update(ctx.pathParam("key"), defaultValue, body.optionalString("description"))
        .onSuccess(v -> flags.announceChange());
  }

  private Future<JsonObject> delete(RoutingContext ctx) {
    return repository.delete(ctx.pathParam("key"))
        .map(v -> new JsonObject().put("ok", true))
        .onSuccess(v -> flags.announceChange());
  }

  private Future<JsonObject> setOverride(RoutingContext ctx) {
    RequestBody body = RequestBody.of(ctx);
    UUID orgId = SubscriptionRoutes.required(body, "org_id");
    Boolean enabled = body.optionalBoolean("enabled");
    if (enabled == null) {
      throw ApiException.invalid("enabled", "enabled is required");
    }
    return repository.setOverride(ctx.pathParam("key"), orgId, enabled).onSuccess(v -> flags.announceChange());
  }

  private Future<JsonObject> deleteOverride(RoutingContext ctx) {
    return repository.deleteOverride(ctx.pathParam("key"), Params.pathId(ctx, "org_id"))
        .map(v -> new JsonObject().put("ok", true))
        .onSuccess(v -> flags.announceChange());
  }
}
