package dev.arkloop.api.threads;

import static dev.arkloop.common.testing.TestClient.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Threads through the real API: shape, updates, soft delete, stars, isolation and bad input. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class ThreadRoutesTest {
  static final Set<String> THREAD_FIELDS = Set.of("id", "org_id", "account_id", "created_by_user_id", "title", "project_id",
      "created_at", "updated_at", "active_run_id", "is_private");

  private static TestClient anonymous;
  private static User alice;
  private static String workspaceId;
  private static TestClient aliceInWorkspace;
  private static TestClient bobInWorkspace;
  private static User carol;

  @BeforeAll
  static void start(Vertx vertx) {
    ApiTestNode node = ApiTestNode.start(vertx, TestInfra.get().newEndpoints(), TestAccounts.NO_RATE_LIMITS);
    anonymous = node.client();
    TestUsers.register(anonymous, "root");
    alice = TestUsers.register(anonymous, "alice");
    User bob = TestUsers.register(anonymous, "bob");
    carol = TestUsers.register(anonymous, "carol");
    workspaceId = TestAccounts.createWorkspace(alice, "acme");
    aliceInWorkspace = TestAccounts.actingIn(alice, workspaceId);
    bobInWorkspace = TestAccounts.join(node, alice, workspaceId, bob, "account_member");
  }

  static JsonObject createThread(TestClient client, JsonObject body) {
    HttpResponse<Buffer> response = client.post("/v1/threads", body);
    assertEquals(201, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  static JsonObject createProject(TestClient client, String name, String visibility) {
    HttpResponse<Buffer> response = client.post("/v1/projects",
        new JsonObject().put("name", name).put("visibility", visibility));
    assertEquals(201, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  @Test
  void createdThreadHasTheDocumentedShape() {
    JsonObject thread = createThread(aliceInWorkspace, new JsonObject().put("title", "  Hello  "));
    assertEquals(THREAD_FIELDS, thread.fieldNames());
    assertEquals("Hello", thread.getString("title"));
    assertEquals(workspaceId, thread.getString("org_id"));
    assertEquals(alice.id(), thread.getString("created_by_user_id"));
    assertFalse(thread.getBoolean("is_private"));
    assertNull(thread.getString("project_id"));
    assertNull(thread.getString("active_run_id"));
    assertEquals(thread.getString("created_at"), thread.getString("updated_at"));

    JsonObject fetched = aliceInWorkspace.get("/v1/threads/" + thread.getString("id")).bodyAsJsonObject();
    assertEquals(thread, fetched);
  }

  @Test
  void createWithoutBodyMakesAnUntitledThread() {
    HttpResponse<Buffer> response = alice.client().post("/v1/threads", null);
    assertEquals(201, response.statusCode(), response.bodyAsString());
    assertNull(response.bodyAsJsonObject().getString("title"));
    assertEquals(alice.orgId(), response.bodyAsJsonObject().getString("org_id"));
  }

  @Test
  void patchChangesOnlyWhatIsSent() {
    JsonObject project = createProject(aliceInWorkspace, "Patch target", "private");
    String path = "/v1/threads/" + createThread(aliceInWorkspace, new JsonObject().put("title", "First")).getString("id");

    JsonObject unchanged = aliceInWorkspace.patch(path, new JsonObject()).bodyAsJsonObject();
    assertEquals("First", unchanged.getString("title"));

    JsonObject moved = aliceInWorkspace.patch(path, new JsonObject().put("project_id", project.getString("id")))
        .bodyAsJsonObject();
    assertEquals(project.getString("id"), moved.getString("project_id"));
    assertEquals("First", moved.getString("title"));

    JsonObject renamed = aliceInWorkspace.put(path, new JsonObject().put("title", "Second")).bodyAsJsonObject();
    assertEquals("Second", renamed.getString("title"));
    assertEquals(project.getString("id"), renamed.getString("project_id"));

    JsonObject cleared = aliceInWorkspace.patch(path, new JsonObject().putNull("title").putNull("project_id"))
        .bodyAsJsonObject();
    assertNull(cleared.getString("title"));
    assertNull(cleared.getString("project_id"));
  }

  @Test
  void softDeletedThreadVanishesEverywhere() {
    JsonObject thread = createThread(aliceInWorkspace, new JsonObject().put("title", "doomed zebra"));
    String path = "/v1/threads/" + thread.getString("id");
    assertEquals(204, aliceInWorkspace.post(path + "/star", null).statusCode());

    assertEquals(204, aliceInWorkspace.delete(path).statusCode());

    assertError(aliceInWorkspace.get(path), 404, "threads.not_found");
    assertError(aliceInWorkspace.patch(path, new JsonObject().put("title", "x")), 404, "threads.not_found");
    assertError(aliceInWorkspace.delete(path), 404, "threads.not_found");
    assertError(aliceInWorkspace.get(path + "/messages"), 404, "threads.not_found");
    assertError(aliceInWorkspace.post(path + "/messages", new JsonObject().put("content", "hi")), 404,
        "threads.not_found");
    assertFalse(ids(aliceInWorkspace.get("/v1/threads?limit=200")).contains(thread.getString("id")));
    assertFalse(aliceInWorkspace.get("/v1/threads/starred").bodyAsJsonArray().contains(thread.getString("id")));
    assertFalse(ids(aliceInWorkspace.get("/v1/threads/search?q=zebra")).contains(thread.getString("id")));
  }

  @Test
  void starringIsIdempotent() {
    String id = createThread(aliceInWorkspace, new JsonObject()).getString("id");
    assertEquals(204, aliceInWorkspace.post("/v1/threads/" + id + "/star", null).statusCode());
    assertEquals(204, aliceInWorkspace.post("/v1/threads/" + id + ":star", null).statusCode());
    JsonArray starred = aliceInWorkspace.get("/v1/threads/starred").bodyAsJsonArray();
    assertEquals(1, starred.stream().filter(id::equals).count());

    assertEquals(204, aliceInWorkspace.delete("/v1/threads/" + id + "/star").statusCode());
    assertEquals(204, aliceInWorkspace.delete("/v1/threads/" + id + ":star").statusCode());
    assertFalse(aliceInWorkspace.get("/v1/threads/starred").bodyAsJsonArray().contains(id));
    assertError(aliceInWorkspace.get("/v1/threads/" + id + ":star"), 405, "method_not_allowed");
  }

  @Test
  void starsArePerUser() {
    String id = createThread(aliceInWorkspace, new JsonObject()).getString("id");
    assertEquals(204, bobInWorkspace.post("/v1/threads/" + id + "/star", null).statusCode());
    assertTrue(bobInWorkspace.get("/v1/threads/starred").bodyAsJsonArray().contains(id));
    assertFalse(aliceInWorkspace.get("/v1/threads/starred").bodyAsJsonArray().contains(id));
  }

  @Test
  void privateThreadIsInvisibleToOtherMembersOnEveryRoute() {
    JsonObject thread = createThread(aliceInWorkspace,
        new JsonObject().put("title", "secret walrus").put("is_private", true));
    assertTrue(thread.getBoolean("is_private"));
    aliceInWorkspace.post("/v1/threads/" + thread.getString("id") + "/messages",
        new JsonObject().put("content", "walrus plans"));

    assertEveryRouteIsNotFound(bobInWorkspace, thread.getString("id"));
    assertFalse(bobInWorkspace.get("/v1/threads/search?q=walrus").bodyAsJsonArray().stream()
        .anyMatch(item -> ((JsonObject) item).getString("id").equals(thread.getString("id"))));
    assertEquals(200, aliceInWorkspace.get("/v1/threads/" + thread.getString("id")).statusCode());
  }

  @Test
  void sharedThreadIsReadableByMembersButNotListedAsTheirs() {
    String id = createThread(aliceInWorkspace, new JsonObject().put("title", "team notes")).getString("id");
    assertEquals(200, bobInWorkspace.get("/v1/threads/" + id).statusCode());
    assertFalse(ids(bobInWorkspace.get("/v1/threads?limit=200")).contains(id));
  }

  @Test
  void anotherAccountsThreadIsInvisibleOnEveryRoute() {
    String id = createThread(aliceInWorkspace, new JsonObject().put("title", "acme only")).getString("id");
    assertEveryRouteIsNotFound(carol.client(), id);
    String personal = createThread(alice.client(), new JsonObject().put("title", "personal")).getString("id");
    assertEveryRouteIsNotFound(bobInWorkspace, personal);
  }

  @Test
  void actingInAnAccountWithoutMembershipIsForbidden() {
    HttpResponse<Buffer> response = TestAccounts.actingIn(carol, workspaceId).get("/v1/threads");
    assertEquals("no_account_membership", assertError(response, 403, "auth.forbidden")
        .getJsonObject("details").getString("reason"));
  }

  @Test
  void threadsNeedAuthentication() {
    assertError(anonymous.get("/v1/threads"), 401, "auth.unauthorized");
    assertError(anonymous.post("/v1/threads", new JsonObject()), 401, "auth.unauthorized");
  }

  @Test
  void projectOfAThreadMustBeAVisibleProjectOfTheAccount() {
    String foreign = createProject(carol.client(), "Carol's", "shared").getString("id");
    JsonObject body = assertError(aliceInWorkspace.post("/v1/threads",
        new JsonObject().put("project_id", foreign)), 422, "validation.error");
    assertEquals("project_id", body.getJsonObject("details").getString("field"));

    String alicePrivate = createProject(aliceInWorkspace, "Alice only", "private").getString("id");
    assertError(bobInWorkspace.post("/v1/threads", new JsonObject().put("project_id", alicePrivate)), 422,
        "validation.error");
    String own = createThread(bobInWorkspace, new JsonObject()).getString("id");
    assertError(bobInWorkspace.patch("/v1/threads/" + own, new JsonObject().put("project_id", alicePrivate)), 422,
        "validation.error");

    String shared = createProject(aliceInWorkspace, "Everyone", "shared").getString("id");
    JsonObject thread = createThread(bobInWorkspace, new JsonObject().put("project_id", shared));
    assertEquals(shared, thread.getString("project_id"));
  }

  @Test
  void listFiltersByProject() {
    String project = createProject(aliceInWorkspace, "Filter", "shared").getString("id");
    String inside = createThread(aliceInWorkspace, new JsonObject().put("project_id", project)).getString("id");
    String privateInside = createThread(aliceInWorkspace,
        new JsonObject().put("project_id", project).put("is_private", true)).getString("id");
    String bobs = createThread(bobInWorkspace, new JsonObject().put("project_id", project)).getString("id");
    createThread(aliceInWorkspace, new JsonObject());

    assertEquals(Set.of(bobs, privateInside, inside),
        Set.copyOf(newestFirst(aliceInWorkspace.get("/v1/threads?project_id=" + project))));
    assertEquals(Set.of(bobs, inside), Set.copyOf(newestFirst(bobInWorkspace.get("/v1/threads?project_id=" + project))));
    String hidden = createProject(aliceInWorkspace, "Hidden", "private").getString("id");
    assertError(bobInWorkspace.get("/v1/threads?project_id=" + hidden), 404, "projects.not_found");
    assertError(carol.client().get("/v1/threads?project_id=" + project), 404, "projects.not_found");
  }

  @Test
  void badInputGetsTheRightStatus() {
    assertError(aliceInWorkspace.sendRaw(HttpMethod.POST, "/v1/threads", "{\"title\": "), 422, "validation.error");
    assertError(aliceInWorkspace.sendRaw(HttpMethod.POST, "/v1/threads", "[]"), 422, "validation.error");
    assertField(assertError(aliceInWorkspace.post("/v1/threads", new JsonObject().put("title", 5)), 422,
        "validation.error"), "title");
    assertField(assertError(aliceInWorkspace.post("/v1/threads", new JsonObject().put("is_private", "yes")), 422,
        "validation.error"), "is_private");
    assertField(assertError(aliceInWorkspace.post("/v1/threads", new JsonObject().put("project_id", 7)), 422,
        "validation.error"), "project_id");
    assertField(assertError(aliceInWorkspace.post("/v1/threads", new JsonObject().put("project_id", "nope")), 400,
        "validation.error"), "project_id");
    assertField(assertError(aliceInWorkspace.post("/v1/threads", new JsonObject().put("title", "t".repeat(201))),
        400, "validation.error"), "title");
    assertEquals(201, aliceInWorkspace.post("/v1/threads", new JsonObject().put("title", "t".repeat(200)))
        .statusCode());

    assertField(assertError(aliceInWorkspace.get("/v1/threads/not-a-uuid"), 400, "validation.error"), "thread_id");
    assertError(aliceInWorkspace.patch("/v1/threads/not-a-uuid", new JsonObject()), 400, "validation.error");
    assertError(aliceInWorkspace.delete("/v1/threads/12345"), 400, "validation.error");
    assertError(aliceInWorkspace.post("/v1/threads/not-a-uuid/star", null), 400, "validation.error");
    String id = createThread(aliceInWorkspace, new JsonObject()).getString("id");
    assertError(aliceInWorkspace.sendRaw(HttpMethod.PATCH, "/v1/threads/" + id, "nope"), 422, "validation.error");
    assertError(aliceInWorkspace.patch("/v1/threads/" + id, new JsonObject().put("title", List.of())), 422,
        "validation.error");

    assertField(assertError(aliceInWorkspace.post("/v1/threads", new JsonObject().put("title", "nul\u0000byte")), 400,
        "validation.error"), "title");
    assertError(aliceInWorkspace.get("/v1/threads/search?q=%00"), 400, "validation.error");
    assertError(aliceInWorkspace.post("/v1/threads/" + id + "/messages", new JsonObject().put("content", "a\u0000b")),
        400, "validation.error");
    assertError(aliceInWorkspace.post("/v1/threads/" + id + "/messages", new JsonObject().put("content", "ok")
        .put("content_json", new JsonObject().put("parts", new JsonArray().add("x\u0000")))), 400, "validation.error");
    assertError(aliceInWorkspace.post("/v1/projects", new JsonObject().put("name", "p\u0000")), 400,
        "validation.error");
    for (String limit : List.of("0", "201", "-1", "ten", "1.5")) {
      assertField(assertError(aliceInWorkspace.get("/v1/threads?limit=" + limit), 400, "validation.error"), "limit");
    }
    assertError(aliceInWorkspace.get("/v1/threads?project_id=xyz"), 400, "validation.error");
    assertError(aliceInWorkspace.get("/v1/threads/search"), 400, "validation.error");
    assertError(aliceInWorkspace.get("/v1/threads/search?q="), 400, "validation.error");
    assertError(aliceInWorkspace.get("/v1/threads/search?q=" + "q".repeat(201)), 400, "validation.error");
    assertError(aliceInWorkspace.get("/v1/threads/search?q=a&limit=500"), 400, "validation.error");
  }

  static void assertEveryRouteIsNotFound(TestClient other, String threadId) {
    String path = "/v1/threads/" + threadId;
    List<Function<TestClient, HttpResponse<Buffer>>> calls = List.of(
        c -> c.get(path),
        c -> c.patch(path, new JsonObject().put("title", "taken")),
        c -> c.put(path, new JsonObject().put("title", "taken")),
        c -> c.post(path + "/star", null),
        c -> c.delete(path + "/star"),
        c -> c.post(path + ":star", null),
        c -> c.delete(path + ":star"),
        c -> c.get(path + "/messages"),
        c -> c.post(path + "/messages", new JsonObject().put("content", "intrusion")),
        c -> c.delete(path));
    for (Function<TestClient, HttpResponse<Buffer>> call : calls) {
      assertError(call.apply(other), 404, "threads.not_found");
    }
    assertFalse(other.get("/v1/threads/starred").bodyAsJsonArray().contains(threadId));
    assertFalse(ids(other.get("/v1/threads?limit=200")).contains(threadId));
  }

  static List<String> ids(HttpResponse<Buffer> response) {
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonArray().stream().map(item -> ((JsonObject) item).getString("id")).toList();
  }

  /** The ids of a thread list, asserting it is ordered by (updated_at, id) descending. */
  static List<String> newestFirst(HttpResponse<Buffer> response) {
    assertEquals(200, response.statusCode(), response.bodyAsString());
    JsonArray items = response.bodyAsJsonArray();
    for (int i = 1; i < items.size(); i++) {
      JsonObject newer = items.getJsonObject(i - 1);
      JsonObject older = items.getJsonObject(i);
      int byTime = newer.getString("updated_at").compareTo(older.getString("updated_at"));
      assertTrue(byTime > 0 || (byTime == 0 && newer.getString("id").compareTo(older.getString("id")) > 0),
          () -> "not newest first: " + newer + " then " + older);
    }
    return ids(response);
  }

  private static void assertField(JsonObject error, String field) {
    assertNotNull(error.getJsonObject("details"));
    assertEquals(field, error.getJsonObject("details").getString("field"), error.encode());
  }
}
