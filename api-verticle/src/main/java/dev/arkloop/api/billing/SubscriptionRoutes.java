package dev.arkloop.api.billing;

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
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * Subscriptions of accounts to plans. One active subscription per account (a partial unique index):
 * subscribing an account that has one is a 409, never a silent replacement. Members read their own
 * account's; holders of {@code platform.subscriptions.manage} read and change every account's.
 */
final class SubscriptionRoutes {
  private final SubscriptionRepository subscriptions;
  private final Entitlements entitlements;

  SubscriptionRoutes(SubscriptionRepository subscriptions, Entitlements entitlements) {
    this.subscriptions = subscriptions;
    this.entitlements = entitlements;
  }

  void mount(Routes routes) {
    routes.post("/v1/subscriptions").requires(Permissions.PLATFORM_SUBSCRIPTIONS_MANAGE).status(201)
        .audit("subscription.create").respond(this::create);
    routes.get("/v1/subscriptions").requires(Permissions.SUBSCRIPTIONS_READ).respond(this::list);
    routes.get("/v1/subscriptions/:subscription_id").requires(Permissions.SUBSCRIPTIONS_READ).respond(this::get);
    routes.delete("/v1/subscriptions/:subscription_id").requires(Permissions.PLATFORM_SUBSCRIPTIONS_MANAGE)
        .audit("subscription.cancel").respond(this::cancel);
  }

  private Future<JsonObject> create(RoutingContext ctx) {
    RequestBody body = RequestBody.of(ctx);
    UUID orgId = required(body, "org_id");
    UUID planId = required(body, "plan_id");
    OffsetDateTime start = RedemptionRoutes.timestamp("current_period_start", body.string("current_period_start"));
    OffsetDateTime end = RedemptionRoutes.timestamp("current_period_end", body.string("current_period_end"));
    if (!end.isAfter(start)) {
      throw ApiException.invalid("current_period_end", "current_period_end must be after current_period_start");
    }
    return subscriptions.create(orgId, planId, start, end).onSuccess(v -> entitlements.announceChange(orgId));
  }

  private Future<JsonArray> list(RoutingContext ctx) {
    Principal principal = Principal.of(ctx);
    UUID orgId = principal.has(Permissions.PLATFORM_SUBSCRIPTIONS_MANAGE) ? Params.optionalUuid(ctx, "org_id")
        : principal.orgId();
    return subscriptions.list(orgId);
  }

  private Future<JsonObject> get(RoutingContext ctx) {
    Principal principal = Principal.of(ctx);
    UUID orgId = principal.has(Permissions.PLATFORM_SUBSCRIPTIONS_MANAGE) ? null : principal.orgId();
    return subscriptions.get(Params.pathId(ctx, "subscription_id"), orgId);
  }

  private Future<JsonObject> cancel(RoutingContext ctx) {
    return subscriptions.cancel(Params.pathId(ctx, "subscription_id"))
        .onSuccess(cancelled -> entitlements.announceChange(UUID.fromString(cancelled.getString("org_id"))));
  }

  static UUID required(RequestBody body, String field) {
    UUID id = body.optionalUuid(field);
    if (id == null) {
      throw ApiException.invalid(field, field + " is required");
    }
    return id;
  }
}
