package dev.arkloop.worker.tools.mcp;

import dev.arkloop.common.crypto.SecretBox;
import dev.arkloop.worker.tools.Tool;
import dev.arkloop.worker.tools.web.AddressPolicy;
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

  private final boolean stdioEnabled;

  public McpTools(Vertx vertx, Pool pool, SecretBox secrets, AddressPolicy policy, int ttlSeconds,
      boolean stdioEnabled) {
    this.pool = pool;
    this.stdioEnabled = stdioEnabled;
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
    return pool.preparedQuery("SELECT id, org_id, name, transport, url, command, args, cwd, env_sealed, "
            + "bearer_token_sealed, inherit_parent_env, call_timeout_ms, updated_at FROM mcp_configs "
            + "WHERE org_id = $1 AND is_active ORDER BY name")
        .execute(Tuple.of(orgId))
        .map(rows -> {
          List<McpServer> servers = new ArrayList<>();
          rows.forEach(row -> {
            McpServer server = toServer(row);
            if (server != null && (stdioEnabled || !server.transport().equals("stdio"))) {
              servers.add(server);
            }
          });
          return servers;
        });
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
