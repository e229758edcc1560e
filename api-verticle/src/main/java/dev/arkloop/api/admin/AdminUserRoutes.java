package dev.arkloop.api.admin;

import static dev.arkloop.api.http.Permissions.PLATFORM_ADMIN;

import dev.arkloop.api.audit.AuditTrail;
import dev.arkloop.api.auth.TokenRevocations;
import dev.arkloop.api.http.Fields;
import dev.arkloop.api.http.Params;
import dev.arkloop.api.http.Principal;
import dev.arkloop.api.http.RequestBody;
import dev.arkloop.api.http.Routes;
import dev.arkloop.api.http.TraceIdHandler;
import dev.arkloop.api.identity.ApiKeyRepository;
import dev.arkloop.api.runs.RunCanceller;
import dev.arkloop.common.error.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/**
 * {@code /v1/admin/users}: search, inspect, change, suspend and delete users of any account.
 * Suspension takes effect on every node at the next request: refresh tokens and API keys are revoked
 * in PostgreSQL (and the nodes' remembered keys dropped), access tokens through the shared Redis
 * revocation mark, running runs are cancelled.
 */
final class AdminUserRoutes {
  private final AdminUserRepository users;
  private final TokenRevocations revocations;
  private final ApiKeyRepository apiKeys;
  private final RunCanceller runs;

  AdminUserRoutes(AdminUserRepository users, TokenRevocations revocations, ApiKeyRepository apiKeys,
      RunCanceller runs) {
    this.users = users;
    this.revocations = revocations;
    this.apiKeys = apiKeys;
    this.runs = runs;
  }

  void mount(Routes routes) {
    routes.get("/v1/admin/users").requires(PLATFORM_ADMIN).respond(this::list);
    routes.get("/v1/admin/users/:user_id").requires(PLATFORM_ADMIN).respond(this::get);
    routes.patch("/v1/admin/users/:user_id").requires(PLATFORM_ADMIN).audit("user.admin_update").respond(this::patch);
    routes.delete("/v1/admin/users/:user_id").requires(PLATFORM_ADMIN).audit("user.admin_delete")
        .respond(this::delete);
  }

  private Future<JsonArray> list(RoutingContext ctx) {
    String q = Params.query(ctx, "q");
    if (q != null) {
      Fields.length("q", q.trim(), 1, 200);
    }
    String status = Fields.oneOf("status", Params.query(ctx, "status"), "active", "suspended");
    int limit = Params.limit(ctx, 50, 200);
    Cursors.Position cursor = Cursors.parse(ctx);
    return users.list(q == null ? null : q.trim(), status, cursor == null ? null : cursor.time(),
        cursor == null ? null : cursor.id(), limit);
  }

  private Future<JsonObject> get(RoutingContext ctx) {
    return users.get(Params.pathId(ctx, "user_id"))
        .compose(user -> user == null ? Future.failedFuture(ApiException.notFound("users"))
            : Future.succeededFuture(user));
  }

  private Future<JsonObject> patch(RoutingContext ctx) {
    UUID id = Params.pathId(ctx, "user_id");
    UserPatch patch = UserPatch.from(RequestBody.of(ctx));
    return users.update(id, patch)
        .compose(changed -> {
          AuditTrail.before(ctx, changed.before());
          boolean suspended = "active".equals(changed.before().getString("status"))
              && "suspended".equals(changed.after().getString("status"));
          return suspended ? endSessions(ctx, id).map(changed.after()) : Future.succeededFuture(changed.after());
        });
  }

  /** Access tokens fail from now on (Redis, every node); runs of theirs that have not ended stop. */
  private Future<Void> endSessions(RoutingContext ctx, UUID userId) {
    UUID admin = Principal.of(ctx).userId();
    return revocations.revokeAllOf(userId)
        .compose(v -> apiKeys.ownerChanged(userId))
        .compose(v -> runs.cancelAllOf(userId, admin, TraceIdHandler.traceId(ctx)))
        .mapEmpty();
  }

  private Future<Void> delete(RoutingContext ctx) {
    UUID id = Params.pathId(ctx, "user_id");
    UUID admin = Principal.of(ctx).userId();
    return users.delete(id).compose(before -> {
      AuditTrail.before(ctx, before);
      return revocations.revokeAllOf(id)
          .compose(v -> apiKeys.ownerChanged(id))
          .compose(v -> runs.cancelAllOf(id, admin, TraceIdHandler.traceId(ctx)))
          .<Void>mapEmpty();
    });
  }
}
