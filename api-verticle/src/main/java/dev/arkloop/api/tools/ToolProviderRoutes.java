package dev.arkloop.api.tools;

import static dev.arkloop.api.http.Permissions.PLATFORM_ADMIN;
import static dev.arkloop.api.http.Permissions.SECRETS_MANAGE;

import dev.arkloop.api.http.Principal;
import dev.arkloop.api.http.RequestBody;
import dev.arkloop.api.http.Resource;
import dev.arkloop.api.http.Routes;
import dev.arkloop.api.http.ScopeParam;
import dev.arkloop.common.crypto.SecretBox;
import dev.arkloop.common.error.ApiException;
import dev.arkloop.common.tools.ToolProviderCatalog;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/**
 * Tool providers (API.md §5.3): {@code ?scope=platform} (the default; {@code platform.admin}) or
 * {@code ?scope=org} ({@code data.secrets.manage}). API keys are sealed at rest and shown only as a
 * masked {@code key_prefix}.
 */
public final class ToolProviderRoutes implements Resource {
  private final ToolProviderRepository providers;
  private final SecretBox secrets;

  public ToolProviderRoutes(io.vertx.sqlclient.Pool pool, SecretBox secrets) {
    this.providers = new ToolProviderRepository(pool);
    this.secrets = secrets;
  }

  @Override
  public void mount(Routes routes) {
    String path = "/v1/tool-providers/:group/:provider/";
    routes.get("/v1/tool-providers").requiresAny(SECRETS_MANAGE, PLATFORM_ADMIN).respond(this::list);
    routes.put(path + "activate").requiresAny(SECRETS_MANAGE, PLATFORM_ADMIN).audit("tool_provider.activate").respond(ctx -> {
      Target target = target(ctx);
      return providers.activate(target.scope, target.orgId, target.provider.group(), target.provider.name());
    });
    routes.put(path + "deactivate").requiresAny(SECRETS_MANAGE, PLATFORM_ADMIN).audit("tool_provider.deactivate").respond(ctx -> {
      Target target = target(ctx);
      return providers.deactivate(target.scope, target.orgId, target.provider.name());
    });
    routes.put(path + "credential").requiresAny(SECRETS_MANAGE, PLATFORM_ADMIN).audit("tool_provider.credential_set").respond(this::setCredential);
    routes.delete(path + "credential").requiresAny(SECRETS_MANAGE, PLATFORM_ADMIN).audit("tool_provider.credential_delete").respond(ctx -> {
      Target target = target(ctx);
      return providers.deleteCredential(target.scope, target.orgId, target.provider.name());
    });
  }

  private record Target(String scope, UUID orgId, ToolProviderCatalog.Provider provider) {}

  private static Target target(RoutingContext ctx) {
    String scope = ScopeParam.of(ctx, ScopeParam.PLATFORM, SECRETS_MANAGE);
    ToolProviderCatalog.Provider provider = ToolProviderCatalog.find(ctx.pathParam("group"), ctx.pathParam("provider"));
    if (provider == null) {
      throw new ApiException(404, "tool_providers.not_found", "no such tool provider");
    }
    return new Target(scope, Principal.of(ctx).orgId(), provider);
  }

  private Future<JsonObject> list(RoutingContext ctx) {
    String scope = ScopeParam.of(ctx, ScopeParam.PLATFORM, SECRETS_MANAGE);
    return providers.list(scope, Principal.of(ctx).orgId()).map(rows -> {
      JsonArray groups = new JsonArray();
      for (String group : ToolProviderCatalog.GROUPS) {
        JsonArray items = new JsonArray();
        ToolProviderCatalog.PROVIDERS.stream().filter(p -> p.group().equals(group)).forEach(p -> {
          JsonObject row = rows.getOrDefault(p.name(), new JsonObject());
          items.add(new JsonObject()
              .put("group_name", group)
              .put("provider_name", p.name())
              .put("is_active", row.getBoolean("is_active", false))
              .put("key_prefix", row.getString("key_prefix"))
              .put("base_url", row.getString("base_url"))
              .put("requires_api_key", p.requiresApiKey())
              .put("requires_base_url", p.requiresBaseUrl())
              .put("configured", p.configured(row.getBoolean("has_key", false) ? "sealed" : null,
                  row.getString("base_url"))));
        });
        groups.add(new JsonObject().put("group_name", group).put("providers", items));
      }
      return new JsonObject().put("groups", groups);
    });
  }

  private Future<Void> setCredential(RoutingContext ctx) {
    Target target = target(ctx);
    RequestBody body = RequestBody.optional(ctx);
    String apiKey = body.optionalString("api_key");
    String baseUrl = BaseUrls.check("base_url", body.optionalString("base_url"));
    if (apiKey != null && (apiKey.isBlank() || apiKey.length() > 4096)) {
      throw ApiException.invalid("api_key", "api_key must be 1 to 4096 characters");
    }
    if (apiKey == null && baseUrl == null) {
      return Future.succeededFuture();
    }
    if (apiKey != null && secrets == null) {
      throw new ApiException(503, "secrets.not_configured", "ARKLOOP_ENCRYPTION_KEY is not set");
    }
    String sealed = apiKey == null ? null : secrets.seal(apiKey);
    ToolProviderCatalog.Provider provider = target.provider;
    return providers.list(target.scope, target.orgId).compose(rows -> {
      JsonObject row = rows.getOrDefault(provider.name(), new JsonObject());
      boolean hasKey = sealed != null || row.getBoolean("has_key", false);
      String url = baseUrl != null ? baseUrl : row.getString("base_url");
      if (!provider.configured(hasKey ? "sealed" : null, url)) {
        String field = provider.requiresApiKey() && !hasKey ? "api_key" : "base_url";
        return Future.failedFuture(new ApiException(422, "validation.error", "the provider needs " + field,
            new JsonObject().put("field", field)));
      }
      return providers.setCredential(target.scope, target.orgId, provider.group(), provider.name(), sealed,
          SecretBox.mask(apiKey), baseUrl).mapEmpty();
    });
  }
}
