package dev.arkloop.launcher.tools;

import static dev.arkloop.common.testing.TestClient.assertError;
import static dev.arkloop.launcher.RunEvents.last;
import static dev.arkloop.launcher.RunEvents.one;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.common.testing.Await;
import dev.arkloop.common.infra.EmbeddedInfrastructure;
import dev.arkloop.common.testing.TestClient;
import dev.arkloop.launcher.LogCapture;
import dev.arkloop.launcher.RunEvents;
import dev.arkloop.launcher.TestNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * MCP servers as tools, with the real reference server from npm: over stdio (a process the worker
 * starts and stops), over streamable HTTP and over the older HTTP+SSE transport; discovery, calls,
 * timeouts, and the config API.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class McpToolsTest {
  private static final String BEARER = "mcp-bearer-SECRET-0123456789";
  private static final String ENV_SECRET = "env-secret-value-0123456789";
  private static TestNode node;
  private static TestClient alice;
  private static Process httpServer;
  private static Process sseServer;
  private static int httpPort;
  private static LogCapture logs;
  private static RunEvents runs;

  @BeforeAll
  static void start() throws java.io.IOException {
    String script = McpReferenceServer.script().toString();
    httpPort = EmbeddedInfrastructure.freePort();
    httpServer = McpReferenceServer.startHttp(httpPort, "streamableHttp");
    int ssePort = EmbeddedInfrastructure.freePort();
    sseServer = McpReferenceServer.startHttp(ssePort, "sse");
    logs = LogCapture.attach();
    node = TestNode.start(Map.of("ARKLOOP_TOOLS_ALLOW_PRIVATE_NETWORK", "1", "ARKLOOP_MCP_CACHE_TTL_SECONDS", "60",
        "ARKLOOP_MCP_STDIO_ENABLED", "1", "ARKLOOP_MCP_STDIO_COMMANDS", "npx,node"));
    alice = node.register("alice"); // the first user: platform admin, who alone may configure stdio servers
    runs = new RunEvents(node);
    created(alice.post("/v1/mcp-configs", new JsonObject().put("name", "ev").put("transport", "stdio")
        .put("command", "node").put("args", new JsonArray().add(script).add("stdio"))
        .put("env", new JsonObject().put("ARKLOOP_TEST_SECRET", ENV_SECRET)).put("call_timeout_ms", 1500)));
    created(alice.post("/v1/mcp-configs", new JsonObject().put("name", "evh").put("transport", "streamable_http")
        .put("url", "http://127.0.0.1:" + httpPort + "/mcp").put("bearer_token", BEARER)));
    created(alice.post("/v1/mcp-configs", new JsonObject().put("name", "evs").put("transport", "http_sse")
        .put("url", "http://127.0.0.1:" + ssePort + "/sse")));
    created(alice.post("/v1/mcp-configs", new JsonObject().put("name", "gone").put("transport", "streamable_http")
        .put("url", "http://127.0.0.1:" + EmbeddedInfrastructure.freePort() + "/mcp")));
  }

  @AfterAll
  static void stop() throws InterruptedException {
    node.close();
    logs.close();
    for (Process server : List.of(httpServer, sseServer)) {
      server.destroy();
      server.waitFor(10, TimeUnit.SECONDS);
    }
    Await.until("stopping the worker to stop its stdio MCP servers", 10, () -> stdioServers() == 0);
  }

  private static long stdioServers() {
    return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("")
        .contains("server-everything") && p.info().commandLine().orElse("").endsWith("stdio")).count();
  }

  private static JsonObject created(HttpResponse<Buffer> response) {
    assertEquals(201, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  private static List<JsonObject> call(String tool, JsonObject arguments) {
    return runs.follow(alice, runs.start(alice, "/tool " + tool + " " + arguments.encode(), new JsonObject()));
  }

  @Test
  void stdioToolsAreDiscoveredAndCalled() {
    List<JsonObject> echo = call("mcp__ev__echo", new JsonObject().put("message", "hello mcp"));
    JsonObject result = one(echo, "tool.result");
    assertEquals("Echo: hello mcp", result.getJsonObject("result").getString("text"), result.encode());
    assertEquals("run.completed", last(echo));
    JsonObject sum = one(call("mcp__ev__get-sum", new JsonObject().put("a", 2).put("b", 40)), "tool.result");
    assertTrue(sum.getJsonObject("result").getString("text").contains("42"), sum.encode());
  }

  @Test
  void streamableHttpToolsAreDiscoveredAndCalled() {
    List<JsonObject> events = call("mcp__evh__echo", new JsonObject().put("message", "over http"));
    JsonObject result = one(events, "tool.result");
    assertEquals("Echo: over http", result.getJsonObject("result").getString("text"), result.encode());
    assertFalse(events.toString().contains(BEARER), "no token in run events");
  }

  @Test
  void httpSseToolsAreDiscoveredAndCalled() {
    List<JsonObject> events = call("mcp__evs__echo", new JsonObject().put("message", "over sse"));
    JsonObject result = one(events, "tool.result");
    assertEquals("Echo: over sse", result.getJsonObject("result").getString("text"), result.encode());
    JsonObject sum = one(call("mcp__evs__get-sum", new JsonObject().put("a", 40).put("b", 2)), "tool.result");
    assertTrue(sum.getJsonObject("result").getString("text").contains("42"), sum.encode());
  }

  @Test
  void failuresBecomeMcpErrorsInTheToolResult() {
    List<JsonObject> slow = call("mcp__ev__trigger-long-running-operation",
        new JsonObject().put("duration", 5).put("steps", 2));
    assertEquals("mcp.timeout", one(slow, "tool.result").getJsonObject("error").getString("error_class"));
    assertEquals("run.completed", last(slow));
    JsonObject bad = one(call("mcp__ev__get-sum", new JsonObject().put("a", "two")), "tool.result");
    assertTrue(bad.getJsonObject("error").getString("error_class").startsWith("mcp."), bad.encode());
    JsonObject after = one(call("mcp__ev__echo", new JsonObject().put("message", "still here")), "tool.result");
    assertEquals("Echo: still here", after.getJsonObject("result").getString("text"), "the server survives");
  }

  @Test
  void anUnreachableServerOnlyLosesItsOwnTools() {
    List<JsonObject> events = call("mcp__gone__echo", new JsonObject().put("message", "x"));
    assertEquals("tool.not_found", one(events, "tool.result").getJsonObject("error").getString("error_class"));
    assertEquals("run.completed", last(events));
  }

  @Test
  void configsAreManagedWithoutEverShowingSecrets() {
    JsonArray list = alice.get("/v1/mcp-configs").bodyAsJsonArray();
    assertEquals(4, list.size());
    JsonObject http = list.stream().map(o -> (JsonObject) o).filter(c -> c.getString("name").equals("evh"))
        .findFirst().orElseThrow();
    assertTrue(http.getBoolean("has_auth"));
    assertTrue(http.getBoolean("is_active"));
    assertEquals(10_000, http.getInteger("call_timeout_ms"));
    assertFalse(list.encode().contains(BEARER) || list.encode().contains(ENV_SECRET), list.encode());
    assertFalse(http.containsKey("bearer_token") || http.containsKey("env"), http.encode());
    String id = http.getString("id");
    assertEquals("evh", alice.get("/v1/mcp-configs/" + id).bodyAsJsonObject().getString("name"));

    TestClient bob = node.register("bob-mcp");
    assertError(bob.get("/v1/mcp-configs/" + id), 404, "mcp_configs.not_found");
    assertError(alice.post("/v1/mcp-configs", new JsonObject().put("name", "ev").put("transport", "stdio")
        .put("command", "node")), 409, "mcp_configs.name_conflict");
    assertError(alice.post("/v1/mcp-configs", new JsonObject().put("name", "x").put("transport", "stdio")), 400,
        "validation.error");
    assertError(alice.post("/v1/mcp-configs", new JsonObject().put("name", "x").put("transport", "http_sse")), 400,
        "validation.error");
    assertError(alice.post("/v1/mcp-configs", new JsonObject().put("name", "x").put("transport", "carrier_pigeon")
        .put("url", "http://a")), 400, "validation.error");
    assertError(alice.post("/v1/mcp-configs", new JsonObject().put("name", "x").put("transport", "stdio")
        .put("command", "node").put("env", new JsonObject().put("A", 1))), 422, "validation.error");
    assertError(alice.post("/v1/mcp-configs", new JsonObject().put("name", "a__b").put("transport", "stdio")
        .put("command", "node")), 400, "validation.error");

    JsonObject tmp = created(alice.post("/v1/mcp-configs", new JsonObject().put("name", "tmp")
        .put("transport", "streamable_http").put("url", "http://127.0.0.1:1/mcp").put("bearer_token", "t-0123456789")
        .put("is_active", false)));
    HttpResponse<Buffer> patched = alice.patch("/v1/mcp-configs/" + tmp.getString("id"), new JsonObject()
        .put("bearer_token", null).put("is_active", false).put("call_timeout_ms", 2000));
    assertEquals(200, patched.statusCode(), patched.bodyAsString());
    assertFalse(patched.bodyAsJsonObject().getBoolean("has_auth"), "null clears the token");
    assertFalse(patched.bodyAsJsonObject().getBoolean("is_active"));
    assertEquals(2000, patched.bodyAsJsonObject().getInteger("call_timeout_ms"));
    assertError(alice.patch("/v1/mcp-configs/" + tmp.getString("id"), new JsonObject().put("url", null)), 400,
        "validation.error");
    assertEquals(new JsonObject().put("ok", true), alice.delete("/v1/mcp-configs/" + tmp.getString("id"))
        .bodyAsJsonObject());
    assertError(alice.delete("/v1/mcp-configs/" + tmp.getString("id")), 404, "mcp_configs.not_found");

    assertEquals(List.of(), logs.containing(BEARER));
    assertEquals(List.of(), logs.containing(ENV_SECRET));
  }
}
