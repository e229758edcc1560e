package dev.arkloop.api.mcp;

import static dev.arkloop.common.testing.Await.await;
import static dev.arkloop.common.testing.TestClient.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.arkloop.api.ApiTestNode;
import dev.arkloop.api.TestUsers;
import dev.arkloop.common.testing.TestInfra;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** With {@code ARKLOOP_MCP_STDIO_ENABLED=0} no account can make the worker run a command. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class McpStdioPolicyTest {
  private static Vertx vertx;
  private static TestUsers.User alice;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    ApiTestNode node = ApiTestNode.start(vertx, TestInfra.get().newEndpoints(), Map.of("ARKLOOP_MCP_STDIO_ENABLED", "0"));
    TestUsers.register(node.client(), "root");
    alice = TestUsers.register(node.client(), "alice");
  }

  @AfterAll
  static void stop() {
    await(vertx.close());
  }

  @Test
  void stdioConfigsAreRefusedRemoteOnesAccepted() {
    JsonObject refused = assertError(alice.client().post("/v1/mcp-configs", new JsonObject().put("name", "local")
        .put("transport", "stdio").put("command", "sh")), 403, "policy.denied");
    assertEquals("mcp_stdio_disabled", refused.getJsonObject("details").getString("reason"));
    assertEquals(201, alice.client().post("/v1/mcp-configs", new JsonObject().put("name", "remote")
        .put("transport", "http_sse").put("url", "https://mcp.example.com/sse")).statusCode());
  }
}
