package dev.arkloop.worker.tools.mcp;

import dev.arkloop.common.config.ArkloopConfig;
import dev.arkloop.common.crypto.SecretBox;
import dev.arkloop.worker.tools.Tool;
import dev.arkloop.common.net.AddressPolicy;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MCP tools of an account: each active config's server is asked for its tools, and each tool is
 * offered as {@code mcp__<config name>__<tool>}. Discovery is cached per account for {@code
 * ARKLOOP_MCP_CACHE_TTL_SECONDS}; a server that cannot be reached is left out (and logged), it
 * never fails the run.
 */
public final class McpTools {
  private static final Logger LOG = LoggerFactory.getLogger(McpTools.class);
  private static final long DISCOVERY_TIMEOUT_MS = 45_000;
  /** A discovery that left a server out is kept this long at most, so the server is soon tried again. */
  private static final long PARTIAL_TTL_NANOS = 10_000_000_000L;

  private record Cached(long expiresAtNanos, List<Tool> tools) {}

  private final Pool pool;
  private final SecretBox secrets;
  private final McpConnections connections;
  private final long ttlNanos;
  private final Map<UUID, Cached> cache = new ConcurrentHashMap<>();

  private final ArkloopConfig.Tools settings;

  public McpTools(Vertx vertx, Pool pool, SecretBox secrets, AddressPolicy policy, int ttlSeconds,
      ArkloopConfig.Tools settings) {
    this.pool = pool;
    this.settings = settings;
    this.secrets = secrets;
    this.connections = new McpConnections(vertx, new McpConnector(policy));
    this.ttlNanos = ttlSeconds * 1_000_000_000L;
  }

  public Future<List<Tool>> tools(UUID orgId) {
    Cached cached = cache.get(orgId);
    if (cached != null && cached.expiresAtNanos() - System.nanoTime() > 0) {
      return Future.succeededFuture(cached.tools());
    }
    return servers(orgId).compose(servers -> {
      List<Future<List<Tool>>> discovering = new ArrayList<>();
      servers.forEach(server -> discovering.add(discover(server)));
      return Future.join(discovering).transform(done -> {
        List<Tool> tools = new ArrayList<>();
        discovering.stream().filter(Future::succeeded).forEach(f -> tools.addAll(f.result()));
        boolean complete = discovering.stream().allMatch(Future::succeeded);
        long ttl = complete ? ttlNanos : Math.min(ttlNanos, PARTIAL_TTL_NANOS);
        if (ttl > 0) {
          cache.put(orgId, new Cached(System.nanoTime() + ttl, List.copyOf(tools)));
        }
        return Future.succeededFuture(tools);
      });
    });
  }

  public Future<Void> close() {
    return connections.close();
  }

  private Future<List<Tool>> discover(McpServer server) {
    return connections.use(server, client -> client.listTools().tools(), DISCOVERY_TIMEOUT_MS)
        .map(found -> {
          List<Tool> tools = new ArrayList<>();
          for (McpSchema.Tool tool : found) {
            tools.add(new McpTool(server, tool.name(), tool.description(), schema(tool.inputSchema()), connections));
          }
          return tools;
        })
        .onFailure(e -> LOG.warn("MCP tool discovery failed {}: {}", server.describe().encode(), e.getMessage()));
  }

  @SuppressWarnings("unchecked")
  private static JsonObject schema(Object inputSchema) {
    if (!(inputSchema instanceof Map)) {
      return new JsonObject().put("type", "object");
    }
    return new JsonObject(new HashMap<>((Map<String, Object>) inputSchema)).copy();
  }

  private Future<List<McpServer>> servers(UUID orgId) {
    return pool.preparedQuery("SELECT c.id, c.org_id, c.name, c.transport, c.url, c.command, c.args, c.cwd, "
            + "c.env_sealed, c.bearer_token_sealed, c.inherit_parent_env, c.call_timeout_ms, c.updated_at, "
            + "coalesce(u.is_platform_admin AND u.status = 'active', false) AS admin_approved "
            + "FROM mcp_configs c LEFT JOIN users u ON u.id = c.stdio_approved_by "
            + "WHERE c.org_id = $1 AND c.is_active ORDER BY c.name")
        .execute(Tuple.of(orgId))
        .map(rows -> {
          List<McpServer> servers = new ArrayList<>();
          rows.forEach(row -> {
            if (row.getString("transport").equals("stdio") && !stdioAllowed(row)) {
              return;
            }
            McpServer server = toServer(row);
            if (server != null) {
              servers.add(server);
            }
          });
          return servers;
        });
  }

  /**
   * Checked again here, not only when the config was saved: stdio may have been turned off, the
   * command taken off the list, or the config written before only platform admins could (or by one
   * who no longer is).
   */
  private boolean stdioAllowed(Row row) {
    if (settings.stdioCommandAllowed(row.getString("command")) && row.getBoolean("admin_approved")) {
      return true;
    }
    if (settings.mcpStdioEnabled()) {
      LOG.warn("stdio MCP config not used: its command is not listed or no platform admin approved it "
          + "[config: {}]", row.getUUID("id"));
    }
    return false;
  }

  private McpServer toServer(Row row) {
    Map<String, String> env = new HashMap<>();
    String token = null;
    try {
      if (row.getString("env_sealed") != null) {
        new JsonObject(secrets.open(row.getString("env_sealed"))).forEach(e -> env.put(e.getKey(),
            String.valueOf(e.getValue())));
      }
      if (row.getString("bearer_token_sealed") != null) {
        token = secrets.open(row.getString("bearer_token_sealed"));
      }
    } catch (RuntimeException e) {
      LOG.warn("MCP config secrets cannot be opened, config skipped [config: {}]", row.getUUID("id"));
      return null;
    }
    Object rawArgs = row.getValue("args");
    JsonArray args = rawArgs instanceof JsonArray array ? array : new JsonArray(String.valueOf(rawArgs));
    List<String> argList = new ArrayList<>();
    args.forEach(arg -> argList.add(String.valueOf(arg)));
    return new McpServer(row.getUUID("id"), row.getUUID("org_id"), row.getString("name"), row.getString("transport"),
        row.getString("url"), row.getString("command"), argList, row.getString("cwd"), env, token,
        row.getBoolean("inherit_parent_env"), row.getInteger("call_timeout_ms"),
        String.valueOf(row.getOffsetDateTime("updated_at")));
  }
}
