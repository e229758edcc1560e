package dev.arkloop.api.admin;

import static dev.arkloop.api.http.Permissions.PLATFORM_ADMIN;

import dev.arkloop.api.http.Params;
import dev.arkloop.api.http.Routes;
import dev.arkloop.common.error.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** {@code /v1/admin/dashboard} and {@code /v1/admin/runs/{id}}. */
final class AdminOverviewRoutes {
  private final DashboardRepository dashboard;
  private final AdminRunRepository runs;

  AdminOverviewRoutes(DashboardRepository dashboard, AdminRunRepository runs) {
    this.dashboard = dashboard;
    this.runs = runs;
  }

  void mount(Routes routes) {
    routes.get("/v1/admin/dashboard").requires(PLATFORM_ADMIN).respond(ctx -> dashboard.figures());
    routes.get("/v1/admin/runs/:run_id").requires(PLATFORM_ADMIN).respond(ctx -> runs
        .get(Params.pathId(ctx, "run_id"))
        .compose(run -> run == null ? Future.<JsonObject>failedFuture(ApiException.notFound("runs"))
            : Future.succeededFuture(run)));
  }
}
