package dev.arkloop.api.http;

import dev.arkloop.common.bus.ConfigChanges;
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
 * {@code routes.post("/v1/threads").requires(THREADS_WRITE).respond(this::create)}. Each endpoint
 * must say who may call it: {@link Endpoint#requires}, {@link Endpoint#requiresAny}, {@link
 * Endpoint#requiresInAccount}, {@link Endpoint#sessionOnly}, {@link Endpoint#anyCaller} or {@link
 * Endpoint#publicAccess}; one
 * that says nothing is a startup error, never a silent allow. Mutating endpoints are audited.
 */
public final class Routes {
  private final Router router;
  private final Authentication authentication;
  private final Auditor audit;
  private final RouteTable table = new RouteTable();

  public Routes(Router router, Authentication authentication, Auditor audit) {
    this.router = router;
    this.authentication = authentication;
    this.audit = audit;
  }

  /** Every endpoint mounted through these routes, in mounting order: the source of the API contract. */
  public RouteTable table() {
    return table;
  }

  /** Runs {@code handler} before every endpoint under {@code pathPattern} mounted after this call. */
  public void before(String pathPattern, Handler<RoutingContext> handler) {
    router.route(pathPattern).handler(handler);
  }

  /** A public GET outside the API proper (health probes), listed in the contract as writing its own body. */
  public Route probe(String path) {
    table.addPublic("GET", path, 200, null);
    return router.get(path);
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
    private boolean anyOf;
    private boolean inAccount;
    private boolean sessionOnly;
    private boolean declared;
    private boolean authenticated = true;
    private String auditAction;
    private String announcedChange;
    private int successStatus = 200;
    private String operationId;

    private Endpoint(HttpMethod method, String path) {
      this.methods = List.of(method);
      this.path = path;
    }

    /** Every permission listed is needed. */
    public Endpoint requires(String... needed) {
      if (needed.length == 0) {
        throw new IllegalArgumentException("requires() needs a permission: " + this);
      }
      this.permissions = List.of(needed);
      this.declared = true;
      return this;
    }

    /**
     * One of the permissions is needed; the handler decides which applies (e.g. by {@code ?scope=})
     * and checks it.
     */
    public Endpoint requiresAny(String... options) {
      requires(options);
      this.anyOf = true;
      return this;
    }

    /**
     * The permission is checked by the handler in the account the resource belongs to (the path's
     * account, or the account of the resource named), which may differ from the caller's current one;
     * an API key acts only in its own account, so it must hold the permission here already.
     */
    public Endpoint requiresInAccount(String permission) {
      this.permissions = List.of(permission);
      this.inAccount = true;
      this.declared = true;
      return this;
    }

    /**
     * Any authenticated caller, whatever its permissions: only for reading who the caller is, which a
     * key narrowed to anything must still be able to do.
     */
    public Endpoint anyCaller() {
      this.declared = true;
      return this;
    }

    /** A signed-in user's session only: API keys are refused ({@code api_key_not_allowed}). */
    public Endpoint sessionOnly() {
      this.sessionOnly = true;
      this.declared = true;
      return this;
    }

    public Endpoint publicAccess() {
      this.authenticated = false;
      this.declared = true;
      return this;
    }

    @Override
    public String toString() {
      return methods + " " + path;
    }

    /** The audit action of a successful call, e.g. {@code thread.create}. */
    public Endpoint audit(String action) {
      this.auditAction = action;
      return this;
    }

    /**
     * A successful call changes stored configuration that run workers keep in memory: it is announced
     * ({@link ConfigChanges}) before the response is sent.
     */
    public Endpoint announces(String change) {
      this.announcedChange = change;
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
        Future<T> result = handler.apply(ctx).onSuccess(TenantFields::addAccountIds);
        if (announcedChange != null) {
          result = result.onSuccess(value -> ConfigChanges.announce(ctx.vertx(), announcedChange));
        }
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
      if (!declared) {
        throw new IllegalStateException("endpoint " + this + " declares no permission: "
            + "requires(...), requiresAny(...), requiresInAccount(...), sessionOnly(), anyCaller() or publicAccess()");
      }
      Route route = router.route(path);
      methods.forEach(route::method);
      if (authenticated) {
        route.handler(Routes.this::authenticate);
        route.handler(this::authorize);
      }
      return route;
    }

    private void authorize(RoutingContext ctx) {
      Principal principal = Principal.of(ctx);
      if (sessionOnly && principal.viaApiKey()) {
        ctx.fail(apiKeyNotAllowed());
        return;
      }
      if (anyOf && permissions.stream().noneMatch(principal::has)) {
        ctx.fail(missing(String.join("|", permissions)));
        return;
      }
      boolean handlerChecks = anyOf || (inAccount && !principal.viaApiKey());
      String lacking = handlerChecks ? null : permissions.stream().filter(p -> !principal.has(p)).findFirst().orElse(null);
      if (lacking != null) {
        ctx.fail(missing(lacking));
        return;
      }
      ctx.next();
    }
  }

  private void authenticate(RoutingContext ctx) {
    authentication.admit(ctx)
        .onSuccess(principal -> {
          ctx.put(Principal.CONTEXT_KEY, principal);
          ctx.next();
        })
        .onFailure(ctx::fail);
  }

  /** API keys never act for a session: they may not sign out, refresh or otherwise drive one. */
  public static ApiException apiKeyNotAllowed() {
    return new ApiException(403, "auth.forbidden", "API keys may not call this endpoint",
        new JsonObject().put("reason", "api_key_not_allowed"));
  }

  private static ApiException missing(String permission) {
    return new ApiException(403, "auth.forbidden", "missing permission " + permission,
        new JsonObject().put("reason", "permission_missing").put("permission", permission));
  }
}
