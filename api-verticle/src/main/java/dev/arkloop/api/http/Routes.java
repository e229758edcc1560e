package dev.arkloop.api.http;

import dev.arkloop.api.audit.AuditTrail;
import dev.arkloop.api.auth.Authenticator;
import dev.arkloop.api.auth.Principal;
import dev.arkloop.common.error.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.Function;

/**
 * Where every endpoint is mounted, with what it requires declared in the same line:
 * {@code routes.post("/v1/threads").requires(THREADS_WRITE).respond(this::create)}. Endpoints are
 * authenticated unless marked {@link Endpoint#publicAccess()}; mutating ones are audited.
 */
public final class Routes {
  private final Router router;
  private final Authenticator authenticator;
  private final AuditTrail audit;
  private final RouteTable table = new RouteTable();

  public Routes(Router router, Authenticator authenticator, AuditTrail audit) {
    this.router = router;
    this.authenticator = authenticator;
    this.audit = audit;
  }

  /** Every endpoint mounted through these routes, in mounting order: the source of the API contract. */
  public RouteTable table() {
    return table;
  }

  public Endpoint get(String path) {
    return new Endpoint(HttpMethod.GET, path);
  }

  public Endpoint post(String path) {
    return new Endpoint(HttpMethod.POST, path);
  }

  public Endpoint patch(String path) {
    return new Endpoint(HttpMethod.PATCH, path);
  }

  public Endpoint put(String path) {
    return new Endpoint(HttpMethod.PUT, path);
  }

  public Endpoint delete(String path) {
    return new Endpoint(HttpMethod.DELETE, path);
  }

  /** One endpoint being declared. */
  public final class Endpoint {
    private final List<HttpMethod> methods;
    private final String path;
    private List<String> permissions = List.of();
    private boolean authenticated = true;
    private String auditAction;
    private int successStatus = 200;
    private String operationId;

    private Endpoint(HttpMethod method, String path) {
      this.methods = List.of(method);
      this.path = path;
    }

    /** Every permission listed is needed. */
    public Endpoint requires(String... needed) {
      this.permissions = List.of(needed);
      return this;
    }

    public Endpoint publicAccess() {
      this.authenticated = false;
      return this;
    }

    /** The audit action of a successful call, e.g. {@code thread.create}. */
    public Endpoint audit(String action) {
      this.auditAction = action;
      return this;
    }

    /** The contract's operation id, when the one derived from method and path does not read well. */
    public Endpoint operationId(String id) {
      this.operationId = id;
      return this;
    }

    /** Status of a successful response with a body (default 200). */
    public Endpoint status(int status) {
      this.successStatus = status;
      return this;
    }

    /** The handler's future value is the response: JSON for a value, 204 for null. */
    public <T> void respond(Function<RoutingContext, Future<T>> handler) {
      declare(false);
      Route route = prepare();
      route.respond(ctx -> {
        ctx.response().setStatusCode(successStatus);
        Future<T> result = handler.apply(ctx);
        return auditAction == null ? result : result.onSuccess(value -> audit.record(ctx, auditAction,
            value instanceof JsonObject json ? json : null));
      });
    }

    /** A handler that writes the response itself (streams, raw bytes). */
    public void handler(Handler<RoutingContext> handler) {
      declare(true);
      prepare().handler(handler);
    }

    private void declare(boolean writesItself) {
      methods.forEach(method -> table.add(new RouteTable.Entry(method.name(), path, permissions, authenticated,
          auditAction, successStatus, writesItself, operationId)));
    }

    private Route prepare() {
      Route route = router.route(path);
      methods.forEach(route::method);
      if (authenticated) {
        route.handler(authenticator::handle);
        if (!permissions.isEmpty()) {
          route.handler(ctx -> {
            Principal principal = Authenticator.principal(ctx);
            for (String permission : permissions) {
              if (!principal.has(permission)) {
                ctx.fail(new ApiException(403, "auth.forbidden", "missing permission " + permission,
                    new JsonObject().put("reason", "permission_missing").put("permission", permission)));
                return;
              }
            }
            ctx.next();
          });
        }
      }
      return route;
    }
  }
}
