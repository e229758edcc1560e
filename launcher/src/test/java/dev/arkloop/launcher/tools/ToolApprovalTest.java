package dev.arkloop.launcher.tools;

import static dev.arkloop.common.testing.TestClient.assertError;
import static dev.arkloop.launcher.RunEvents.last;
import static dev.arkloop.launcher.RunEvents.ofType;
import static dev.arkloop.launcher.RunEvents.one;
import static dev.arkloop.launcher.RunEvents.types;
import static dev.arkloop.launcher.RunEvents.waitForStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.common.testing.TestClient;
import dev.arkloop.launcher.RunEvents;
import dev.arkloop.launcher.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Tools that need a human's approval: the run parks, and an answer (or the deadline) decides. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ToolApprovalTest {
  private static TestNode node;
  private static TestNode hasty;
  private static TestClient alice;
  private static TestClient carol;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of());
    node.register("root");
    alice = node.register("alice");
    hasty = TestNode.start(Map.of("ARKLOOP_TOOL_APPROVAL_TIMEOUT_SECONDS", "1"));
    hasty.register("root");
    carol = hasty.register("carol");
    for (TestClient user : List.of(alice, carol)) {
      assertEquals(201, user.post("/v1/personas", new JsonObject().put("persona_key", "careful").put("version", "1")
          .put("display_name", "Careful").put("prompt_md", "Ask first.")
          .put("require_approval", new JsonArray().add("echo"))).statusCode());
    }
  }

  @AfterAll
  static void stop() {
    node.close();
    hasty.close();
  }

  private static final JsonObject CAREFUL = new JsonObject().put("persona_id", "careful@1");

  @Test
  void anApprovedCallRunsAfterTheAnswer() {
    RunEvents runs = new RunEvents(node);
    String runId = runs.start(alice, "/echo secret plan", CAREFUL);
    waitForStatus(alice, runId, "waiting_for_input");
    JsonObject waiting = one(runs.replay(alice, runId), "run.waiting_for_input");
    assertEquals("approval", waiting.getString("kind"));
    assertEquals("echo", waiting.getString("tool_name"));
    assertEquals("secret plan", waiting.getJsonObject("arguments").getString("text"));
    assertEquals(waiting.getString("tool_call_id"), waiting.getString("input_key"));
    assertTrue(waiting.getString("prompt").contains("echo"));
    assertTrue(ofType(runs.replay(alice, runId), "tool.call").isEmpty(), "nothing runs before the answer");

    assertEquals(200, alice.post("/v1/runs/" + runId + "/input", new JsonObject().put("content", "approve"))
        .statusCode());
    List<JsonObject> events = runs.follow(alice, runId);
    List<String> types = types(events);
    int provided = types.indexOf("run.input_provided");
    int call = types.indexOf("tool.call");
    int result = types.indexOf("tool.result");
    assertTrue(types.indexOf("run.waiting_for_input") < provided && provided < call && call < result, types.toString());
    assertEquals("secret plan", one(events, "tool.result").getJsonObject("result").getString("text"));
    assertEquals("run.completed", last(events));
  }

  @Test
  void aDeniedCallIsNeverRunAndLaterCallsOfTheTurnStillAre() {
    RunEvents runs = new RunEvents(node);
    String runId = runs.start(alice, "/tool echo {\"text\": \"x\"} /tool noop {}", CAREFUL);
    waitForStatus(alice, runId, "waiting_for_input");
    assertEquals(200, alice.post("/v1/runs/" + runId + "/input",
        new JsonObject().put("content", "{\"decision\": \"deny\"}")).statusCode());
    List<JsonObject> events = runs.follow(alice, runId);
    JsonObject denied = one(events, "tool.denied");
    assertEquals("user_denied", denied.getString("reason"));
    assertEquals("echo", denied.getString("tool_name"));
    assertEquals("noop", one(events, "tool.call").getString("tool_name"), "the turn's other call still runs");
    assertEquals("run.completed", last(events));
  }

  @Test
  void anUnansweredApprovalIsDeniedAtTheDeadline() {
    RunEvents runs = new RunEvents(hasty);
    String runId = runs.start(carol, "/echo too late", CAREFUL);
    List<JsonObject> events = runs.follow(carol, runId);
    assertEquals("approval_timeout", one(events, "tool.denied").getString("reason"));
    assertTrue(ofType(events, "tool.call").isEmpty());
    assertTrue(ofType(events, "run.input_provided").isEmpty());
    assertEquals("run.completed", last(events));
    assertError(carol.post("/v1/runs/" + runId + "/input", new JsonObject().put("content", "approve")), 409,
        "runs.not_active");
    JsonArray notices = carol.get("/v1/notifications?type=run.input_timed_out").bodyAsJsonObject().getJsonArray("data");
    assertEquals(1, notices.stream().filter(n -> ((JsonObject) n).getJsonObject("payload").getString("run_id")
        .equals(runId)).count(), "the run's creator hears that it went on without the approval");
    JsonObject notice = notices.getJsonObject(0).getJsonObject("payload");
    assertEquals("completed", notice.getString("status"));
    assertEquals(new JsonArray().add("echo"), notice.getJsonArray("tools"));
  }

  @Test
  void aParkedApprovalCanBeCancelled() {
    RunEvents runs = new RunEvents(node);
    String runId = runs.start(alice, "/echo never", CAREFUL);
    waitForStatus(alice, runId, "waiting_for_input");
    assertEquals(200, alice.post("/v1/runs/" + runId + ":cancel", null).statusCode());
    List<JsonObject> events = runs.follow(alice, runId);
    assertEquals("run.cancelled", last(events));
  }
}
