package dev.arkloop.api.health;

import dev.arkloop.api.ApiContext;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /healthz} (liveness, no dependencies) and {@code GET /readyz} (database, schema, Redis). */
public final class HealthRoutes {
  private final ReadinessCheck readiness;

  public HealthRoutes(ApiContext api) {
    this.readiness = new ReadinessCheck(api.pool(), api.redis(), api.endpoints().schemaVersion());
  }

  public void mount(Router router) {
    router.get("/healthz").respond(ctx -> Future.succeededFuture(new JsonObject().put("status", "ok")));
    router.get("/readyz").handler(this::ready);
  }

  private void ready(RoutingContext ctx) {
    readiness.check().onComplete(result -> {
      JsonObject body = result.succeeded()
          ? new JsonObject().put("status", "ok").put("schema_version", result.result())
          : new JsonObject().put("status", "unavailable").put("reason", result.cause().getMessage());
      ctx.response()
          .setStatusCode(result.succeeded() ? 200 : 503)
          .putHeader("Content-Type", "application/json; charset=utf-8")
          .end(body.encode());
    });
  }
}
