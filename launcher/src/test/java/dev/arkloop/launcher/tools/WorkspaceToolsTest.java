package dev.arkloop.launcher.tools;

import static dev.arkloop.launcher.RunEvents.one;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.common.testing.TestClient;
import dev.arkloop.launcher.RunEvents;
import dev.arkloop.launcher.TestNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The file tools work on the thread's project workspace: what the API uploads they read, what they write the API serves. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class WorkspaceToolsTest {
  private static TestNode node;
  private static TestClient alice;
  private static RunEvents runs;
  private static String projectId;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of());
    node.register("root");
    alice = node.register("alice");
    runs = new RunEvents(node);
    HttpResponse<Buffer> project = alice.post("/v1/projects", new JsonObject().put("name", "tools"));
    assertEquals(201, project.statusCode(), project.bodyAsString());
    projectId = project.bodyAsJsonObject().getString("id");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static JsonObject tool(String directive) {
    HttpResponse<Buffer> thread = alice.post("/v1/threads", new JsonObject().put("title", "t").put("project_id", projectId));
    assertEquals(201, thread.statusCode(), thread.bodyAsString());
    String threadId = thread.bodyAsJsonObject().getString("id");
    TestNode.say(alice, threadId, directive);
    return one(runs.follow(alice, runs.startOn(alice, threadId, new JsonObject())), "tool.result");
  }

  @Test
  void filesRoundTripBetweenTheApiAndTheTools() {
    HttpResponse<Buffer> uploaded = alice.send(HttpMethod.PUT, "/v1/projects/" + projectId
        + "/workspace/file?path=/notes/in.txt", Buffer.buffer("hello from the api"));
    assertEquals(201, uploaded.statusCode(), uploaded.bodyAsString());
    JsonObject read = tool("/tool read_file {\"path\": \"/notes/in.txt\"}");
    assertEquals("hello from the api", read.getJsonObject("result").getString("content"), read.encode());

    JsonObject written = tool("/tool write_file {\"path\": \"/out/answer.md\", \"content\": \"# Answer\\n42\"}");
    assertTrue(written.getJsonObject("result").getBoolean("created"), written.encode());
    HttpResponse<Buffer> served = alice.get("/v1/projects/" + projectId + "/workspace/file?path=/out/answer.md");
    assertEquals(200, served.statusCode());
    assertEquals("# Answer\n42", served.bodyAsString());
    assertEquals("answer.md", alice.get("/v1/projects/" + projectId + "/workspace/files?path=/out").bodyAsJsonObject()
        .getJsonArray("items").getJsonObject(0).getString("name"));

    JsonObject listed = tool("/tool list_files {\"path\": \"/\"}");
    assertEquals(java.util.List.of("notes", "out"), listed.getJsonObject("result").getJsonArray("items").stream()
        .map(i -> ((JsonObject) i).getString("name")).toList());
  }

  @Test
  void fileToolErrorsAreToolResults() {
    assertEquals("tool.file_not_found", tool("/tool read_file {\"path\": \"/nope.txt\"}").getJsonObject("error")
        .getString("error_class"));
    assertEquals("tool.invalid_path", tool("/tool read_file {\"path\": \"/../etc/passwd\"}").getJsonObject("error")
        .getString("error_class"));
    assertEquals("tool.invalid_arguments", tool("/tool write_file {\"path\": \"/a.txt\", \"content\": 5}")
        .getJsonObject("error").getString("error_class"));
  }

  @Test
  void aThreadWithoutAProjectHasNoWorkspace() {
    JsonObject result = one(runs.follow(alice, runs.start(alice, "/tool list_files {}", new JsonObject())),
        "tool.result");
    assertEquals("tool.not_configured", result.getJsonObject("error").getString("error_class"));
  }
}
