package dev.arkloop.api.mcp;

import static dev.arkloop.api.http.Permissions.MCP_CONFIGS_MANAGE;
import static dev.arkloop.api.http.Permissions.PLATFORM_ADMIN;

import dev.arkloop.api.billing.Entitlements;
import dev.arkloop.api.http.Fields;
import dev.arkloop.api.http.Params;
import dev.arkloop.api.http.Principal;
import dev.arkloop.api.http.RequestBody;
import dev.arkloop.api.http.Resource;
import dev.arkloop.api.http.Routes;
import dev.arkloop.api.http.ScopeParam;
import dev.arkloop.common.config.ArkloopConfig;
import dev.arkloop.common.crypto.SecretBox;
import dev.arkloop.common.error.ApiException;
import dev.arkloop.common.net.OutboundGuard;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.List;
import java.util.UUID;

/**
 * MCP server configs (API.md §5.2). The bearer token and the env map are sealed at rest and never
 * returned: responses say {@code has_auth} only.
 *
 * <p>A stdio config runs a command on the worker host, so it exists only where the operator turned
 * stdio on, only for a command on the operator's list, and only a platform admin may create, change
 * or enable one; the worker uses it only while that admin still is one.
 */
public final class McpConfigRoutes implements Resource {
  private static final String[] TRANSPORTS = {"stdio", "http_sse", "streamable_http"};
  private final McpConfigRepository configs;
  private final SecretBox secrets;
  private final ArkloopConfig.Tools tools;
  private final OutboundGuard guard;

  private final Entitlements entitlements;

  public McpConfigRoutes(io.vertx.core.Vertx vertx, io.vertx.sqlclient.Pool pool, SecretBox secrets,
      ArkloopConfig.Tools tools, Entitlements entitlements) {
    this.entitlements = entitlements;
    this.configs = new McpConfigRepository(pool);
    this.secrets = secrets;
    this.tools = tools;
    this.guard = new OutboundGuard(vertx, tools.allowPrivateNetwork());
  }

  /**
   * A remote server's URL must pass the address policy now (the worker checks again on connect); a
   * name that does not resolve yet is kept.
   */
  private Future<Void> checkAddress(String url) {
    if (url == null) {
      return Future.succeededFuture();
    }
    return guard.checkOnSave(URI.create(url)).recover(e -> Future.failedFuture(e instanceof OutboundGuard.Refused
        ? new ApiException(400, "validation.error", "url must not point at a private, loopback or reserved address",
            new JsonObject().put("field", "url").put("reason", "address_refused"))
        : e));
  }

  @Override
  public void mount(Routes routes) {
    String one = "/v1/mcp-configs/:config_id";
    routes.post("/v1/mcp-configs").requires(MCP_CONFIGS_MANAGE).status(201).audit("mcp_config.create")
        .respond(this::create);
    routes.get("/v1/mcp-configs").requires(MCP_CONFIGS_MANAGE).respond(ctx -> {
      ScopeParam.requested(ctx); // the configs are the account's; any valid scope name means that
      return configs.list(orgId(ctx));
    });
    routes.get(one).requires(MCP_CONFIGS_MANAGE).respond(ctx ->
        found(configs.get(orgId(ctx), Params.pathId(ctx, "config_id"))));
    routes.patch(one).requires(MCP_CONFIGS_MANAGE).audit("mcp_config.update").respond(this::update);
    routes.put(one).requires(MCP_CONFIGS_MANAGE).audit("mcp_config.update").respond(this::update);
    routes.delete(one).requires(MCP_CONFIGS_MANAGE).audit("mcp_config.delete").respond(ctx ->
        configs.delete(orgId(ctx), Params.pathId(ctx, "config_id")).compose(deleted -> deleted
            ? Future.succeededFuture(new JsonObject().put("ok", true))
            : Future.failedFuture(ApiException.notFound("mcp_configs"))));
  }

  private static UUID orgId(RoutingContext ctx) {
    return Principal.of(ctx).orgId();
  }

  private Future<JsonObject> create(RoutingContext ctx) {
    RequestBody body = RequestBody.of(ctx);
    JsonObject config = new JsonObject()
        .put("name", name(body.string("name")))
        .put("transport", Fields.oneOf("transport", body.string("transport"), TRANSPORTS));
    boolean stdio = config.getString("transport").equals("stdio");
    if (stdio) {
      requireStdioAllowed(Principal.of(ctx));
    }
    String url = url(body.optionalString("url"));
    String command = Fields.length("command", body.optionalString("command"), 1, 1000);
    if (stdio && command != null && !tools.stdioCommandAllowed(command)) {
      throw new ApiException(403, "policy.denied", "this command is not on the server's stdio MCP command list",
          new JsonObject().put("reason", "mcp.stdio_command_not_allowed").put("field", "command"));
    }
    if (!stdio && url == null) {
      throw ApiException.invalid("url", "url is required for the " + config.getString("transport") + " transport");
    }
    if (stdio && command == null) {
      throw ApiException.invalid("command", "command is required for the stdio transport");
    }
    config.put("url", url).put("command", command)
        .put("cwd", Fields.length("cwd", body.optionalString("cwd"), 1, 1000))
        .put("inherit_parent_env", Boolean.TRUE.equals(body.optionalBoolean("inherit_parent_env")))
        .put("call_timeout_ms", timeout(body.optionalLong("call_timeout_ms")));
    List<String> args = body.optionalStringList("args");
    config.put("args", args == null ? new JsonArray() : new JsonArray(List.copyOf(args)));
    JsonObject env = env(body.optionalObject("env"));
    String token = body.optionalString("bearer_token");
    if ((env != null && !env.isEmpty()) || token != null) {
      requireSecrets();
    }
    config.put("env_sealed", env == null || env.isEmpty() ? null : secrets.seal(env.encode()));
    config.put("bearer_token_sealed", token == null ? null : secrets.seal(token));
    config.put("stdio_approved_by", stdio ? Principal.of(ctx).userId().toString() : null);
    return (stdio ? Future.<Void>succeededFuture() : entitlements.requireEnabled(orgId(ctx),
            Entitlements.MCP_REMOTE_ENABLED, "entitlement.mcp_remote_disabled"))
        .compose(allowed -> checkAddress(url))
        .compose(ok -> configs.create(orgId(ctx), config));
  }

  private Future<JsonObject> update(RoutingContext ctx) {
    UUID id = Params.pathId(ctx, "config_id");
    RequestBody body = RequestBody.of(ctx);
    JsonObject changes = new JsonObject();
    if (body.has("name")) {
      changes.put("name", name(body.string("name")));
    }
    if (body.has("url")) {
      changes.put("url", url(body.optionalString("url")));
    }
    if (body.has("bearer_token")) {
      String token = body.optionalString("bearer_token");
      if (token != null) {
        requireSecrets();
      }
      changes.put("bearer_token_sealed", token == null ? null : secrets.seal(token));
    }
    if (body.has("call_timeout_ms")) {
      changes.put("call_timeout_ms", timeout(body.optionalLong("call_timeout_ms")));
    }
    if (body.has("is_active")) {
      changes.put("is_active", body.optionalBoolean("is_active"));
    }
    return found(configs.get(orgId(ctx), id)).compose(existing -> {
      if (existing.getString("transport").equals("stdio")) {
        requireStdioAllowed(Principal.of(ctx));
        if (!tools.stdioCommandAllowed(existing.getString("command"))) {
          return Future.failedFuture(new ApiException(403, "policy.denied",
              "this command is not on the server's stdio MCP command list",
              new JsonObject().put("reason", "mcp.stdio_command_not_allowed").put("field", "command")));
        }
        changes.put("stdio_approved_by", Principal.of(ctx).userId().toString());
      }
      if (!existing.getString("transport").equals("stdio") && changes.containsKey("url")
          && changes.getString("url") == null) {
        return Future.failedFuture(ApiException.invalid("url", "url is required for this transport"));
      }
      return checkAddress(changes.getString("url"))
          .compose(ok -> found(configs.update(orgId(ctx), id, changes)));
    });
  }


  private void requireStdioAllowed(Principal principal) {
    if (!tools.mcpStdioEnabled()) {
      throw new ApiException(403, "policy.denied", "stdio MCP servers are disabled on this server",
          new JsonObject().put("reason", "mcp_stdio_disabled"));
    }
    if (!principal.has(PLATFORM_ADMIN)) {
      throw new ApiException(403, "auth.forbidden", "only a platform admin may configure a stdio MCP server",
          new JsonObject().put("reason", "mcp.stdio_requires_platform_admin"));
    }
  }

  private void requireSecrets() {
    if (secrets == null) {
      throw new ApiException(503, "secrets.not_configured", "ARKLOOP_ENCRYPTION_KEY is not set");
    }
  }

  /** Names become part of tool names ({@code mcp__<name>__<tool>}): letters, digits, '_' and '-'. */
  private static String name(String name) {
    if (!name.matches("[A-Za-z0-9][A-Za-z0-9_-]{0,63}") || name.contains("__")) {
      throw ApiException.invalid("name", "name must be 1 to 64 letters, digits, '_' or '-' (no '__')");
    }
    return name;
  }

  private static String url(String value) {
    if (value == null) {
      return null;
    }
    try {
      URI uri = new URI(value.trim());
      if (uri.getHost() != null && ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
          && value.length() <= 2000) {
        return value.trim();
      }
    } catch (java.net.URISyntaxException e) {
      // refused below
    }
    throw ApiException.invalid("url", "url must be an http or https URL");
  }

  private static int timeout(Long value) {
    if (value == null) {
      return 10_000;
    }
    if (value < 100 || value > 600_000) {
      throw ApiException.invalid("call_timeout_ms", "call_timeout_ms must be between 100 and 600000");
    }
    return value.intValue();
  }

  private static JsonObject env(JsonObject env) {
    if (env == null) {
      return null;
    }
    for (String key : env.fieldNames()) {
      if (!(env.getValue(key) instanceof String) || key.isEmpty() || key.contains("=") || key.indexOf('\0') >= 0) {
        throw ApiException.unparseable("env", "env must be an object of string values");
      }
    }
    return env;
  }

  private static Future<JsonObject> found(Future<JsonObject> config) {
    return config.compose(c -> c == null ? Future.failedFuture(ApiException.notFound("mcp_configs"))
        : Future.succeededFuture(c));
  }
}
