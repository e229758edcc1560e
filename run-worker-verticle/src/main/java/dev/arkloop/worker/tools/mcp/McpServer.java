package dev.arkloop.worker.tools.mcp;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One active MCP server config of an account, secrets opened. {@code version} changes whenever the
 * config does, so a connection made for an older version is replaced.
 */
record McpServer(UUID id, UUID orgId, String name, String transport, String url, String command, List<String> args,
    String cwd, Map<String, String> env, String bearerToken, boolean inheritParentEnv, int callTimeoutMs,
    String version) {

  String connectionKey() {
    return id + "@" + version;
  }

  /** For logs: never the token or the env. */
  JsonObject describe() {
    return new JsonObject().put("id", id.toString()).put("name", name).put("transport", transport);
  }
}
