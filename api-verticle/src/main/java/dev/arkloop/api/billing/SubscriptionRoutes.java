package dev.arkloop.api.billing;

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
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * Subscriptions of accounts to plans. One active subscription per account (a partial unique index):
 * subscribing an account that has one is a 409, never a silent replacement. Members read their own
 * account's; holders of {@code platform.subscriptions.manage} read and change every account's.
 */
final class SubscriptionRoutes {
  private static final String COLUMNS = "id, org_id, plan_id, status, current_period_start, current_period_end, "
      + "cancelled_at, created_at";

  private final Pool pool;
  private final Entitlements entitlements;

  SubscriptionRoutes(Pool pool, Entitlements entitlements) {
    this.pool = pool;
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
    return pool.preparedQuery("SELECT (SELECT count(*) FROM orgs WHERE id = $1) AS orgs, "
            + "(SELECT count(*) FROM plans WHERE id = $2) AS plans")
        .execute(Tuple.of(orgId, planId))
        .compose(rows -> {
          var row = rows.iterator().next();
          if (row.getLong("orgs") == 0) {
            return Future.failedFuture(ApiException.notFound("accounts"));
          }
          if (row.getLong("plans") == 0) {
            return Future.failedFuture(ApiException.notFound("plans"));
          }
          return pool.preparedQuery("INSERT INTO subscriptions (id, org_id, plan_id, status, current_period_start, "
                  + "current_period_end) VALUES ($1, $2, $3, 'active', $4, $5) RETURNING " + COLUMNS)
              .execute(Tuple.of(Ids.newId(), orgId, planId, start, end));
        })
        .map(RowJson::first)
        .onSuccess(v -> entitlements.announceChange(orgId))
        .recover(e -> Future.failedFuture(PgErrors.uniqueViolation(e, "subscriptions_one_active")
            ? ApiException.conflict("subscriptions.conflict", "the account already has an active subscription") : e));
  }

  private Future<JsonArray> list(RoutingContext ctx) {
    Principal principal = Principal.of(ctx);
    UUID orgId = principal.has(Permissions.PLATFORM_SUBSCRIPTIONS_MANAGE) ? Params.optionalUuid(ctx, "org_id")
        : principal.orgId();
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM subscriptions WHERE ($1::uuid IS NULL OR org_id = $1) "
            + "ORDER BY created_at DESC, id DESC LIMIT 500")
        .execute(Tuple.of(orgId)).map(RowJson::toArray);
  }

  private Future<JsonObject> get(RoutingContext ctx) {
    Principal principal = Principal.of(ctx);
    UUID orgId = principal.has(Permissions.PLATFORM_SUBSCRIPTIONS_MANAGE) ? null : principal.orgId();
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM subscriptions WHERE id = $1 AND ($2::uuid IS NULL OR org_id = $2)")
        .execute(Tuple.of(Params.pathId(ctx, "subscription_id"), orgId))
        .compose(rows -> rows.size() == 0 ? Future.failedFuture(ApiException.notFound("subscriptions"))
            : Future.succeededFuture(RowJson.first(rows)));
  }

  private Future<JsonObject> cancel(RoutingContext ctx) {
    return pool.preparedQuery("UPDATE subscriptions SET status = 'cancelled', cancelled_at = now() "
            + "WHERE id = $1 AND status = 'active' RETURNING " + COLUMNS)
        .execute(Tuple.of(Params.pathId(ctx, "subscription_id")))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(ApiException.notFound("subscriptions"));
          }
          JsonObject cancelled = RowJson.first(rows);
          entitlements.announceChange(UUID.fromString(cancelled.getString("org_id")));
          return Future.succeededFuture(cancelled);
        });
  }

  static UUID required(RequestBody body, String field) {
    UUID id = body.optionalUuid(field);
    if (id == null) {
      throw ApiException.invalid(field, field + " is required");
    }
    return id;
  }
}
