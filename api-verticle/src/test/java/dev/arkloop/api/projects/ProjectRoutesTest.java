package dev.arkloop.api.projects;

import static dev.arkloop.common.testing.TestClient.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Projects: shape, visibility (private, shared, team), permissions, updates and deletion. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class ProjectRoutesTest {
  private static final Set<String> PROJECT_FIELDS = Set.of("id", "org_id", "account_id", "team_id", "name", "description",
      "visibility", "owner_user_id", "created_at");
  private static User alice;
  private static User bob;
  private static User carol;
  private static String workspaceId;
  private static TestClient aliceIn;
  private static TestClient bobIn;
  private static TestClient daveIn;

  @BeforeAll
  static void start(Vertx vertx) {
    ApiTestNode node = ApiTestNode.start(vertx, TestInfra.get().newEndpoints(), TestAccounts.NO_RATE_LIMITS);
    TestClient anonymous = node.client();
    TestUsers.register(anonymous, "root");
    alice = TestUsers.register(anonymous, "alice");
    bob = TestUsers.register(anonymous, "bob");
    carol = TestUsers.register(anonymous, "carol");
    User dave = TestUsers.register(anonymous, "dave");
    workspaceId = TestAccounts.createWorkspace(alice, "studio");
    aliceIn = TestAccounts.actingIn(alice, workspaceId);
    bobIn = TestAccounts.join(node, alice, workspaceId, bob, "member");
    daveIn = TestAccounts.join(node, alice, workspaceId, dave, "account_admin");
  }

  static JsonObject create(TestClient client, JsonObject body) {
    HttpResponse<Buffer> response = client.post("/v1/projects", body);
    assertEquals(201, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  private static String team(String name, User... members) {
    HttpResponse<Buffer> created = aliceIn.post("/v1/teams", new JsonObject().put("name", name));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    String id = created.bodyAsJsonObject().getString("id");
    for (User member : members) {
      assertEquals(201, aliceIn.post("/v1/teams/" + id + "/members",
          new JsonObject().put("user_id", member.id()).put("role", "member")).statusCode());
    }
    return id;
  }

  private static List<String> listed(TestClient client) {
    HttpResponse<Buffer> response = client.get("/v1/projects");
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonArray().stream().map(item -> ((JsonObject) item).getString("id")).toList();
  }

  @Test
  void createdProjectHasTheDocumentedShape() {
    JsonObject project = create(aliceIn, new JsonObject().put("name", " Legal Counsel ").put("description", "Cases"));
    assertEquals(PROJECT_FIELDS, project.fieldNames());
    assertEquals("Legal Counsel", project.getString("name"));
    assertEquals("Cases", project.getString("description"));
    assertEquals("private", project.getString("visibility"));
    assertEquals(workspaceId, project.getString("org_id"));
    assertEquals(alice.id(), project.getString("owner_user_id"));
    assertNull(project.getString("team_id"));
    assertEquals(project, aliceIn.get("/v1/projects/" + project.getString("id")).bodyAsJsonObject());
    assertTrue(listed(aliceIn).contains(project.getString("id")));
  }

  @Test
  void membersCannotManageProjects() {
    JsonObject error = assertError(bobIn.post("/v1/projects", new JsonObject().put("name", "mine")), 403,
        "auth.forbidden");
    assertEquals("data.projects.manage", error.getJsonObject("details").getString("permission"));
    String shared = create(aliceIn, new JsonObject().put("name", "Shared").put("visibility", "shared"))
        .getString("id");
    assertError(bobIn.patch("/v1/projects/" + shared, new JsonObject().put("name", "x")), 403, "auth.forbidden");
    assertError(bobIn.delete("/v1/projects/" + shared), 403, "auth.forbidden");
    assertEquals(200, bobIn.get("/v1/projects/" + shared).statusCode());
  }

  @Test
  void visibilityDecidesWhoSeesAProject() {
    String privateOne = create(aliceIn, new JsonObject().put("name", "Private")).getString("id");
    String orgWide = create(aliceIn, new JsonObject().put("name", "Org").put("visibility", "org")).getString("id");
    String bobsTeam = team("with bob", bob);
    String otherTeam = team("without bob");
    String forBobsTeam = create(aliceIn, new JsonObject().put("name", "Team A").put("visibility", "team")
        .put("team_id", bobsTeam)).getString("id");
    String forOtherTeam = create(aliceIn, new JsonObject().put("name", "Team B").put("visibility", "shared")
        .put("team_id", otherTeam)).getString("id");
    assertEquals("shared", aliceIn.get("/v1/projects/" + orgWide).bodyAsJsonObject().getString("visibility"));
    assertEquals(bobsTeam, aliceIn.get("/v1/projects/" + forBobsTeam).bodyAsJsonObject().getString("team_id"));

    List<String> bobSees = listed(bobIn);
    assertTrue(bobSees.containsAll(List.of(orgWide, forBobsTeam)));
    assertFalse(bobSees.contains(privateOne));
    assertFalse(bobSees.contains(forOtherTeam));
    assertTrue(listed(aliceIn).containsAll(List.of(privateOne, orgWide, forBobsTeam, forOtherTeam)));

    for (String hidden : List.of(privateOne, forOtherTeam)) {
      assertError(bobIn.get("/v1/projects/" + hidden), 404, "projects.not_found");
      assertError(bobIn.get("/v1/projects/" + hidden + "/workspace"), 404, "projects.not_found");
      assertError(daveIn.patch("/v1/projects/" + hidden, new JsonObject().put("name", "mine")), 404,
          "projects.not_found");
      assertError(daveIn.delete("/v1/projects/" + hidden), 404, "projects.not_found");
    }
  }

  @Test
  void anotherAccountsProjectIsInvisibleOnEveryRoute() {
    String shared = create(aliceIn, new JsonObject().put("name", "Studio wide").put("visibility", "shared"))
        .getString("id");
    TestClient outsider = carol.client();
    String path = "/v1/projects/" + shared;
    List<Function<TestClient, HttpResponse<Buffer>>> calls = List.of(
        c -> c.get(path),
        c -> c.patch(path, new JsonObject().put("name", "taken")),
        c -> c.put(path, new JsonObject().put("name", "taken")),
        c -> c.delete(path),
        c -> c.get(path + "/workspace"),
        c -> c.get(path + "/workspace/files"),
        c -> c.get(path + "/workspace/file?path=/a.txt"),
        c -> c.send(HttpMethod.PUT, path + "/workspace/file?path=/a.txt", Buffer.buffer("x")),
        c -> c.delete(path + "/workspace/file?path=/a.txt"));
    for (Function<TestClient, HttpResponse<Buffer>> call : calls) {
      assertError(call.apply(outsider), 404, "projects.not_found");
    }
    assertFalse(listed(outsider).contains(shared));
    assertError(aliceIn.get("/v1/projects/" + UUID.randomUUID()), 404, "projects.not_found");
  }

  @Test
  void patchChangesOnlyWhatIsSent() {
    String team = team("patch team", bob);
    String path = "/v1/projects/" + create(aliceIn, new JsonObject().put("name", "Draft").put("description", "d"))
        .getString("id");
    JsonObject unchanged = aliceIn.patch(path, new JsonObject()).bodyAsJsonObject();
    assertEquals("Draft", unchanged.getString("name"));
    assertEquals("d", unchanged.getString("description"));

    JsonObject shared = aliceIn.patch(path, new JsonObject().put("visibility", "team").put("team_id", team))
        .bodyAsJsonObject();
    assertEquals("shared", shared.getString("visibility"));
    assertEquals(team, shared.getString("team_id"));
    assertEquals(200, bobIn.get(path).statusCode());

    JsonObject renamed = aliceIn.put(path, new JsonObject().put("name", "Final").putNull("description")
        .putNull("team_id")).bodyAsJsonObject();
    assertEquals("Final", renamed.getString("name"));
    assertNull(renamed.getString("description"));
    assertNull(renamed.getString("team_id"));
    assertEquals("shared", renamed.getString("visibility"));

    aliceIn.patch(path, new JsonObject().put("visibility", "private"));
    assertError(bobIn.get(path), 404, "projects.not_found");
  }

  @Test
  void deletingAProjectDetachesItsThreads() {
    String projectId = create(aliceIn, new JsonObject().put("name", "Temporary").put("visibility", "shared"))
        .getString("id");
    HttpResponse<Buffer> thread = bobIn.post("/v1/threads", new JsonObject().put("project_id", projectId));
    assertEquals(201, thread.statusCode(), thread.bodyAsString());
    String threadPath = "/v1/threads/" + thread.bodyAsJsonObject().getString("id");
    assertEquals(201, aliceIn.send(HttpMethod.PUT, "/v1/projects/" + projectId + "/workspace/file?path=/notes.txt",
        Buffer.buffer("kept until the project goes")).statusCode());

    assertEquals(204, aliceIn.delete("/v1/projects/" + projectId).statusCode());

    assertError(aliceIn.get("/v1/projects/" + projectId), 404, "projects.not_found");
    assertError(aliceIn.get("/v1/projects/" + projectId + "/workspace/files"), 404, "projects.not_found");
    JsonObject detached = bobIn.get(threadPath).bodyAsJsonObject();
    assertNull(detached.getString("project_id"));
    assertError(aliceIn.delete("/v1/projects/" + projectId), 404, "projects.not_found");
  }

  @Test
  void badInputGetsTheRightStatus() {
    assertError(aliceIn.post("/v1/projects", new JsonObject()), 400, "validation.error");
    assertError(aliceIn.post("/v1/projects", new JsonObject().put("name", " ")), 400, "validation.error");
    assertError(aliceIn.post("/v1/projects", new JsonObject().put("name", "n".repeat(201))), 400, "validation.error");
    assertEquals(201, aliceIn.post("/v1/projects", new JsonObject().put("name", "n".repeat(200))).statusCode());
    assertError(aliceIn.post("/v1/projects", new JsonObject().put("name", 3)), 422, "validation.error");
    assertError(aliceIn.post("/v1/projects", new JsonObject().put("name", "x").put("visibility", "public")), 400,
        "validation.error");
    assertError(aliceIn.post("/v1/projects", new JsonObject().put("name", "x").put("visibility", true)), 422,
        "validation.error");
    assertError(aliceIn.post("/v1/projects", new JsonObject().put("name", "x").put("team_id", "team-1")), 400,
        "validation.error");
    assertError(aliceIn.sendRaw(HttpMethod.POST, "/v1/projects", "name=x"), 422, "validation.error");

    HttpResponse<Buffer> carolsTeam = carol.client().post("/v1/teams", new JsonObject().put("name", "carol's"));
    assertEquals(201, carolsTeam.statusCode(), carolsTeam.bodyAsString());
    JsonObject foreignTeam = assertError(aliceIn.post("/v1/projects", new JsonObject().put("name", "x")
        .put("team_id", carolsTeam.bodyAsJsonObject().getString("id"))), 422, "validation.error");
    assertEquals("team_id", foreignTeam.getJsonObject("details").getString("field"));

    String path = "/v1/projects/" + create(aliceIn, new JsonObject().put("name", "valid")).getString("id");
    assertError(aliceIn.patch(path, new JsonObject().putNull("name")), 400, "validation.error");
    assertError(aliceIn.patch(path, new JsonObject().putNull("visibility")), 400, "validation.error");
    assertError(aliceIn.patch(path, new JsonObject().put("description", 5)), 422, "validation.error");
    assertError(aliceIn.patch(path, new JsonObject().put("team_id", UUID.randomUUID().toString())), 422,
        "validation.error");
    assertError(aliceIn.get("/v1/projects/not-a-uuid"), 400, "validation.error");
    assertError(aliceIn.delete("/v1/projects/not-a-uuid"), 400, "validation.error");
  }
}
