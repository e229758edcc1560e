package dev.arkloop.launcher.security;

import static dev.arkloop.common.testing.TestClient.assertError;
import static dev.arkloop.launcher.RunEvents.last;
import static dev.arkloop.launcher.RunEvents.one;
import static dev.arkloop.launcher.RunEvents.waitForStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.arkloop.common.testing.TestClient;
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
 * A shared thread in an admin's private project must not hand a member the project's files through a
 * run: refused at run create, in the worker's file tools, and when a thread is put into the project.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProjectWorkspaceAccessTest {
  private static TestNode node;
  private static TestClient admin;
  private static TestClient member;
  private static RunEvents runs;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of());
    node.register("root");
    admin = node.register("padmin");
    member = Members.join(node, admin, node.register("pmember"), "pmember", "account_member");
    runs = new RunEvents(node);
    HttpResponse<Buffer> persona = admin.post("/v1/personas", new JsonObject().put("persona_key", "careful")
        .put("version", "1").put("display_name", "Careful").put("prompt_md", "Ask first.")
        .put("require_approval", new JsonArray().add("read_file")));
    assertEquals(201, persona.statusCode(), persona.bodyAsString());
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static String project(String visibility) {
    HttpResponse<Buffer> created = admin.post("/v1/projects", new JsonObject().put("name", "p-" + visibility)
        .put("visibility", visibility));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    return created.bodyAsJsonObject().getString("id");
  }

  private static String sharedThreadIn(TestClient author, String projectId) {
    HttpResponse<Buffer> thread = author.post("/v1/threads", new JsonObject().put("title", "t")
        .put("project_id", projectId).put("is_private", false));
    assertEquals(201, thread.statusCode(), thread.bodyAsString());
    return thread.bodyAsJsonObject().getString("id");
  }

  @Test
  void aMemberCannotStartARunInAPrivateProjectThroughASharedThread() {
    String threadId = sharedThreadIn(admin, project("private"));
    TestNode.say(member, threadId, "/tool read_file {\"path\": \"/secret.md\"}");
    HttpResponse<Buffer> refused = member.post("/v1/threads/" + threadId + "/runs", new JsonObject());
    assertEquals("project_not_visible", assertError(refused, 403, "auth.forbidden").getJsonObject("details")
        .getString("reason"));
  }

  @Test
  void theWorkerChecksAgainWhenTheProjectTurnsPrivateDuringTheRun() {
    String projectId = project("shared");
    String threadId = sharedThreadIn(member, projectId);
    TestNode.say(member, threadId, "/tool read_file {\"path\": \"/secret.md\"}");
    String runId = runs.startOn(member, threadId, new JsonObject().put("persona_id", "careful@1"));
    waitForStatus(member, runId, "waiting_for_input");
    assertEquals(200, admin.patch("/v1/projects/" + projectId, new JsonObject().put("visibility", "private"))
        .statusCode());
    assertEquals(200, member.post("/v1/runs/" + runId + "/input", new JsonObject().put("content", "approve"))
        .statusCode());
    List<JsonObject> events = runs.follow(member, runId);
    JsonObject result = one(events, "tool.result");
    assertEquals("policy.project_not_visible", result.getJsonObject("error").getString("error_class"),
        result.encode());
    assertEquals("run.completed", last(events));
  }

  @Test
  void aThreadCannotBeCreatedInOrMovedIntoAProjectItsAuthorCannotSee() {
    String secret = project("private");
    assertError(member.post("/v1/threads", new JsonObject().put("project_id", secret)), 422, "validation.error");
    String membersThread = sharedThreadIn(member, null);
    JsonObject refused = assertError(admin.patch("/v1/threads/" + membersThread,
        new JsonObject().put("project_id", secret)), 422, "validation.error");
    assertEquals("project_not_visible_to_author", refused.getJsonObject("details").getString("reason"));
  }
}
