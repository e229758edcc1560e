package dev.arkloop.api.llm;

import static dev.arkloop.common.testing.Await.await;
import static dev.arkloop.common.testing.TestClient.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.arkloop.api.ApiTestNode;
import dev.arkloop.api.TestAccounts;
import dev.arkloop.api.TestUsers;
import dev.arkloop.common.infra.EmbeddedInfrastructure;
import dev.arkloop.common.testing.TestClient;
import dev.arkloop.common.testing.TestInfra;
import dev.arkloop.common.testing.llm.FakeLlmServer;
import dev.arkloop.common.testing.llm.FakeLlmServer.Reply;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code GET /v1/llm-providers/{id}/available-models} against a local upstream speaking each API. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class AvailableModelsTest {
  private static final String KEY = "sk-upstream-0123456789";
  private static TestClient admin;
  private static FakeLlmServer upstream;

  @BeforeAll
  static void start(Vertx vertx) {
    Map<String, String> overrides = new HashMap<>(TestAccounts.NO_RATE_LIMITS);
    overrides.put("ARKLOOP_ALLOW_PRIVATE_PROVIDER_URLS", "1");
    overrides.put("ARKLOOP_LLM_FIRST_BYTE_TIMEOUT_MS", "500");
    TestClient anonymous = ApiTestNode.start(vertx, TestInfra.get().newEndpoints(), overrides).client();
    admin = TestUsers.register(anonymous, "admin").client();
    upstream = await(FakeLlmServer.start(vertx));
  }

  @BeforeEach
  void clean() {
    upstream.reset();
  }

  private static String provider(String kind, String baseUrl) {
    HttpResponse<Buffer> created = admin.post("/v1/llm-providers", new JsonObject()
        .put("name", kind + "-" + java.util.UUID.randomUUID())
        .put("provider", kind).put("api_key", KEY).put("base_url", baseUrl));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    return created.bodyAsJsonObject().getString("id");
  }

  @Test
  void openAiCompatibleCataloguesComeFromModels() {
    String id = provider("openai", upstream.baseUrl("/v1"));
    admin.post("/v1/llm-providers/" + id + "/models", new JsonObject().put("model", "gpt-4o"));
    upstream.enqueue(Reply.json(200, new JsonObject().put("object", "list").put("data", new JsonArray()
        .add(new JsonObject().put("id", "gpt-4o").put("object", "model").put("owned_by", "openai"))
        .add(new JsonObject().put("id", "gpt-4o-mini").put("object", "model").put("owned_by", "openai")))));
    HttpResponse<Buffer> response = admin.get("/v1/llm-providers/" + id + "/available-models");
    assertEquals(200, response.statusCode(), response.bodyAsString());
    assertEquals(new JsonObject().put("models", new JsonArray()
            .add(new JsonObject().put("id", "gpt-4o").put("name", "gpt-4o").put("configured", true))
            .add(new JsonObject().put("id", "gpt-4o-mini").put("name", "gpt-4o-mini").put("configured", false))),
        response.bodyAsJsonObject());
    FakeLlmServer.Received request = upstream.last();
    assertEquals("GET", request.method());
    assertEquals("/v1/models", request.path());
    assertEquals("Bearer " + KEY, request.headers().get("Authorization"));
  }

  @Test
  void anthropicCataloguesComeFromV1ModelsWithItsHeaders() {
    String id = provider("anthropic", upstream.baseUrl(""));
    upstream.enqueue(Reply.json(200, new JsonObject().put("data", new JsonArray()
        .add(new JsonObject().put("type", "model").put("id", "claude-sonnet-4-20250514")
            .put("display_name", "Claude Sonnet 4").put("created_at", "2025-05-22T00:00:00Z")))
        .put("has_more", false).put("first_id", "claude-sonnet-4-20250514").put("last_id", "claude-sonnet-4-20250514")));
    JsonObject body = admin.get("/v1/llm-providers/" + id + "/available-models").bodyAsJsonObject();
    assertEquals(new JsonObject().put("id", "claude-sonnet-4-20250514").put("name", "Claude Sonnet 4")
        .put("configured", false), body.getJsonArray("models").getJsonObject(0));
    FakeLlmServer.Received request = upstream.last();
    assertEquals("/v1/models", request.path());
    assertEquals(KEY, request.headers().get("x-api-key"));
    assertEquals("2023-06-01", request.headers().get("anthropic-version"));
    assertEquals(null, request.headers().get("Authorization"));
  }

  @Test
  void upstreamFailuresAreGatewayErrorsThatNeverEchoTheUpstream() throws Exception {
    String id = provider("openai", upstream.baseUrl("/v1"));
    String path = "/v1/llm-providers/" + id + "/available-models";
    upstream.enqueue(Reply.json(401, new JsonObject().put("error", new JsonObject()
        .put("message", "Incorrect API key provided: " + KEY).put("type", "invalid_request_error"))));
    JsonObject auth = assertError(admin.get(path), 502, "provider.auth");
    assertFalse(auth.encode().contains(KEY));
    upstream.enqueue(Reply.json(429, new JsonObject()));
    assertError(admin.get(path), 502, "provider.rate_limited");
    upstream.enqueue(Reply.json(200, new JsonObject().put("unexpected", true)));
    assertError(admin.get(path), 502, "provider.protocol_error");
    upstream.enqueue(Reply.sse(java.util.List.of("{")).stall());
    assertError(admin.get(path), 504, "provider.timeout");

    String closed = provider("openai", "http://127.0.0.1:" + EmbeddedInfrastructure.freePort() + "/v1");
    assertError(admin.get("/v1/llm-providers/" + closed + "/available-models"), 502, "provider.unavailable");
  }
}
