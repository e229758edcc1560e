package dev.arkloop.api.llm;

import static dev.arkloop.common.testing.TestClient.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.api.ApiTestNode;
import dev.arkloop.api.TestAccounts;
import dev.arkloop.api.TestUsers;
import dev.arkloop.api.TestUsers.User;
import dev.arkloop.common.infra.NodeEndpoints;
import dev.arkloop.common.testing.Await;
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
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code /v1/llm-providers} through the real API: shape, models, validation, scopes, isolation, secrecy. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class LlmProviderRoutesTest {
  static final Set<String> PROVIDER_FIELDS = Set.of("id", "org_id", "account_id", "scope", "provider", "name", "key_prefix",
      "base_url", "openai_api_mode", "advanced_json", "created_at", "updated_at", "models");
  static final Set<String> MODEL_FIELDS = Set.of("id", "provider_id", "model", "priority", "is_default", "tags", "when",
      "advanced_json", "multiplier", "cost_per_1k_input", "cost_per_1k_output", "cost_per_1k_cache_write",
      "cost_per_1k_cache_read", "show_in_picker", "created_at", "updated_at");
  static final String KEY = "sk-test-0123456789abcdefSECRET";

  private static NodeEndpoints endpoints;
  private static TestClient root;
  private static User alice;
  private static User bob;
  private static TestClient memberOfAlice;
  /** Every response body seen, to prove no key ever came back. */
  private static final List<String> seen = new ArrayList<>();

  @BeforeAll
  static void start(Vertx vertx) {
    endpoints = TestInfra.get().newEndpoints();
    // strict: private provider addresses refused, as in production
    ApiTestNode node = ApiTestNode.start(vertx, endpoints, TestAccounts.NO_RATE_LIMITS);
    TestClient anonymous = node.client();
    root = TestUsers.register(anonymous, "root").client();
    alice = TestUsers.register(anonymous, "alice");
    bob = TestUsers.register(anonymous, "bob");
    User carol = TestUsers.register(anonymous, "carol");
    String workspace = TestAccounts.createWorkspace(alice, "acme");
    memberOfAlice = TestAccounts.join(node, alice, workspace, carol, "account_member");
  }

  @AfterAll
  static void noKeyWasEverReturnedOrStored(Vertx vertx) {
    for (String body : seen) {
      assertFalse(body.contains("0123456789abcdef"), body);
    }
    Pool pool = dev.arkloop.common.db.Pools.create(vertx, endpoints.database(), 1);
    var rows = Await.await(pool.query("SELECT api_key_encrypted FROM llm_providers").execute());
    rows.forEach(row -> assertFalse(row.getString(0).contains("0123456789abcdef")));
    var audit = Await.await(pool.query("SELECT coalesce(metadata::text, '') || coalesce(before_state::text, '') "
        + "|| coalesce(after_state::text, '') FROM audit_logs").execute());
    assertTrue(audit.size() > 0);
    audit.forEach(row -> assertFalse(row.getString(0).contains("0123456789abcdef"), row.getString(0)));
    Await.await(pool.close());
  }

  static HttpResponse<Buffer> call(HttpResponse<Buffer> response) {
    seen.add(response.bodyAsString() == null ? "" : response.bodyAsString());
    return response;
  }

  static JsonObject createProvider(TestClient client, JsonObject body) {
    HttpResponse<Buffer> response = call(client.post("/v1/llm-providers", body));
    assertEquals(201, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  static JsonObject provider(String name) {
    return new JsonObject().put("name", name).put("provider", "openai").put("api_key", KEY);
  }

  static JsonObject createModel(TestClient client, String providerId, JsonObject body) {
    HttpResponse<Buffer> response = call(client.post("/v1/llm-providers/" + providerId + "/models", body));
    assertEquals(201, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  @Test
  void aProviderIsCreatedListedPatchedAndDeletedWithoutItsKey() {
    JsonObject created = createProvider(alice.client(), provider("main")
        .put("openai_api_mode", "chat_completions").put("advanced_json", new JsonObject().put("temperature", 0.2)));
    assertEquals(PROVIDER_FIELDS, created.fieldNames());
    assertEquals(alice.orgId(), created.getString("org_id"));
    assertEquals("org", created.getString("scope"));
    assertEquals("openai", created.getString("provider"));
    assertEquals("sk-test-…", created.getString("key_prefix"));
    assertNull(created.getValue("base_url"));
    assertEquals(0.2, created.getJsonObject("advanced_json").getDouble("temperature"));
    assertEquals(new JsonArray(), created.getJsonArray("models"));
    String id = created.getString("id");

    JsonArray listed = call(alice.client().get("/v1/llm-providers")).bodyAsJsonArray();
    assertEquals(1, listed.stream().filter(p -> ((JsonObject) p).getString("id").equals(id)).count());

    HttpResponse<Buffer> patched = call(alice.client().patch("/v1/llm-providers/" + id, new JsonObject()
        .put("name", "renamed").put("api_key", "other-key-abcdefgh").putNull("advanced_json")
        .putNull("openai_api_mode")));
    assertEquals(200, patched.statusCode(), patched.bodyAsString());
    assertEquals("renamed", patched.bodyAsJsonObject().getString("name"));
    assertEquals("other-ke…", patched.bodyAsJsonObject().getString("key_prefix"));
    assertNull(patched.bodyAsJsonObject().getValue("advanced_json"));
    assertNull(patched.bodyAsJsonObject().getValue("openai_api_mode"));

    HttpResponse<Buffer> deleted = call(alice.client().delete("/v1/llm-providers/" + id));
    assertEquals(new JsonObject().put("ok", true), deleted.bodyAsJsonObject());
    assertError(call(alice.client().delete("/v1/llm-providers/" + id)), 404, "llm_providers.not_found");
  }

  @Test
  void modelsAreNestedWithOneDefaultPerProvider() {
    String providerId = createProvider(alice.client(), provider("models-test")).getString("id");
    JsonObject first = createModel(alice.client(), providerId, new JsonObject().put("model", "gpt-4o")
        .put("is_default", true).put("priority", 5).put("tags", new JsonArray().add("fast"))
        .put("when", new JsonObject().put("tag", "fast")).put("multiplier", 1.5)
        .put("cost_per_1k_input", 0.0025).put("cost_per_1k_output", 0.01)
        .put("cost_per_1k_cache_read", 0.00125).put("cost_per_1k_cache_write", 0.003));
    assertEquals(MODEL_FIELDS, first.fieldNames());
    assertEquals(providerId, first.getString("provider_id"));
    assertEquals(5, first.getInteger("priority"));
    assertTrue(first.getBoolean("is_default"));
    assertEquals(new JsonArray().add("fast"), first.getJsonArray("tags"));
    assertEquals(1.5, first.getDouble("multiplier"));
    assertEquals(0.0025, first.getDouble("cost_per_1k_input"));

    JsonObject second = createModel(alice.client(), providerId, new JsonObject().put("model", "gpt-4o-mini")
        .put("is_default", true));
    assertEquals(0, second.getInteger("priority"));
    assertEquals(1.0, second.getDouble("multiplier"));
    assertNull(second.getValue("cost_per_1k_input"));
    JsonArray models = call(alice.client().get("/v1/llm-providers")).bodyAsJsonArray().stream()
        .map(JsonObject.class::cast).filter(p -> p.getString("id").equals(providerId)).findFirst().orElseThrow()
        .getJsonArray("models");
    assertEquals(2, models.size());
    assertEquals("gpt-4o-mini", models.getJsonObject(0).getString("model"), "the new default comes first");
    assertFalse(models.getJsonObject(1).getBoolean("is_default"));

    String modelPath = "/v1/llm-providers/" + providerId + "/models/" + first.getString("id");
    HttpResponse<Buffer> patched = call(alice.client().patch(modelPath, new JsonObject().put("priority", 9)
        .put("is_default", true).putNull("when").putNull("cost_per_1k_input").put("tags", new JsonArray())));
    assertEquals(200, patched.statusCode(), patched.bodyAsString());
    assertEquals(9, patched.bodyAsJsonObject().getInteger("priority"));
    assertNull(patched.bodyAsJsonObject().getValue("when"));
    assertNull(patched.bodyAsJsonObject().getValue("cost_per_1k_input"));
    assertEquals(0.01, patched.bodyAsJsonObject().getDouble("cost_per_1k_output"));

    assertError(call(alice.client().post("/v1/llm-providers/" + providerId + "/models",
        new JsonObject().put("model", "gpt-4o"))), 409, "llm_provider_models.model_conflict");
    assertEquals(new JsonObject().put("ok", true), call(alice.client().delete(modelPath)).bodyAsJsonObject());
    assertError(call(alice.client().delete(modelPath)), 404, "llm_models.not_found");
    assertError(call(alice.client().patch(modelPath, new JsonObject().put("priority", 1))), 404,
        "llm_models.not_found");
  }

  @Test
  void badInputIsRefusedWithTheRightStatus() {
    String path = "/v1/llm-providers";
    TestClient client = alice.client();
    assertError(call(client.post(path, new JsonObject().put("provider", "openai").put("api_key", KEY))), 400,
        "validation.error");
    assertError(call(client.post(path, provider("a^b"))), 400, "validation.error");
    assertError(call(client.post(path, provider("x").put("provider", "gemini"))), 400, "validation.error");
    assertError(call(client.post(path, provider("x").put("api_key", ""))), 400, "validation.error");
    assertError(call(client.post(path, new JsonObject().put("name", "x").put("provider", "openai"))), 400,
        "validation.error");
    assertError(call(client.post(path, provider("x").put("name", 7))), 422, "validation.error");
    assertError(call(client.post(path, provider("x").put("openai_api_mode", "turbo"))), 400, "validation.error");
    assertError(call(client.post(path, provider("x").put("advanced_json", "{}"))), 422, "validation.error");
    assertError(call(client.post(path, provider("x").put("advanced_json", new JsonObject().put("a", "\0")))), 400,
        "validation.error");
    assertError(call(client.sendRaw(HttpMethod.POST, path, "{not json")), 422, "validation.error");
    for (String url : List.of("ftp://example.com", "not a url", "http://", "https://user:pw@example.com/v1",
        "http://127.0.0.1:8080/v1", "http://localhost/v1", "http://169.254.169.254/latest", "http://10.1.2.3",
        "http://[::1]:80/v1", "http://2130706433/v1", "http://192.168.0.10/v1", "https://example.com:99999/v1",
        "http://my_host/v1", "http://exa mple.com")) {
      JsonObject error = assertError(call(client.post(path, provider("x").put("base_url", url))), 400,
          "validation.error");
      assertEquals("base_url", error.getJsonObject("details").getString("field"), url);
    }
    assertEquals(0, call(client.get(path)).bodyAsJsonArray().stream()
        .filter(p -> ((JsonObject) p).getString("name").equals("x")).count());

    String id = createProvider(client, provider("valid").put("base_url", "https://api.example.com/v1/"))
        .getString("id");
    assertError(call(client.patch(path + "/" + id, new JsonObject().putNull("name"))), 422, "validation.error");
    assertError(call(client.patch(path + "/" + id, new JsonObject().put("api_key", 5))), 422, "validation.error");
    assertError(call(client.patch(path + "/not-a-uuid", new JsonObject())), 400, "validation.error");
    assertError(call(client.patch(path + "/" + java.util.UUID.randomUUID(), new JsonObject())), 404,
        "llm_providers.not_found");
    String models = path + "/" + id + "/models";
    assertError(call(client.post(models, new JsonObject())), 400, "validation.error");
    assertError(call(client.post(models, new JsonObject().put("model", "m").put("priority", 1.5))), 422,
        "validation.error");
    assertError(call(client.post(models, new JsonObject().put("model", "m").put("multiplier", -1))), 400,
        "validation.error");
    assertError(call(client.post(models, new JsonObject().put("model", "m").put("tags", new JsonArray().add(1)))),
        422, "validation.error");
    assertError(call(client.post(models, new JsonObject().put("model", "m").put("is_default", "yes"))), 422,
        "validation.error");
    assertError(call(client.post(path + "/" + java.util.UUID.randomUUID() + "/models",
        new JsonObject().put("model", "m"))), 404, "llm_providers.not_found");
    String model = createModel(client, id, new JsonObject().put("model", "m")).getString("id");
    assertError(call(client.patch(models + "/" + model, new JsonObject().putNull("priority"))), 422,
        "validation.error");
    assertError(call(client.patch(models + "/" + model, new JsonObject().put("cost_per_1k_output", -0.1))), 400,
        "validation.error");
    assertError(call(client.get(path + "?scope=galaxy")), 400, "validation.error");
  }

  @Test
  void theBaseUrlIsNormalised() {
    JsonObject created = createProvider(alice.client(), provider("normalised")
        .put("base_url", "https://api.example.com/v1///"));
    assertEquals("https://api.example.com/v1", created.getString("base_url"));
  }

  @Test
  void namesAreUniquePerAccountAndScope() {
    createProvider(alice.client(), provider("shared-name"));
    assertError(call(alice.client().post("/v1/llm-providers", provider("shared-name"))), 409, "llm_providers.name_conflict");
    createProvider(bob.client(), provider("shared-name"));
    String other = createProvider(alice.client(), provider("other-name")).getString("id");
    assertError(call(alice.client().patch("/v1/llm-providers/" + other, new JsonObject().put("name", "shared-name"))),
        409, "llm_providers.name_conflict");
  }

  @Test
  void anotherAccountsProviderIsNotFound() {
    String id = createProvider(alice.client(), provider("private")).getString("id");
    String modelId = createModel(alice.client(), id, new JsonObject().put("model", "m")).getString("id");
    String path = "/v1/llm-providers/" + id;
    assertEquals(0, call(bob.client().get("/v1/llm-providers")).bodyAsJsonArray().stream()
        .filter(p -> ((JsonObject) p).getString("id").equals(id)).count());
    assertError(call(bob.client().patch(path, new JsonObject().put("name", "mine"))), 404, "llm_providers.not_found");
    assertError(call(bob.client().delete(path)), 404, "llm_providers.not_found");
    assertError(call(bob.client().post(path + "/models", new JsonObject().put("model", "x"))), 404,
        "llm_providers.not_found");
    assertError(call(bob.client().patch(path + "/models/" + modelId, new JsonObject().put("priority", 1))), 404,
        "llm_providers.not_found");
    assertError(call(bob.client().delete(path + "/models/" + modelId)), 404, "llm_providers.not_found");
    assertError(call(bob.client().get(path + "/available-models")), 404, "llm_providers.not_found");
    assertEquals("private", call(alice.client().get("/v1/llm-providers")).bodyAsJsonArray().stream()
        .map(JsonObject.class::cast).filter(p -> p.getString("id").equals(id)).findFirst().orElseThrow()
        .getString("name"));
  }

  @Test
  void membersAndNarrowKeysMayNotManageProviders() {
    JsonObject error = assertError(call(memberOfAlice.get("/v1/llm-providers")), 403, "auth.forbidden");
    assertEquals("data.llm_credentials.manage", error.getJsonObject("details").getString("permission"));
    assertError(call(memberOfAlice.post("/v1/llm-providers", provider("nope"))), 403, "auth.forbidden");
    assertError(call(alice.client().withHeader("Authorization", "Bearer nonsense")
        .get("/v1/llm-providers")), 401, "auth.unauthorized");
  }

  @Test
  void platformProvidersNeedPlatformAdminAndLiveApart() {
    assertError(call(alice.client().get("/v1/llm-providers?scope=platform")), 403, "auth.forbidden");
    assertError(call(alice.client().post("/v1/llm-providers?scope=platform", provider("global"))), 403,
        "auth.forbidden");
    JsonObject global = createProviderIn(root, "?scope=platform", provider("global"));
    assertNull(global.getValue("org_id"));
    assertEquals("platform", global.getString("scope"));
    String id = global.getString("id");
    assertEquals(1, call(root.get("/v1/llm-providers?scope=platform")).bodyAsJsonArray().size());
    assertEquals(0, call(root.get("/v1/llm-providers")).bodyAsJsonArray().stream()
        .filter(p -> ((JsonObject) p).getString("id").equals(id)).count());
    assertError(call(root.patch("/v1/llm-providers/" + id, new JsonObject().put("name", "x"))), 404,
        "llm_providers.not_found");
    assertError(call(root.post("/v1/llm-providers?scope=platform", provider("global"))), 409, "llm_providers.name_conflict");
    createProvider(root, provider("global")); // the same name in an account is another scope
    HttpResponse<Buffer> model = call(root.post("/v1/llm-providers/" + id + "/models?scope=platform",
        new JsonObject().put("model", "gpt-4o")));
    assertEquals(201, model.statusCode(), model.bodyAsString());
    assertEquals(new JsonObject().put("ok", true),
        call(root.delete("/v1/llm-providers/" + id + "?scope=platform")).bodyAsJsonObject());
  }

  private static JsonObject createProviderIn(TestClient client, String query, JsonObject body) {
    HttpResponse<Buffer> response = call(client.post("/v1/llm-providers" + query, body));
    assertEquals(201, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }
}
