package dev.arkloop.api.health;

import dev.arkloop.api.http.ApiContext;
import dev.arkloop.api.http.Resource;
import dev.arkloop.api.http.Routes;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /healthz} (liveness, no dependencies) and {@code GET /readyz} (database, schema, Redis). */
public final class HealthRoutes implements Resource {
  private final ReadinessCheck readiness;

  public HealthRoutes(ApiContext api) {
    this.readiness = new ReadinessCheck(api.pool(), api.redis(), api.endpoints().schemaVersion());
  }

  @Override
  public void mount(Routes routes) {
    routes.probe("/healthz").respond(ctx -> Future.succeededFuture(new JsonObject().put("status", "ok")));
    routes.probe("/readyz").handler(this::ready);
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
