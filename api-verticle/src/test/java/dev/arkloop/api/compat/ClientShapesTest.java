package dev.arkloop.api.compat;

import static dev.arkloop.common.testing.TestClient.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.api.ApiTestNode;
import dev.arkloop.api.TestAccounts;
import dev.arkloop.api.TestUsers;
import dev.arkloop.api.TestUsers.User;
import dev.arkloop.common.testing.TestClient;
import dev.arkloop.common.testing.TestInfra;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Response and request shapes the original web client reads and sends, through the real API. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
class ClientShapesTest {
  private static ApiTestNode node;
  private static User alice;

  @BeforeAll
  static void start(Vertx vertx) {
    node = ApiTestNode.start(vertx, TestInfra.get().newEndpoints(), TestAccounts.NO_RATE_LIMITS);
    TestUsers.register(node.client(), "root");
    alice = TestUsers.register(node.client(), "alice");
  }

  private static JsonObject created(HttpResponse<Buffer> response) {
    assertEquals(201, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  private static JsonObject provider(String name) {
    return new JsonObject().put("name", name).put("provider", "openai").put("api_key", "sk-test-0123456789abcdef");
  }

  /**
   * Item 4: {@code listChannelPersonas} in {@code src/apps/web/src/api.ts} asks {@code /v1/personas?scope=user};
   * the original's settings screens send {@code scope=user|project} to the other configuration lists.
   */
  @Test
  void userAndProjectScopesMeanTheCallersAccount() {
    TestClient client = alice.client();
    JsonObject persona = created(client.post("/v1/personas", new JsonObject().put("persona_key", "mine")
        .put("version", "1").put("display_name", "Mine").put("prompt_md", "Hi.").put("scope", "user")));
    assertEquals("org", persona.getString("scope"));
    created(client.post("/v1/llm-providers?scope=project", provider("scoped")));
    for (String path : new String[] {"/v1/personas", "/v1/llm-providers", "/v1/tool-providers", "/v1/mcp-configs"}) {
      HttpResponse<Buffer> asOrg = client.get(path + "?scope=org");
      assertEquals(200, asOrg.statusCode(), path + " " + asOrg.bodyAsString());
      for (String alias : new String[] {"user", "project"}) {
        HttpResponse<Buffer> aliased = client.get(path + "?scope=" + alias);
        assertEquals(200, aliased.statusCode(), path + " " + aliased.bodyAsString());
        assertEquals(asOrg.bodyAsJson(Object.class), aliased.bodyAsJson(Object.class), path + "?scope=" + alias);
      }
      assertError(client.get(path + "?scope=galaxy"), 400, "validation.error");
    }
    assertTrue(client.get("/v1/llm-providers?scope=user").bodyAsString().contains("\"scoped\""));
  }

  /** Item 6: the original's provider settings branch on these codes ({@code src/apps/web/src/api.ts} callers). */
  @Test
  void uniquenessConflictsNameTheField() {
    TestClient client = alice.client();
    String providerId = created(client.post("/v1/llm-providers", provider("dup"))).getString("id");
    JsonObject name = assertError(client.post("/v1/llm-providers", provider("dup")), 409, "llm_providers.name_conflict");
    assertEquals("name", name.getJsonObject("details").getString("field"));
    created(client.post("/v1/llm-providers/" + providerId + "/models", new JsonObject().put("model", "gpt-4o")));
    JsonObject model = assertError(client.post("/v1/llm-providers/" + providerId + "/models",
        new JsonObject().put("model", "gpt-4o")), 409, "llm_provider_models.model_conflict");
    assertEquals("model", model.getJsonObject("details").getString("field"));

    created(client.post("/v1/accounts", new JsonObject().put("slug", "acme-compat").put("name", "Acme")));
    JsonObject slug = assertError(client.post("/v1/accounts", new JsonObject().put("slug", "acme-compat")
        .put("name", "Again")), 409, "accounts.slug_conflict");
    assertEquals("slug", slug.getJsonObject("details").getString("field"));

    JsonObject persona = new JsonObject().put("persona_key", "twice").put("version", "1").put("display_name", "T")
        .put("prompt_md", "Hi.");
    created(client.post("/v1/personas", persona));
    assertEquals("persona_key", assertError(client.post("/v1/personas", persona), 409,
        "personas.persona_key_conflict").getJsonObject("details").getString("field"));

    JsonObject email = assertError(node.client().post("/v1/auth/register", new JsonObject().put("login", "alice2")
        .put("password", TestUsers.PASSWORD).put("email", "alice@example.com")), 409, "users.email_conflict");
    assertEquals("email", email.getJsonObject("details").getString("field"));
  }

  private static String thread(TestClient client) {
    return created(client.post("/v1/threads", new JsonObject().put("title", "compat"))).getString("id");
  }

  /**
   * Item 9: the web app's composer posts attachments as {@code content_json} parts, with or without
   * text ({@code createMessage} in {@code src/apps/web/src/api.ts}).
   */
  @Test
  void aMessageMayBeContentJsonAlone() {
    TestClient client = alice.client();
    String threadId = thread(client);
    JsonObject parts = new JsonObject().put("parts", new JsonArray()
        .add(new JsonObject().put("type", "text").put("text", "see the picture"))
        .add(new JsonObject().put("type", "image").put("attachment_key", "uploads/cat.png"))
        .add(new JsonObject().put("type", "text").put("text", "and tell me")));
    JsonObject withText = created(client.post("/v1/threads/" + threadId + "/messages",
        new JsonObject().put("content_json", parts)));
    assertEquals("see the picture\nand tell me", withText.getString("content"));
    assertEquals(parts, withText.getJsonObject("content_json"));

    JsonObject imageOnly = created(client.post("/v1/threads/" + threadId + "/messages", new JsonObject()
        .put("content_json", new JsonObject().put("parts", new JsonArray()
            .add(new JsonObject().put("type", "image").put("attachment_key", "uploads/dog.png"))))));
    assertEquals("", imageOnly.getString("content"));

    assertError(client.post("/v1/threads/" + threadId + "/messages", new JsonObject()
        .put("content_json", new JsonObject().put("parts", new JsonArray()))), 400, "validation.error");
    assertError(client.post("/v1/threads/" + threadId + "/messages", new JsonObject()), 400, "validation.error");
  }

  private static java.util.List<String> ids(HttpResponse<Buffer> response) {
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonArray().stream().map(m -> ((JsonObject) m).getString("id")).toList();
  }

  /**
   * Item 8: the app loads a chat once with {@code limit=200} and never pages
   * ({@code listMessages} in {@code src/apps/web/src/api.ts}): it must get the newest messages, oldest first.
   */
  @Test
  void withoutACursorTheNewestMessagesComeOldestFirst() {
    TestClient client = alice.client();
    String threadId = thread(client);
    java.util.List<String> sent = new java.util.ArrayList<>();
    for (int i = 0; i < 7; i++) {
      sent.add(created(client.post("/v1/threads/" + threadId + "/messages", new JsonObject().put("content", "m" + i)))
          .getString("id"));
    }
    String path = "/v1/threads/" + threadId + "/messages";
    HttpResponse<Buffer> newest = client.get(path + "?limit=3");
    assertEquals(sent.subList(4, 7), ids(newest));
    assertEquals(sent.get(4), newest.getHeader("X-Prev-Cursor"));
    HttpResponse<Buffer> older = client.get(path + "?limit=3&before=" + sent.get(4));
    assertEquals(sent.subList(1, 4), ids(older));
    HttpResponse<Buffer> oldest = client.get(path + "?limit=3&before=" + sent.get(1));
    assertEquals(sent.subList(0, 1), ids(oldest));
    assertEquals(null, oldest.getHeader("X-Prev-Cursor"));
    assertEquals(sent.subList(2, 5), ids(client.get(path + "?limit=3&after=" + sent.get(1))));
    assertEquals(sent, ids(client.get(path + "?limit=200")));
    assertError(client.get(path + "?before=" + java.util.UUID.randomUUID()), 400, "validation.error");
    assertError(client.get(path + "?before=" + sent.get(1) + "&after=" + sent.get(2)), 400, "validation.error");
  }

  /** Item 5: the model picker lists models with {@code show_in_picker} ({@code src/apps/web/src/api.ts} LlmProviderModel). */
  @Test
  void modelsCarryShowInPicker() {
    TestClient client = alice.client();
    String providerId = created(client.post("/v1/llm-providers", provider("picker"))).getString("id");
    JsonObject shown = created(client.post("/v1/llm-providers/" + providerId + "/models",
        new JsonObject().put("model", "gpt-4o")));
    assertEquals(true, shown.getBoolean("show_in_picker"));
    JsonObject hidden = created(client.post("/v1/llm-providers/" + providerId + "/models",
        new JsonObject().put("model", "gpt-4o-mini").put("show_in_picker", false)));
    assertEquals(false, hidden.getBoolean("show_in_picker"));
    String modelPath = "/v1/llm-providers/" + providerId + "/models/" + hidden.getString("id");
    HttpResponse<Buffer> patched = client.patch(modelPath, new JsonObject().put("show_in_picker", true));
    assertEquals(200, patched.statusCode(), patched.bodyAsString());
    assertEquals(true, patched.bodyAsJsonObject().getBoolean("show_in_picker"));
    assertError(client.patch(modelPath, new JsonObject().putNull("show_in_picker")), 422, "validation.error");
    JsonArray models = client.get("/v1/llm-providers").bodyAsJsonArray().stream().map(JsonObject.class::cast)
        .filter(p -> "picker".equals(p.getString("name"))).findFirst().orElseThrow().getJsonArray("models");
    assertTrue(models.stream().allMatch(m -> ((JsonObject) m).getBoolean("show_in_picker")));
  }

  /**
   * Item 12: {@code ThreadResponse.account_id}, {@code LlmProvider.account_id}, {@code ProjectWorkspace.last_used_at: string}
   * and {@code updateMe} in {@code src/apps/web/src/api.ts}.
   */
  @Test
  void tenantFieldsTimezoneAndWorkspaceShapes() {
    TestClient client = alice.client();
    JsonObject thread = created(client.post("/v1/threads", new JsonObject().put("title", "acct")));
    assertEquals(alice.orgId(), thread.getString("account_id"));
    assertEquals(thread.getString("org_id"), thread.getString("account_id"));
    JsonArray threads = client.get("/v1/threads").bodyAsJsonArray();
    assertTrue(threads.stream().allMatch(t -> ((JsonObject) t).getString("account_id") != null));
    JsonObject provider = created(client.post("/v1/llm-providers", provider("acct")));
    assertEquals(alice.orgId(), provider.getString("account_id"));

    HttpResponse<Buffer> patched = client.patch("/v1/me", new JsonObject().put("timezone", "Europe/Paris"));
    assertEquals(200, patched.statusCode(), patched.bodyAsString());
    assertEquals("Europe/Paris", patched.bodyAsJsonObject().getString("timezone"));
    assertEquals("alice", patched.bodyAsJsonObject().getString("username"));

    JsonObject project = created(client.post("/v1/projects", new JsonObject().put("name", "compat")));
    JsonObject workspace = client.get("/v1/projects/" + project.getString("id") + "/workspace").bodyAsJsonObject();
    assertEquals("idle", workspace.getString("status"));
    assertFalse(workspace.containsKey("last_used_at"), workspace.encode());

    JsonObject usage = client.get("/v1/me/usage").bodyAsJsonObject();
    assertEquals(0L, usage.getLong("total_cache_read_tokens"));
    assertEquals(0L, usage.getLong("total_cache_write_tokens"));
    assertEquals(usage.getString("org_id"), usage.getString("account_id"));
    assertNotNull(usage.getString("account_id"));
  }
}
