package dev.arkloop.launcher.personas;

import static dev.arkloop.common.testing.TestClient.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.common.testing.TestClient;
import dev.arkloop.launcher.TestNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Personas over HTTP: scopes, layering over the built-ins, the selectable list, and every refusal. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PersonaApiTest {
  private static TestNode node;
  private static TestClient root;
  private static TestClient alice;
  private static TestClient bob;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of());
    root = node.register("root");
    alice = node.register("alice");
    bob = node.register("bob");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static JsonObject persona(String key, String version) {
    return new JsonObject().put("persona_key", key).put("version", version).put("display_name", "Persona " + key)
        .put("prompt_md", "You are " + key + ".");
  }

  private static JsonObject created(HttpResponse<Buffer> response) {
    assertEquals(201, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  private static List<String> keys(JsonArray personas) {
    return personas.stream().map(p -> ((JsonObject) p).getString("persona_key")).collect(Collectors.toList());
  }

  @Test
  void builtInsAreSelectableInTheirOrderWithResolvedDefaults() {
    JsonArray selectable = bob.get("/v1/me/selectable-personas").bodyAsJsonArray();
    assertEquals(List.of("general", "lite", "search"), keys(selectable));
    JsonObject general = selectable.getJsonObject(0);
    assertEquals("builtin", general.getString("source"));
    assertEquals("agent.simple", general.getString("executor_type"));
    assertEquals(new JsonArray().add("*"), general.getJsonArray("tool_allowlist"));
    assertTrue(general.getBoolean("is_active"));
    assertTrue(general.getString("prompt_md").startsWith("You are Arkloop"));
    assertNotNull(general.getString("id"));
    assertEquals(new JsonArray(), selectable.getJsonObject(1).getJsonArray("tool_allowlist"), "lite has no tools");
  }

  private static int users;

  /** A user with an account of their own, so tests do not see each other's personas. */
  private static TestClient freshUser() {
    return node.register("user" + (++users));
  }

  @Test
  void accountPersonasAreCreatedListedPatchedAndDeleted() {
    TestClient alice = freshUser();
    JsonObject body = persona("helper", "1").put("description", "helps").put("tool_denylist", new JsonArray().add("echo"))
        .put("budgets", new JsonObject().put("reasoning_iterations", 3).put("temperature", 0.5))
        .put("model", "stub^stub-1").put("executor_type", "agent.interactive").put("selector_order", 5);
    JsonObject helper = created(alice.post("/v1/personas", body));
    assertEquals("org", helper.getString("scope"));
    assertEquals("custom", helper.getString("source"));
    assertEquals("helper", helper.getString("persona_key"));
    assertEquals(3, helper.getJsonObject("budgets").getInteger("reasoning_iterations"));
    assertEquals("stub^stub-1", helper.getString("model"));
    assertTrue(helper.getBoolean("stream_thinking"));

    assertError(alice.post("/v1/personas", persona("helper", "1")), 409, "personas.persona_key_conflict");
    created(alice.post("/v1/personas", persona("helper", "2")));
    assertEquals(2, alice.get("/v1/personas").bodyAsJsonArray().size());
    assertEquals(0, bob.get("/v1/personas").bodyAsJsonArray().size(), "another account sees none");

    String id = helper.getString("id");
    HttpResponse<Buffer> patched = alice.patch("/v1/personas/" + id, new JsonObject().put("display_name", "Helper!")
        .put("model", null).put("is_active", false));
    assertEquals(200, patched.statusCode(), patched.bodyAsString());
    assertEquals("Helper!", patched.bodyAsJsonObject().getString("display_name"));
    assertEquals(null, patched.bodyAsJsonObject().getValue("model"), "null clears");
    assertFalse(patched.bodyAsJsonObject().getBoolean("is_active"));
    assertEquals("helps", patched.bodyAsJsonObject().getString("description"), "untouched fields stay");

    assertError(bob.patch("/v1/personas/" + id, new JsonObject().put("display_name", "x")), 404, "personas.not_found");
    assertError(bob.delete("/v1/personas/" + id), 404, "personas.not_found");
    assertEquals(new JsonObject().put("ok", true), alice.delete("/v1/personas/" + id).bodyAsJsonObject());
    assertError(alice.delete("/v1/personas/" + id), 404, "personas.not_found");
  }

  @Test
  void layersResolveAccountOverPlatformOverBuiltIn() {
    TestClient alice = freshUser();
    JsonObject platformSearch = created(root.post("/v1/personas?scope=platform", persona("search", "9")
        .put("display_name", "Platform search").put("selector_order", 0)));
    assertEquals("platform", platformSearch.getString("scope"));
    created(alice.post("/v1/personas", persona("search", "7").put("display_name", "Alice search")));
    created(alice.post("/v1/personas", persona("zeta", "1").put("user_selectable", false)));
    created(alice.post("/v1/personas", persona("alpha", "1").put("selector_name", "Alpha")));

    JsonArray forAlice = alice.get("/v1/me/selectable-personas").bodyAsJsonArray();
    JsonObject search = forAlice.stream().map(p -> (JsonObject) p)
        .filter(p -> p.getString("persona_key").equals("search")).findFirst().orElseThrow();
    assertEquals("Alice search", search.getString("display_name"), "the account layer wins");
    assertFalse(keys(forAlice).contains("zeta"), "not user-selectable");
    assertEquals(List.of("general", "lite", "search", "alpha"), keys(forAlice), "missing selector_order sorts as 99");

    JsonArray forBob = bob.get("/v1/me/selectable-personas").bodyAsJsonArray();
    assertEquals("search", keys(forBob).get(0), "the platform row's selector_order 0 sorts first");
    assertEquals("Platform search", forBob.getJsonObject(0).getString("display_name"));
    assertTrue(root.get("/v1/personas?scope=platform").bodyAsJsonArray().size() >= 1);
  }

  @Test
  void copyFromABuiltInTakesItsFields() {
    JsonObject copy = created(alice.post("/v1/personas", new JsonObject().put("persona_key", "mylite")
        .put("version", "1").put("copy_from_repo_persona_key", "lite")));
    assertEquals("Lite", copy.getString("display_name"));
    assertEquals(new JsonArray(), copy.getJsonArray("tool_allowlist"));
    assertFalse(copy.containsKey("copy_from_repo_persona_key"));
    assertError(alice.post("/v1/personas", persona("x", "1").put("copy_from_repo_persona_key", "nope")), 400,
        "validation.error");
  }

  @Test
  void builtInsAndPlatformScopeAreProtected() {
    String general = bob.get("/v1/me/selectable-personas").bodyAsJsonArray().getJsonObject(0).getString("id");
    assertError(alice.patch("/v1/personas/" + general, new JsonObject().put("display_name", "x")), 403,
        "personas.system_protected");
    assertError(alice.delete("/v1/personas/" + general), 403, "personas.system_protected");
    JsonObject forbidden = assertError(alice.post("/v1/personas?scope=platform", persona("p", "1")), 403,
        "auth.forbidden");
    assertEquals("platform.admin", forbidden.getJsonObject("details").getString("permission"));
    assertError(alice.get("/v1/personas?scope=platform"), 403, "auth.forbidden");
    assertError(alice.get("/v1/personas?scope=galaxy"), 400, "validation.error");
    assertError(node.client().get("/v1/me/selectable-personas"), 401, "auth.unauthorized");
  }

  @Test
  void badBodiesAreRefusedWithEnvelopes() {
    assertError(alice.post("/v1/personas", new JsonObject()), 400, "validation.error");
    assertError(alice.post("/v1/personas", persona("Bad Key", "1")), 400, "validation.error");
    assertError(alice.post("/v1/personas", persona("k", "1@2")), 400, "validation.error");
    assertError(alice.post("/v1/personas", persona("k", "1").put("executor_type", "warp")), 400, "validation.error");
    assertError(alice.post("/v1/personas", persona("k", "1").put("model", "no-caret")), 400, "validation.error");
    assertError(alice.post("/v1/personas", persona("k", "1").put("tool_allowlist", "echo")), 422, "validation.error");
    assertError(alice.post("/v1/personas", persona("k", "1").put("tool_allowlist", new JsonArray().add(1))), 422,
        "validation.error");
    assertError(alice.post("/v1/personas", persona("k", "1").put("budgets",
        new JsonObject().put("reasoning_iterations", 0))), 400, "validation.error");
    assertError(alice.post("/v1/personas", persona("k", "1").put("budgets",
        new JsonObject().put("temperature", "hot"))), 422, "validation.error");
    assertError(alice.post("/v1/personas", persona("k", "1").put("stream_thinking", "no")), 422, "validation.error");
    assertError(alice.sendRaw(HttpMethod.POST, "/v1/personas", "{not json"), 422, "validation.error");
    assertError(alice.patch("/v1/personas/not-a-uuid", new JsonObject()), 400, "validation.error");
    assertError(alice.patch("/v1/personas/00000000-0000-4000-8000-000000000000", new JsonObject()
        .put("display_name", null)), 400, "validation.error");
    assertError(alice.patch("/v1/personas/00000000-0000-4000-8000-000000000000", new JsonObject()), 404,
        "personas.not_found");
  }
}
