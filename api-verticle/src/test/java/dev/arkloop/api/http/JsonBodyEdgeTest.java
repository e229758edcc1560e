package dev.arkloop.api.http;

import static dev.arkloop.common.testing.TestClient.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.arkloop.api.ApiTestNode;
import dev.arkloop.api.TestAccounts;
import dev.arkloop.api.TestUsers;
import dev.arkloop.api.TestUsers.User;
import dev.arkloop.common.testing.TestClient;
import dev.arkloop.common.testing.TestInfra;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** NUL characters, nesting depth and stored JSON sizes, checked once for every body, through the real API. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class JsonBodyEdgeTest {
  private static ApiTestNode node;
  private static User alice;

  @BeforeAll
  static void start(Vertx vertx) {
    node = ApiTestNode.start(vertx, TestInfra.get().newEndpoints(), TestAccounts.NO_RATE_LIMITS);
    TestUsers.register(node.client(), "root");
    alice = TestUsers.register(node.client(), "alice");
  }

  private static JsonObject persona(String key) {
    return new JsonObject().put("persona_key", key).put("version", "1").put("display_name", "P")
        .put("prompt_md", "be brief");
  }

  /** {@code levels} nested objects around a string. */
  private static String nested(int levels) {
    return "{\"a\":".repeat(levels) + "\"x\"" + "}".repeat(levels);
  }

  private static JsonObject thread(TestClient client) {
    HttpResponse<Buffer> response = client.post("/v1/threads", new JsonObject().put("title", "t"));
    assertEquals(201, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  @Test
  void nulInNestedPersonaObjectsIs400NotA500() {
    JsonObject values = new JsonObject().put("budgets", new JsonObject().put("note", "a\u0000b"))
        .put("roles", new JsonObject().put("r", new JsonObject().put("prompt", "x\u0000")))
        .put("conditional_tools", new JsonObject().put("c", new JsonArray().add("\u0000")))
        .put("executor_config", new JsonObject().put("k", new JsonArray().add(new JsonObject().put("v", "\u0000"))))
        .put("prompt_cache_control", new JsonObject().put("mode", "\u0000"));
    int n = 0;
    for (String field : values.fieldNames()) {
      JsonObject body = persona("nul" + n++).put(field, values.getValue(field));
      JsonObject error = assertError(alice.client().post("/v1/personas", body), 400, "validation.error");
      assertEquals("nul_character", error.getJsonObject("details").getString("reason"), error::encode);
      assertEquals(field, error.getJsonObject("details").getString("field"));
    }
    assertEquals(201, alice.client().post("/v1/personas", persona("clean").put("budgets",
        new JsonObject().put("note", "ab"))).statusCode());
  }

  @Test
  void nulInAnObjectKeyIsRefusedToo() {
    JsonObject error = assertError(alice.client().post("/v1/personas",
        persona("nulkey").put("executor_config", new JsonObject().put("k\u0000", 1))), 400, "validation.error");
    assertEquals("nul_character", error.getJsonObject("details").getString("reason"));
    String thread = thread(alice.client()).getString("id");
    error = assertError(alice.client().post("/v1/threads/" + thread + "/messages", new JsonObject().put("content", "hi")
        .put("content_json", new JsonObject().put("parts", new JsonArray().add(new JsonObject().put("t\u0000", 1))))),
        400, "validation.error");
    assertEquals("nul_character", error.getJsonObject("details").getString("reason"));
    assertEquals("/content_json/parts/0/t\u0000", error.getJsonObject("details").getString("pointer"));
  }

  @Test
  void bodiesNestedDeeperThan64LevelsAre400TooDeep() {
    String thread = thread(alice.client()).getString("id");
    String path = "/v1/threads/" + thread + "/messages";
    // the body object is level 1, content_json level 2
    HttpResponse<Buffer> deep = alice.client().sendRaw(HttpMethod.POST, path,
        "{\"content\":\"hi\",\"content_json\":" + nested(64) + "}");
    JsonObject error = assertError(deep, 400, "validation.error");
    assertEquals("too_deep", error.getJsonObject("details").getString("reason"));
    assertEquals(64, error.getJsonObject("details").getInteger("max_depth"));
    HttpResponse<Buffer> accepted = alice.client().sendRaw(HttpMethod.POST, path,
        "{\"content\":\"hi\",\"content_json\":" + nested(63) + "}");
    assertEquals(201, accepted.statusCode(), accepted.bodyAsString());
    // 999 levels, which Jackson itself accepts, and arrays count as levels too
    assertError(alice.client().sendRaw(HttpMethod.POST, "/v1/personas",
        persona("deep").encode().replaceFirst("}$", ",\"roles\":{\"r\":" + "[".repeat(997) + "]".repeat(997) + "}}")),
        400, "validation.error");
    assertEquals(200, alice.client().get(path).statusCode());
  }

  @Test
  void storedJsonFieldsHaveASizeCap() {
    JsonObject big = new JsonObject().put("blob", "x".repeat(RequestBody.MAX_STORED_JSON_BYTES));
    JsonObject error = assertError(alice.client().post("/v1/personas", persona("big").put("executor_config", big)),
        400, "validation.error");
    assertEquals("too_large", error.getJsonObject("details").getString("reason"));
    assertEquals("executor_config", error.getJsonObject("details").getString("field"));
    error = assertError(alice.client().post("/v1/llm-providers", new JsonObject().put("provider", "openai")
        .put("name", "big").put("api_key", "sk-test").put("advanced_json", big)), 400, "validation.error");
    assertEquals("advanced_json", error.getJsonObject("details").getString("field"));
  }

  @Test
  void deepJsonStoredBeforeTheLimitStillReads() {
    JsonObject thread = thread(alice.client());
    String path = "/v1/threads/" + thread.getString("id") + "/messages";
    JsonObject message = alice.client().post(path, new JsonObject().put("content", "old")).bodyAsJsonObject();
    assertEquals(201, alice.client().post("/v1/personas", persona("legacy")).statusCode());
    String legacy = nested(990);
    TestInfra.execute(node.endpoints().database(), "UPDATE messages SET content_json = '" + legacy
        + "'::jsonb WHERE id = '" + message.getString("id") + "'");
    TestInfra.execute(node.endpoints().database(), "UPDATE personas SET spec = jsonb_set(spec, '{roles}', '"
        + legacy + "'::jsonb) WHERE persona_key = 'legacy'");

    HttpResponse<Buffer> messages = alice.client().get(path);
    assertEquals(200, messages.statusCode(), messages.bodyAsString());
    JsonObject read = messages.bodyAsJsonArray().getJsonObject(0);
    assertEquals("old", read.getString("content"));
    assertNull(read.getValue("content_json"));

    HttpResponse<Buffer> personas = alice.client().get("/v1/personas");
    assertEquals(200, personas.statusCode(), personas.bodyAsString());
  }
}
