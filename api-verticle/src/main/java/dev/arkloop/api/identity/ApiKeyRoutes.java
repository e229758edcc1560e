package dev.arkloop.api.identity;

import static dev.arkloop.api.http.Permissions.API_KEYS_MANAGE;
import static dev.arkloop.api.http.Permissions.MEMBERS_LIST;

import dev.arkloop.api.http.Permissions;
import dev.arkloop.api.http.Principal;
import dev.arkloop.api.http.Fields;
import dev.arkloop.api.http.Params;
import dev.arkloop.api.http.RequestBody;
import dev.arkloop.api.http.Routes;
import dev.arkloop.common.crypto.Tokens;
import dev.arkloop.common.error.ApiException;
import dev.arkloop.common.ids.Ids;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** API keys: {@code al_} + 64 hex characters, shown once at creation. */
public final class ApiKeyRoutes {
  private final ApiKeyRepository keys;

  public ApiKeyRoutes(ApiKeyRepository keys) {
    this.keys = keys;
  }

  public void mount(Routes routes) {
    routes.post("/v1/api-keys").requires(API_KEYS_MANAGE).status(201).audit("api_key.create").respond(this::create);
    routes.get("/v1/api-keys").requires(API_KEYS_MANAGE).respond(ctx -> {
      Principal principal = Principal.of(ctx);
      return keys.list(principal.orgId(), principal.userId(), principal.has(MEMBERS_LIST));
    });
    routes.delete("/v1/api-keys/:id").requires(API_KEYS_MANAGE).audit("api_key.revoke").respond(this::revoke);
  }

  private Future<JsonObject> create(RoutingContext ctx) {
    RequestBody body = RequestBody.of(ctx);
    String name = Fields.length("name", body.string("name").trim(), 1, 200);
    List<String> scopes = body.optionalStringList("scopes");
    scopes = scopes == null ? List.of() : scopes.stream().distinct().sorted().toList();
    List<String> unknown = scopes.stream().filter(scope -> !Permissions.ALL.contains(scope)).toList();
    if (!unknown.isEmpty()) {
      throw new ApiException(422, "validation.error", "unknown scopes",
          new JsonObject().put("field", "scopes").put("scopes", new JsonArray(unknown)));
    }
    Principal principal = Principal.of(ctx);
    List<String> beyond = scopes.stream().filter(scope -> !principal.has(scope)).toList();
    if (!beyond.isEmpty()) {
      throw new ApiException(403, "api_keys.scope_forbidden", "a key cannot hold permissions its creator lacks",
          new JsonObject().put("scopes", new JsonArray(beyond)));
    }
    if (scopes.isEmpty() && principal.viaApiKey()) {
      scopes = Permissions.sorted(principal.permissions());
    }
    String key = "al_" + Ids.randomHex(32);
    return keys.create(Ids.newId(), principal.orgId(), principal.userId(), name, key.substring(0, 11),
            Tokens.sha256Hex(key), scopes)
        .map(created -> created.put("key", key));
  }

  private Future<Void> revoke(RoutingContext ctx) {
    Principal principal = Principal.of(ctx);
    return keys.revoke(Params.pathId(ctx, "id"), principal.orgId(), principal.userId(), principal.has(MEMBERS_LIST))
        .compose(done -> done ? Future.succeededFuture() : Future.failedFuture(ApiException.notFound("api_keys")));
  }
}
