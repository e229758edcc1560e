package dev.arkloop.launcher.security;

import static dev.arkloop.common.testing.Await.await;
import static dev.arkloop.common.testing.TestClient.assertError;
import static dev.arkloop.launcher.RunEvents.last;
import static dev.arkloop.launcher.RunEvents.one;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.arkloop.common.db.Pools;
import dev.arkloop.common.testing.TestClient;
import dev.arkloop.launcher.RunEvents;
import dev.arkloop.launcher.TestNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A stdio MCP config runs a command on the worker host: off by default, and even when an operator
 * turns it on, only platform admins configure one, only with a listed command, and a config nobody
 * with that right approved is never started.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class McpStdioSecurityTest {
  private static JsonObject stdio(String name, String command, String... args) {
    return new JsonObject().put("name", name).put("transport", "stdio").put("command", command)
        .put("args", new JsonArray(List.of(args)));
  }

  @Test
  void stdioIsOffByDefaultEvenForAPlatformAdmin() {
    try (TestNode node = TestNode.start(Map.of())) {
      TestClient root = node.register("root");
      HttpResponse<Buffer> refused = root.post("/v1/mcp-configs", stdio("x", "node"));
      assertEquals("mcp_stdio_disabled", assertError(refused, 403, "policy.denied")
          .getJsonObject("details").getString("reason"));
    }
  }

  @Test
  void onlyPlatformAdminsConfigureStdioAndOnlyWithListedCommands() {
    try (TestNode node = TestNode.start(Map.of("ARKLOOP_MCP_STDIO_ENABLED", "1",
        "ARKLOOP_MCP_STDIO_COMMANDS", "node"))) {
      TestClient root = node.register("root");
      TestClient mallory = node.register("mallory");
      assertEquals("mcp.stdio_requires_platform_admin",
          assertError(mallory.post("/v1/mcp-configs", stdio("x", "node")), 403, "auth.forbidden")
              .getJsonObject("details").getString("reason"));
      assertEquals("mcp.stdio_command_not_allowed",
          assertError(root.post("/v1/mcp-configs", stdio("x", "/bin/sh", "-c", "id")), 403, "policy.denied")
              .getJsonObject("details").getString("reason"));
      HttpResponse<Buffer> created = root.post("/v1/mcp-configs", stdio("ok", "node"));
      assertEquals(201, created.statusCode(), created.bodyAsString());
      // remote configs stay open to account admins
      HttpResponse<Buffer> remote = mallory.post("/v1/mcp-configs", new JsonObject().put("name", "r")
          .put("transport", "streamable_http").put("url", "https://mcp.example.com/mcp"));
      assertEquals(201, remote.statusCode(), remote.bodyAsString());
    }
  }

  @Test
  void anExistingStdioConfigOfANonAdminIsNeverStarted() throws Exception {
    try (TestNode node = TestNode.start(Map.of("ARKLOOP_MCP_STDIO_ENABLED", "1",
        "ARKLOOP_MCP_STDIO_COMMANDS", "node"))) {
      node.register("root");
      TestClient mallory = node.register("mallory");
      Path marker = Files.createTempDirectory("arkloop-mcp").resolve("ran");
      UUID orgId = UUID.fromString(mallory.get("/v1/me").bodyAsJsonObject().getString("org_id"));
      UUID configId = UUID.randomUUID();
      // as a config saved before only platform admins could: nobody approved it
      Pool pool = Pools.create(node.vertx(), node.endpoints().database(), 1);
      try {
        await(pool.preparedQuery("INSERT INTO mcp_configs (id, org_id, name, transport, command, args) "
                + "VALUES ($1, $2, 'old', 'stdio', 'node', $3)")
            .execute(Tuple.of(configId, orgId, new JsonArray().add("-e")
                .add("require('fs').writeFileSync(" + new JsonArray().add(marker.toString()).getString(0)
                    .transform(p -> "'" + p.replace("'", "\\'") + "'") + ", 'x')"))));
      } finally {
        await(pool.close());
      }
      assertEquals("mcp.stdio_requires_platform_admin",
          assertError(mallory.patch("/v1/mcp-configs/" + configId, new JsonObject().put("is_active", true)), 403,
              "auth.forbidden").getJsonObject("details").getString("reason"));

      RunEvents runs = new RunEvents(node);
      List<JsonObject> events = runs.follow(mallory, runs.start(mallory,
          "/tool mcp__old__echo " + new JsonObject().put("message", "x").encode(), new JsonObject()));
      assertEquals("tool.not_found", one(events, "tool.result").getJsonObject("error").getString("error_class"));
      assertEquals("run.completed", last(events));
      assertFalse(Files.exists(marker), "the unapproved stdio command never ran");
    }
  }
}
